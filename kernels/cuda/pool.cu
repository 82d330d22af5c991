// pool.cu: max pooling forward and backward over x (N,C,H,W) and
// y (N,C,P,Q), with the rule of kernels/ref: a window's maximum is its first
// maximum in row-major order, and the backward pass routes each dy to that
// element only. cuDNN does not document which of several equal maxima its
// backward pass picks, and ties are common after ReLU (zeros) and in the
// conformance suite, so the backend uses these kernels for both directions.

// vgg_pool_first_max: flat offset within the image plane of the first
// maximum of window (oh, ow).
__device__ __forceinline__ int vgg_pool_first_max(const float *plane, int w, int oh, int ow, int wh, int ww, int sh, int sw)
{
	int best = (oh * sh) * w + ow * sw;
	for (int i = 0; i < wh; i++)
		for (int j = 0; j < ww; j++) {
			int idx = (oh * sh + i) * w + ow * sw + j;
			if (plane[idx] > plane[best])
				best = idx;
		}
	return best;
}

// vgg_maxpool_forward: y[n,c,p,q] = max of its window in x. planes = N*C.
extern "C" __global__ void vgg_maxpool_forward(const float *x, float *y, long long planes, int h, int w, int p, int q,
	int wh, int ww, int sh, int sw)
{
	long long total = planes * p * q;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
		int ow = (int)(i % q), oh = (int)((i / q) % p);
		const float *plane = x + (i / ((long long)p * q)) * h * w;
		y[i] = plane[vgg_pool_first_max(plane, w, oh, ow, wh, ww, sh, sw)];
	}
}

// vgg_maxpool_backward: dx[n,c,r,s] = sum of dy over the windows whose first
// maximum is (r, s), in double and rounded once (as ref does); 0 elsewhere.
// One thread per element of dx gathers from the windows that contain it, so
// overlapping windows need no atomics and the result is deterministic.
extern "C" __global__ void vgg_maxpool_backward(const float *x, const float *dy, float *dx, long long planes, int h, int w,
	int p, int q, int wh, int ww, int sh, int sw)
{
	long long total = planes * h * w;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
		int c = (int)(i % w), r = (int)((i / w) % h);
		long long pl = i / ((long long)h * w);
		const float *plane = x + pl * h * w;
		const float *dplane = dy + pl * p * q;
		// Windows oh with oh*sh <= r < oh*sh+wh, likewise for ow.
		int ohLo = r - wh + 1 > 0 ? (r - wh + sh) / sh : 0, ohHi = r / sh;
		int owLo = c - ww + 1 > 0 ? (c - ww + sw) / sw : 0, owHi = c / sw;
		if (ohHi > p - 1)
			ohHi = p - 1;
		if (owHi > q - 1)
			owHi = q - 1;
		double s = 0.0;
		int self = r * w + c;
		for (int oh = ohLo; oh <= ohHi; oh++)
			for (int ow = owLo; ow <= owHi; ow++)
				if (vgg_pool_first_max(plane, w, oh, ow, wh, ww, sh, sw) == self)
					s += dplane[oh * q + ow];
		dx[i] = (float)s;
	}
}
