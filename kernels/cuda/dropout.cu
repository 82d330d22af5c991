// dropout.cu: dropout forward and backward with the counter-based mask of
// kernels.DropUniform (dropout.go), reproduced bit for bit: a splitmix64
// finalizer over seed + (i+1)*golden-ratio, the top 24 bits scaled by 2^-24.

__device__ __forceinline__ float vgg_drop_uniform(unsigned long long seed, long long i)
{
	unsigned long long z = seed + (unsigned long long)(i + 1) * 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return (float)(z >> 40) * (1.0f / 16777216.0f);
}

// vgg_dropout_forward: mask[i] = keep ? 1/(1-rate) : 0 with keep =
// DropUniform(seed, i) >= rate; y[i] = x[i]*mask[i]. y may be x.
extern "C" __global__ void vgg_dropout_forward(const float *x, float *mask, float *y, long long n, float rate, unsigned long long seed)
{
	float scale = 1.0f / (1.0f - rate);
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
		float m = vgg_drop_uniform(seed, i) >= rate ? scale : 0.0f;
		mask[i] = m;
		y[i] = x[i] * m;
	}
}

// vgg_dropout_backward: dx = dy*mask. dx may be dy.
extern "C" __global__ void vgg_dropout_backward(const float *dy, const float *mask, float *dx, long long n)
{
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
		dx[i] = dy[i] * mask[i];
}
