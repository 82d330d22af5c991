// elementwise.cu: bias, bias gradient and SGD kernels of the CUDA backend,
// float32 NCHW. Compiled at run time by NVRTC (internal/cuda, NVRTC.Kernels)
// with --fmad=false, so each operation rounds as the CPU backends do.
// The names are listed in kernels/cudasrc.go; tests: go test ./internal/cuda.

// vgg_bias_forward: y (N,K,PQ) += b[k], then max(0, ·) when relu != 0.
// One thread per element, grid-stride.
extern "C" __global__ void vgg_bias_forward(float *y, const float *b, int k, int pq, long long total, int relu)
{
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
		float v = y[i] + b[(i / pq) % k];
		y[i] = (relu && v < 0.0f) ? 0.0f : v;
	}
}

// vgg_bias_backward: db[k] = sum over n, p, q of dy (N,K,PQ). One block per
// channel k (gridDim.x == K), blockDim.x a power of two <= 1024 (the
// launch site, biasBackwardGrid, enforces both); the sum is in double, in
// an order fixed by the launch geometry, then rounded once. The backend
// uses it in deterministic mode instead of cudnnConvolutionBackwardBias,
// whose determinism cuDNN does not document. Every thread reaches every
// __syncthreads.
extern "C" __global__ void vgg_bias_backward(const float *dy, float *db, int n, int k, int pq)
{
	__shared__ double part[1024];
	int c = blockIdx.x;
	double s = 0.0;
	for (long long j = threadIdx.x; j < (long long)n * pq; j += blockDim.x) {
		long long img = j / pq, pos = j % pq;
		s += dy[(img * k + c) * pq + pos];
	}
	part[threadIdx.x] = s;
	__syncthreads();
	for (int w = blockDim.x / 2; w > 0; w /= 2) {
		if (threadIdx.x < w)
			part[threadIdx.x] += part[threadIdx.x + w];
		__syncthreads();
	}
	if (threadIdx.x == 0)
		db[c] = (float)part[0];
}

// vgg_sgd_update: w -= lr*dw, n elements.
extern "C" __global__ void vgg_sgd_update(float *w, const float *dw, float lr, long long n)
{
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
		w[i] = w[i] - lr * dw[i];
}
