// softmax.cu: fused softmax cross-entropy over logits (N,K), one thread per
// row (K is small: 10 classes). The loss sum, the correct count and the
// number of out-of-range labels are reduced on the device into out[0..2]
// (double), which the caller zeroes before the launch and reads back once.

extern "C" __global__ void vgg_softmax_xent(const float *logits, const float *labels, float *dlogits, double *out, int n, int k)
{
	int r = blockIdx.x * blockDim.x + threadIdx.x;
	if (r >= n)
		return;
	const float *x = logits + (long long)r * k;
	int label = (int)labels[r];
	if (labels[r] != (float)label || label < 0 || label >= k) {
		atomicAdd(&out[2], 1.0);
		return;
	}
	float mx = x[0];
	int arg = 0;
	for (int j = 1; j < k; j++)
		if (x[j] > mx) {
			mx = x[j];
			arg = j;
		}
	double sum = 0.0;
	for (int j = 0; j < k; j++)
		sum += exp((double)x[j] - (double)mx);
	double logp = (double)x[label] - (double)mx - log(sum);
	atomicAdd(&out[0], -logp);
	if (arg == label)
		atomicAdd(&out[1], 1.0);
	if (dlogits) {
		float *d = dlogits + (long long)r * k;
		for (int j = 0; j < k; j++) {
			double p = exp((double)x[j] - (double)mx) / sum;
			d[j] = (float)((p - (j == label ? 1.0 : 0.0)) / n);
		}
	}
}
