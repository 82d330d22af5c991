// resize.cu: bilinear resize of uint8 images (N,1,inH,inW) to float
// (N,1,outH,outW) in [0,1], as OpenCV's INTER_LINEAR: source coordinate
// (dst+0.5)*scale-0.5, clamped at the borders; the interpolated value is
// rounded to uint8, then divided by 255 (the CPU loader does the same).

extern "C" __global__ void vgg_resize_bilinear_u8(const unsigned char *src, float *dst, int n, int inH, int inW, int outH, int outW)
{
	long long total = (long long)n * outH * outW;
	float sy = (float)inH / (float)outH, sx = (float)inW / (float)outW;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
		int ox = (int)(i % outW), oy = (int)((i / outW) % outH);
		long long img = i / ((long long)outW * outH);
		float fy = ((float)oy + 0.5f) * sy - 0.5f, fx = ((float)ox + 0.5f) * sx - 0.5f;
		int y0 = (int)floorf(fy), x0 = (int)floorf(fx);
		fy -= (float)y0;
		fx -= (float)x0;
		if (y0 < 0) { y0 = 0; fy = 0.0f; }
		if (x0 < 0) { x0 = 0; fx = 0.0f; }
		if (y0 >= inH - 1) { y0 = inH - 1; fy = 0.0f; }
		if (x0 >= inW - 1) { x0 = inW - 1; fx = 0.0f; }
		int y1 = y0 + 1 < inH ? y0 + 1 : inH - 1, x1 = x0 + 1 < inW ? x0 + 1 : inW - 1;
		const unsigned char *p = src + img * inH * inW;
		float top = (1.0f - fx) * p[y0 * inW + x0] + fx * p[y0 * inW + x1];
		float bot = (1.0f - fx) * p[y1 * inW + x0] + fx * p[y1 * inW + x1];
		float v = (1.0f - fy) * top + fy * bot;
		float u = floorf(v + 0.5f);
		u = u < 0.0f ? 0.0f : (u > 255.0f ? 255.0f : u);
		dst[i] = u / 255.0f;
	}
}
