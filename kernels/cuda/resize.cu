// resize.cu: resize of uint8 images (N,1,inH,inW) to float (N,1,outH,outW)
// in [0,1] with the arithmetic of kernels/ref.Resizer, which reproduces
// OpenCV's cv::resize(INTER_LINEAR) on 8-bit images bit for bit:
//
//   - equal sizes copy;
//   - an exact 2x downscale in both directions is OpenCV's INTER_AREA,
//     (a+b+c+d+2)>>2 over each 2x2 block;
//   - otherwise the source coordinate is float((dst+0.5)*scale-0.5) with
//     scale = 1/(dstSize/srcSize) in double, split into floor and fraction;
//     the weights become 11-bit fixed point (round half to even); the
//     horizontal pass is exact in integers and shifted right by 4, the
//     vertical pass is OpenCV's SIMD step (((h0*b0)>>16)+((h1*b1)>>16)+2)>>2.
//     Horizontally, positions left of pixel 0 or at or beyond the last pixel
//     take that border pixel; vertically the rows are clamped and the
//     fraction kept.
//
// The byte v is then stored as v/255.0f. The per-pixel function is plain C
// (no CUDA intrinsics) so that a Go test compiles it on the host and compares
// it with the Go Resizer for every output pixel.

__device__ __forceinline__ void vgg_cv_coef(int d, int src, int dst, int zeroBorder, int *s0, int *s1, int *w0, int *w1)
{
	double scale = 1.0 / ((double)dst / (double)src);
	float f = (float)(((double)d + 0.5) * scale - 0.5);
	int s = (int)floor((double)f);
	f -= (float)s;
	int a = s, b = s + 1;
	if (zeroBorder) {
		if (s < 0) {
			f = 0.0f;
			a = 0;
			b = 1;
		}
		if (a >= src - 1) {
			f = 0.0f;
			a = src - 1;
			b = src - 1;
		}
	}
	*s0 = a < 0 ? 0 : (a > src - 1 ? src - 1 : a);
	*s1 = b < 0 ? 0 : (b > src - 1 ? src - 1 : b);
	*w0 = (int)rint((double)((1.0f - f) * 2048.0f));
	*w1 = (int)rint((double)(f * 2048.0f));
}

// vgg_cv_resize_pixel is output pixel (oy, ox) of one image p (inH x inW).
__device__ __forceinline__ unsigned char vgg_cv_resize_pixel(const unsigned char *p, int inH, int inW, int outH, int outW, int oy, int ox)
{
	if (inH == outH && inW == outW)
		return p[oy * inW + ox];
	if (inH == 2 * outH && inW == 2 * outW) {
		const unsigned char *t = p + 2 * oy * inW + 2 * ox;
		return (unsigned char)((t[0] + t[1] + t[inW] + t[inW + 1] + 2) >> 2);
	}
	int x0, x1, a0, a1, y0, y1, b0, b1;
	vgg_cv_coef(ox, inW, outW, 1, &x0, &x1, &a0, &a1);
	vgg_cv_coef(oy, inH, outH, 0, &y0, &y1, &b0, &b1);
	int h0 = (p[y0 * inW + x0] * a0 + p[y0 * inW + x1] * a1) >> 4;
	int h1 = (p[y1 * inW + x0] * a0 + p[y1 * inW + x1] * a1) >> 4;
	return (unsigned char)((((h0 * b0) >> 16) + ((h1 * b1) >> 16) + 2) >> 2);
}

// vgg_resize_bilinear_u8: dst (N,1,outH,outW) = resize(src (N,1,inH,inW))/255.
// One thread per output pixel, grid-stride.
extern "C" __global__ void vgg_resize_bilinear_u8(const unsigned char *src, float *dst, int n, int inH, int inW, int outH, int outW)
{
	long long total = (long long)n * outH * outW;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
		int ox = (int)(i % outW), oy = (int)((i / outW) % outH);
		long long img = i / ((long long)outW * outH);
		unsigned char v = vgg_cv_resize_pixel(src + img * inH * inW, inH, inW, outH, outW, oy, ox);
		dst[i] = (float)v / 255.0f;
	}
}
