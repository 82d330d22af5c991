// softmax.cu: fused softmax cross-entropy over logits (N,K), one thread per
// row at a time (K is small: 10 classes), grid-stride over the rows.

// VGG_XENT_BLOCK is vgg_softmax_xent's block size (xentBlock in launch.go);
// its tree sum needs a power of two.
#define VGG_XENT_BLOCK 128

// vgg_softmax_xent: the loss, correct count and number of out-of-range
// labels of each block's rows, written to out[3*blockIdx.x + 0..2]
// (double); the caller adds the gridDim.x slots in block order. Launch with
// blockDim.x == VGG_XENT_BLOCK. There are no atomics: each thread sums its
// rows in order, the block adds the threads' sums in a fixed tree, and so
// the total is the same bits on every run with the same n and grid. Every
// thread reaches every __syncthreads.
extern "C" __global__ void vgg_softmax_xent(const float *logits, const float *labels, float *dlogits, double *out, int n, int k)
{
	__shared__ double part[3][VGG_XENT_BLOCK];
	double loss = 0.0, correct = 0.0, bad = 0.0;
	for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < n; r += gridDim.x * blockDim.x) {
		const float *x = logits + (long long)r * k;
		int label = (int)labels[r];
		if (labels[r] != (float)label || label < 0 || label >= k) {
			bad += 1.0;
			continue;
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
		loss -= (double)x[label] - (double)mx - log(sum);
		if (arg == label)
			correct += 1.0;
		if (dlogits) {
			float *d = dlogits + (long long)r * k;
			for (int j = 0; j < k; j++) {
				double p = exp((double)x[j] - (double)mx) / sum;
				d[j] = (float)((p - (j == label ? 1.0 : 0.0)) / n);
			}
		}
	}
	int t = threadIdx.x;
	part[0][t] = loss;
	part[1][t] = correct;
	part[2][t] = bad;
	__syncthreads();
	for (int w = blockDim.x / 2; w > 0; w /= 2) {
		if (t < w)
			for (int i = 0; i < 3; i++)
				part[i][t] += part[i][t + w];
		__syncthreads();
	}
	if (t == 0)
		for (int i = 0; i < 3; i++)
			out[3 * blockIdx.x + i] = part[i][0];
}
