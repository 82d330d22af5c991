// standin_test.cc: tests of the stand-in libcublas.so.13 and libcudnn.so.9
// against the test-only libcuda.so.1 of fake_vgsi.cc.
//
// Build and run (what run.sh in this directory does):
//   internal/cuda/standin/test/run.sh
// It prints one line per failed check and a summary; exit status 0 when every
// check passed.

#include <dlfcn.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "blas_api_internal.h"
#include "dnn_api_internal.h"
#include "fake_vgsi.h"

namespace {

int g_checks = 0, g_failed = 0;

#define CHECK(cond, ...)                                                    \
	do {                                                                    \
		g_checks++;                                                         \
		if (!(cond)) {                                                      \
			g_failed++;                                                     \
			std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);     \
			std::printf(__VA_ARGS__);                                       \
			std::printf("\n");                                              \
		}                                                                   \
	} while (0)

#define CHECK_EQ(got, want, what)                                                                    \
	do {                                                                                             \
		long long g_ = (long long)(got), w_ = (long long)(want);                                     \
		CHECK(g_ == w_, "%s: got %lld, want %lld", what, g_, w_);                                    \
	} while (0)

std::mt19937 rng(12345);

float urand() { return std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng); }

// Device buffers of the fake: filled with NaN poison until written.
struct Dev {
	float *p = nullptr;
	size_t n = 0;
	explicit Dev(size_t count) : p(static_cast<float *>(fake_alloc(count * 4))), n(count) {}
	~Dev() { fake_free(p); }
	Dev(const Dev &) = delete;
	Dev &operator=(const Dev &) = delete;
	void fill(const std::vector<float> &v) { std::memcpy(p, v.data(), v.size() * 4); }
	std::vector<float> get() const { return std::vector<float>(p, p + n); }
};

std::vector<float> randv(size_t n) {
	std::vector<float> v(n);
	for (auto &x : v) {
		x = urand();
	}
	return v;
}

bool anyNaN(const std::vector<float> &v) {
	for (float x : v) {
		if (std::isnan(x)) {
			return true;
		}
	}
	return false;
}

// ---------------------------------------------------------------- cuBLAS

// gemmRef is a naive column-major reference in double.
std::vector<double> gemmRef(int ta, int tb, int m, int n, int k, float alpha, const std::vector<float> &A, int lda,
                            const std::vector<float> &B, int ldb, float beta, const std::vector<float> &C, int ldc,
                            std::vector<double> *absSum) {
	std::vector<double> out(C.begin(), C.end());
	absSum->assign(C.size(), 0.0);
	for (int j = 0; j < n; j++) {
		for (int i = 0; i < m; i++) {
			double s = 0, sa = 0;
			for (int l = 0; l < k; l++) {
				double a = ta == 0 ? A[i + (size_t)l * lda] : A[l + (size_t)i * lda];
				double b = tb == 0 ? B[l + (size_t)j * ldb] : B[j + (size_t)l * ldb];
				s += a * b;
				sa += std::fabs(a * b);
			}
			double c = beta == 0 ? 0.0 : beta * (double)C[i + (size_t)j * ldc];
			out[i + (size_t)j * ldc] = alpha * s + c;
			(*absSum)[i + (size_t)j * ldc] = std::fabs(alpha) * sa + std::fabs(c);
		}
	}
	return out;
}

// runGemm runs one SGEMM through the library and compares it with gemmRef;
// returns the largest error relative to the sum of magnitudes.
double runGemm(vgCublasHandle h, int ta, int tb, int m, int n, int k, float alpha, float beta, int pad,
               std::vector<float> *result = nullptr) {
	int rowsA = ta == 0 ? m : k, colsA = ta == 0 ? k : m;
	int rowsB = tb == 0 ? k : n, colsB = tb == 0 ? n : k;
	int lda = rowsA + pad, ldb = rowsB + pad, ldc = m + pad;
	auto A = randv((size_t)lda * colsA), B = randv((size_t)ldb * colsB), C = randv((size_t)ldc * n);
	Dev dA(A.size()), dB(B.size()), dC(C.size());
	dA.fill(A);
	dB.fill(B);
	dC.fill(C);
	int st = cublasSgemm_v2(h, ta, tb, m, n, k, &alpha, dA.p, lda, dB.p, ldb, &beta, dC.p, ldc);
	CHECK_EQ(st, 0, "cublasSgemm_v2");
	std::vector<double> abs;
	auto want = gemmRef(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, &abs);
	auto got = dC.get();
	double worst = 0;
	for (int j = 0; j < n; j++) {
		for (int i = 0; i < m; i++) {
			size_t x = i + (size_t)j * ldc;
			double e = std::fabs(got[x] - want[x]) / (abs[x] + 1e-30);
			worst = std::max(worst, e);
		}
		for (int i = m; i < ldc; i++) {  // padding rows untouched
			size_t x = i + (size_t)j * ldc;
			CHECK(std::memcmp(&got[x], &C[x], 4) == 0, "C padding (%d,%d) written", i, j);
		}
	}
	if (result) {
		*result = got;
	}
	return worst;
}

void testBlas() {
	vgCublasHandle h = nullptr;
	CHECK_EQ(cublasCreate_v2(nullptr), 7, "create(NULL)");
	fake_set_current(0);
	CHECK_EQ(cublasCreate_v2(&h), 1, "create without a context");
	fake_set_current(1);
	CHECK_EQ(cublasCreate_v2(&h), 0, "create");
	int live0 = fake_live_objects();
	CHECK(live0 >= 1, "handle tracked");

	int v[3];
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(cublasGetProperty(i, &v[i]), 0, "getProperty");
	}
	CHECK(v[0] == 13 && v[1] == 10 && v[2] == 0, "version %d.%d.%d", v[0], v[1], v[2]);
	CHECK_EQ(cublasGetProperty(3, &v[0]), 7, "getProperty(3)");

	CHECK_EQ(cublasSetMathMode(h, 5), 7, "math 5");
	CHECK_EQ(cublasSetMathMode(h, 3 | 16), 0, "math 3|16");
	CHECK_EQ(cublasSetMathMode(h, 2), 0, "math 2");
	CHECK_EQ(cublasSetMathMode(h, 0), 0, "math 0");

	// Every op combination, odd sizes, padded leading dimensions; k = 300
	// crosses the library's k blocking.
	const int shapes[][3] = {{5, 7, 3}, {1, 1, 1}, {13, 4, 9}, {37, 29, 300}, {64, 3, 17}};
	for (int ta = 0; ta < 3; ta++) {
		for (int tb = 0; tb < 3; tb++) {
			for (auto &s : shapes) {
				double e = runGemm(h, ta, tb, s[0], s[1], s[2], 1.25f, -0.5f, 3);
				CHECK(e < 2e-6, "sgemm op %d/%d %dx%dx%d rel err %g", ta, tb, s[0], s[1], s[2], e);
				e = runGemm(h, ta, tb, s[0], s[1], s[2], 1.0f, 0.0f, 0);
				CHECK(e < 2e-6, "sgemm beta=0 op %d/%d %dx%dx%d rel err %g", ta, tb, s[0], s[1], s[2], e);
			}
		}
	}
	// The backend's three calls (ops.go): Yᵀ = Wᵀ·Xᵀ etc., with a big In.
	CHECK(runGemm(h, 1, 0, 10, 32, 1000, 1, 0, 0) < 2e-6, "dense forward shape");
	CHECK(runGemm(h, 0, 0, 1000, 32, 10, 1, 0, 0) < 2e-6, "dense dx shape");
	CHECK(runGemm(h, 0, 1, 1000, 10, 32, 1, 0, 0) < 2e-6, "dense dw shape");

	// Argument errors (INVALID_VALUE = 7).
	{
		Dev a(64), b(64), c(64);
		float one = 1, zero = 0;
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, 4, &one, a.p, 3, b.p, 4, &zero, c.p, 4), 7, "lda < m (N)");
		CHECK_EQ(cublasSgemm_v2(h, 1, 0, 4, 4, 5, &one, a.p, 4, b.p, 5, &zero, c.p, 4), 7, "lda < k (T)");
		CHECK_EQ(cublasSgemm_v2(h, 1, 0, 4, 4, 3, &one, a.p, 3, b.p, 3, &zero, c.p, 4), 0, "lda = k (T)");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, 5, &one, a.p, 4, b.p, 4, &zero, c.p, 4), 7, "ldb < k (N)");
		CHECK_EQ(cublasSgemm_v2(h, 0, 1, 4, 5, 4, &one, a.p, 4, b.p, 4, &zero, c.p, 4), 7, "ldb < n (T)");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, 4, &one, a.p, 4, b.p, 4, &zero, c.p, 3), 7, "ldc < m");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 0, 4, 4, &one, a.p, 0, b.p, 4, &zero, c.p, 0), 7, "lda 0 < max(1, m=0)");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, -1, 4, 4, &one, a.p, 4, b.p, 4, &zero, c.p, 4), 7, "m < 0");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, -1, 4, &one, a.p, 4, b.p, 4, &zero, c.p, 4), 7, "n < 0");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, -1, &one, a.p, 4, b.p, 4, &zero, c.p, 4), 7, "k < 0");
		CHECK_EQ(cublasSgemm_v2(h, 3, 0, 4, 4, 4, &one, a.p, 4, b.p, 4, &zero, c.p, 4), 7, "op 3");
		CHECK_EQ(cublasSgemm_v2(h, 0, 7, 4, 4, 4, &one, a.p, 4, b.p, 4, &zero, c.p, 4), 7, "op 7");
		// Quick returns: nothing queued.
		int jobs = fake_jobs_run();
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 0, 4, 4, &one, a.p, 1, b.p, 4, &zero, c.p, 1), 0, "m == 0");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 0, 4, &one, a.p, 4, b.p, 4, &zero, c.p, 4), 0, "n == 0");
		CHECK_EQ(fake_jobs_run(), jobs, "m or n == 0 queues nothing");
		// Ranges: a host pointer, and C that runs past its allocation.
		std::vector<float> host(64);
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, 4, &one, host.data(), 4, b.p, 4, &zero, c.p, 4), 7, "host A");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, 4, &one, a.p, 4, b.p, 4, &zero, c.p, 21), 7, "C past its end (ldc 21)");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, 4, &one, a.p, 4, b.p + 60, 4, &zero, c.p, 4), 7, "B past its end");
		// k == 0: C = beta*C, A and B never read (may be anything).
		std::vector<float> cv(64, 2.0f);
		c.fill(cv);
		float two = 3;
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, 0, &one, host.data(), 4, nullptr, 1, &two, c.p, 4), 0, "k == 0");
		CHECK(c.get()[0] == 6.0f && c.get()[15] == 6.0f && c.get()[16] == 2.0f, "k == 0: C = beta*C (%g)", c.get()[0]);
		// alpha == 0 and beta == 0: zeros, C (NaN) never read.
		Dev nanC(64);  // poison: NaN
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 4, 4, 4, &zero, a.p, 4, b.p, 4, &zero, nanC.p, 4), 0, "alpha = beta = 0");
		CHECK(nanC.get()[0] == 0.0f && nanC.get()[15] == 0.0f, "alpha = beta = 0 gives 0");
		CHECK(std::isnan(nanC.get()[16]), "beyond m x n untouched");
	}
	// beta == 0 never reads C: a NaN-filled C (the fake's poison) gives no NaN.
	{
		const int m = 9, n = 11, k = 7;
		auto A = randv(m * k), B = randv(k * n);
		Dev dA(A.size()), dB(B.size()), dC(m * n);
		dA.fill(A);
		dB.fill(B);
		float one = 1, zero = 0;
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, m, n, k, &one, dA.p, m, dB.p, k, &zero, dC.p, m), 0, "beta=0 NaN C");
		CHECK(!anyNaN(dC.get()), "beta == 0 read the NaN in C");
	}
	// TF32 (math 3) rounds A and B: differs from FP32, within 1e-2 relative.
	{
		std::vector<float> f32, t32;
		rng.seed(7);
		CHECK_EQ(cublasSetMathMode(h, 0), 0, "math 0");
		double e32 = runGemm(h, 0, 0, 24, 24, 64, 1, 0, 0, &f32);
		rng.seed(7);
		CHECK_EQ(cublasSetMathMode(h, 3), 0, "math 3");
		double etf = runGemm(h, 0, 0, 24, 24, 64, 1, 0, 0, &t32);
		CHECK(e32 < 2e-6, "fp32 error %g", e32);
		CHECK(etf > 1e-5 && etf < 1e-2, "tf32 error %g should be visible and < 1e-2", etf);
		int diff = 0;
		for (size_t i = 0; i < f32.size(); i++) {
			diff += f32[i] != t32[i];
		}
		CHECK(diff > (int)f32.size() / 2, "tf32 differs from fp32 in %d of %zu", diff, f32.size());
		// On a pre-Ampere device the mode changes nothing.
		// (The handle's device is the one current at cublasCreate.)
		fake_set_cc(70);
		vgCublasHandle h70 = nullptr;
		CHECK_EQ(cublasCreate_v2(&h70), 0, "create on sm_70");
		fake_set_cc(90);
		CHECK_EQ(cublasSetMathMode(h70, 3), 0, "math 3");
		rng.seed(7);
		std::vector<float> v70;
		runGemm(h70, 0, 0, 24, 24, 64, 1, 0, 0, &v70);
		CHECK(v70 == f32, "tf32 mode on sm_70 is fp32");
		CHECK_EQ(cublasDestroy_v2(h70), 0, "destroy");
		// TF32 rounding of single values: 1 + 2^-11 (a tie) rounds to even 1;
		// 1 + 3*2^-11 rounds up to 1 + 2^-9.
		Dev a(1), b(1), c(1);
		float one = 1, zero = 0;
		std::vector<float> av{1.0f + 0x1p-11f}, bv{1.0f};
		a.fill(av);
		b.fill(bv);
		cublasSgemm_v2(h, 0, 0, 1, 1, 1, &one, a.p, 1, b.p, 1, &zero, c.p, 1);
		CHECK(c.get()[0] == 1.0f, "tf32 tie to even: %a", c.get()[0]);
		av[0] = 1.0f + 3 * 0x1p-11f;
		a.fill(av);
		cublasSgemm_v2(h, 0, 0, 1, 1, 1, &one, a.p, 1, b.p, 1, &zero, c.p, 1);
		CHECK(c.get()[0] == 1.0f + 0x1p-9f, "tf32 round up: %a", c.get()[0]);
		CHECK_EQ(cublasSetMathMode(h, 0), 0, "math 0");
	}
	// Asynchrony: the scalars are read at call time, the product later.
	{
		fake_set_deferred(1);
		const int m = 3, n = 2, k = 2;
		auto A = randv(m * k), B = randv(k * n);
		Dev dA(A.size()), dB(B.size()), dC(m * n);
		dA.fill(A);
		dB.fill(B);
		float alpha = 2, beta = 0;
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, m, n, k, &alpha, dA.p, m, dB.p, k, &beta, dC.p, m), 0, "deferred sgemm");
		alpha = 100;
		CHECK(std::isnan(dC.get()[0]), "deferred: not yet computed");
		fake_drain();
		fake_set_deferred(0);
		double want = 2.0 * (A[0] * B[0] + A[3] * B[1]);
		CHECK(std::fabs(dC.get()[0] - want) < 1e-5, "alpha read at call time: %g vs %g", dC.get()[0], want);
	}
	// Streams: an unknown stream fails at queueing (EXECUTION_FAILED).
	{
		Dev a(4), b(4), c(4);
		float one = 1, zero = 0;
		int bogus;
		CHECK_EQ(cublasSetStream_v2(h, reinterpret_cast<vgCUstream>(&bogus)), 0, "set bogus stream");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 2, 2, 2, &one, a.p, 2, b.p, 2, &zero, c.p, 2), 13, "sgemm on bogus stream");
		CHECK_EQ(cublasSetStream_v2(h, reinterpret_cast<vgCUstream>(fake_stream_create())), 0, "set stream");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 2, 2, 2, &one, a.p, 2, b.p, 2, &zero, c.p, 2), 0, "sgemm on stream");
		fake_set_current(0);
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 2, 2, 2, &one, a.p, 2, b.p, 2, &zero, c.p, 2), 13, "sgemm without context");
		fake_set_current(1);
	}
	// Fault injection: the next fallible call fails, nothing changes.
	{
		Dev a(4), b(4), c(4);
		float one = 1, zero = 0;
		fake_fail_call("cublas", 1);
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 2, 2, 2, &one, a.p, 2, b.p, 2, &zero, c.p, 2), 13, "injected sgemm fault");
		CHECK_EQ(cublasSgemm_v2(h, 0, 0, 2, 2, 2, &one, a.p, 2, b.p, 2, &zero, c.p, 2), 0, "after the fault");
		fake_fail_call("cublas", 2);
		CHECK_EQ(cublasSetMathMode(h, 0), 0, "call 1 of 2");
		vgCublasHandle h2 = nullptr;
		CHECK_EQ(cublasCreate_v2(&h2), 14, "injected create fault");
		CHECK(h2 == nullptr, "no handle on fault");
	}
	CHECK(std::strcmp(cublasGetStatusName(7), "CUBLAS_STATUS_INVALID_VALUE") == 0, "status name");
	CHECK(cublasGetStatusName(12345) != nullptr && cublasGetStatusString(-1) != nullptr, "unknown status text");
	CHECK_EQ(cublasDestroy_v2(h), 0, "destroy");
	CHECK_EQ(cublasDestroy_v2(h), 1, "destroy twice");
	CHECK_EQ(cublasSetMathMode(h, 0), 1, "destroyed handle");
	CHECK_EQ(cublasSgemm_v2(nullptr, 0, 0, 1, 1, 1, nullptr, nullptr, 1, nullptr, 1, nullptr, nullptr, 1), 1, "NULL handle");
	CHECK_EQ(fake_live_objects(), live0 - 1, "handle untracked");
}

// ---------------------------------------------------------------- cuDNN

struct Shape {
	int N, C, H, W, K, R, S, ph, pw, u, v, dh, dw;
	int P() const { return 1 + (H + 2 * ph - ((R - 1) * dh + 1)) / u; }
	int Q() const { return 1 + (W + 2 * pw - ((S - 1) * dw + 1)) / v; }
	size_t nx() const { return (size_t)N * C * H * W; }
	size_t nw() const { return (size_t)K * C * R * S; }
	size_t ny() const { return (size_t)N * K * P() * Q(); }
};

// Descriptors of one convolution problem.
struct Conv {
	vgCudnnTensorDesc x = nullptr, y = nullptr;
	vgCudnnFilterDesc w = nullptr;
	vgCudnnConvDesc c = nullptr;
	Conv(const Shape &s, int mode, int math) {
		CHECK_EQ(cudnnCreateTensorDescriptor(&x), 0, "create x");
		CHECK_EQ(cudnnCreateTensorDescriptor(&y), 0, "create y");
		CHECK_EQ(cudnnCreateFilterDescriptor(&w), 0, "create w");
		CHECK_EQ(cudnnCreateConvolutionDescriptor(&c), 0, "create conv");
		CHECK_EQ(cudnnSetTensor4dDescriptor(x, 0, 0, s.N, s.C, s.H, s.W), 0, "set x");
		CHECK_EQ(cudnnSetTensor4dDescriptor(y, 0, 0, s.N, s.K, s.P(), s.Q()), 0, "set y");
		CHECK_EQ(cudnnSetFilter4dDescriptor(w, 0, 0, s.K, s.C, s.R, s.S), 0, "set w");
		CHECK_EQ(cudnnSetConvolution2dDescriptor(c, s.ph, s.pw, s.u, s.v, s.dh, s.dw, mode, 0), 0, "set conv");
		CHECK_EQ(cudnnSetConvolutionMathType(c, math), 0, "set math");
	}
	~Conv() {
		CHECK_EQ(cudnnDestroyTensorDescriptor(x), 0, "destroy x");
		CHECK_EQ(cudnnDestroyTensorDescriptor(y), 0, "destroy y");
		CHECK_EQ(cudnnDestroyFilterDescriptor(w), 0, "destroy w");
		CHECK_EQ(cudnnDestroyConvolutionDescriptor(c), 0, "destroy conv");
	}
};

// The naive references, in double. flip: CUDNN_CONVOLUTION.
double wAt(const Shape &s, const std::vector<float> &w, int k, int c, int r, int q, bool flip) {
	if (flip) {
		r = s.R - 1 - r, q = s.S - 1 - q;
	}
	return w[(((size_t)k * s.C + c) * s.R + r) * s.S + q];
}

template <typename F>
void forEachTap(const Shape &s, F f) {  // f(n, k, c, p, q, r, t, ih, iw) for in-range taps
	for (int n = 0; n < s.N; n++)
		for (int k = 0; k < s.K; k++)
			for (int p = 0; p < s.P(); p++)
				for (int q = 0; q < s.Q(); q++)
					for (int c = 0; c < s.C; c++)
						for (int r = 0; r < s.R; r++)
							for (int t = 0; t < s.S; t++) {
								int ih = p * s.u - s.ph + r * s.dh, iw = q * s.v - s.pw + t * s.dw;
								if (ih >= 0 && ih < s.H && iw >= 0 && iw < s.W) {
									f(n, k, c, p, q, r, t, ih, iw);
								}
							}
}

size_t xi(const Shape &s, int n, int c, int h, int w) { return (((size_t)n * s.C + c) * s.H + h) * s.W + w; }
size_t yi(const Shape &s, int n, int k, int p, int q) { return (((size_t)n * s.K + k) * s.P() + p) * s.Q() + q; }

void refForward(const Shape &s, bool flip, const std::vector<float> &x, const std::vector<float> &w,
                std::vector<double> *y, std::vector<double> *mag) {
	y->assign(s.ny(), 0);
	mag->assign(s.ny(), 0);
	forEachTap(s, [&](int n, int k, int c, int p, int q, int r, int t, int ih, int iw) {
		double v = x[xi(s, n, c, ih, iw)] * wAt(s, w, k, c, r, t, flip);
		(*y)[yi(s, n, k, p, q)] += v;
		(*mag)[yi(s, n, k, p, q)] += std::fabs(v);
	});
}

void refBackwardData(const Shape &s, bool flip, const std::vector<float> &w, const std::vector<float> &dy,
                     std::vector<double> *dx, std::vector<double> *mag) {
	dx->assign(s.nx(), 0);
	mag->assign(s.nx(), 0);
	forEachTap(s, [&](int n, int k, int c, int p, int q, int r, int t, int ih, int iw) {
		double v = dy[yi(s, n, k, p, q)] * wAt(s, w, k, c, r, t, flip);
		(*dx)[xi(s, n, c, ih, iw)] += v;
		(*mag)[xi(s, n, c, ih, iw)] += std::fabs(v);
	});
}

void refBackwardFilter(const Shape &s, bool flip, const std::vector<float> &x, const std::vector<float> &dy,
                       std::vector<double> *dw, std::vector<double> *mag) {
	dw->assign(s.nw(), 0);
	mag->assign(s.nw(), 0);
	forEachTap(s, [&](int n, int k, int c, int p, int q, int r, int t, int ih, int iw) {
		int rr = flip ? s.R - 1 - r : r, tt = flip ? s.S - 1 - t : t;
		size_t i = (((size_t)k * s.C + c) * s.R + rr) * s.S + tt;
		double v = x[xi(s, n, c, ih, iw)] * dy[yi(s, n, k, p, q)];
		(*dw)[i] += v;
		(*mag)[i] += std::fabs(v);
	});
}

// relErr: the largest |got - (alpha*want + beta*old)| / (|alpha|*mag + |beta*old| + tiny).
double relErr(const std::vector<float> &got, const std::vector<double> &want, const std::vector<double> &mag,
              float alpha = 1, float beta = 0, const std::vector<float> *old = nullptr) {
	double worst = 0;
	for (size_t i = 0; i < got.size(); i++) {
		double o = beta == 0 ? 0.0 : beta * (double)(*old)[i];
		double e = std::fabs(got[i] - (alpha * want[i] + o)) / (std::fabs(alpha) * mag[i] + std::fabs(o) + 1e-20);
		if (!(e <= worst)) {
			worst = e;  // NaN propagates into worst
		}
	}
	return worst;
}

double dot(const std::vector<float> &a, const std::vector<float> &b) {
	double s = 0;
	for (size_t i = 0; i < a.size(); i++) {
		s += (double)a[i] * b[i];
	}
	return s;
}

struct Algos {
	int fwd, bwdData, bwdFilter;
};

// convRun runs the three directions with the given algorithms and compares
// them with the references; returns the worst error and the results.
struct ConvResult {
	std::vector<float> y, dx, dw;
	double efwd, edata, efilter;
};

ConvResult convRun(vgCudnnHandle h, const Shape &s, int mode, int math, Algos a, const std::vector<float> &x,
                   const std::vector<float> &w, const std::vector<float> &dy, float alpha = 1, float beta = 0) {
	Conv d(s, mode, math);
	Dev dx_(s.nx()), dw_(s.nw()), ddy(s.ny()), dy_(s.ny()), ddx(s.nx()), ddw(s.nw());
	dx_.fill(x);
	dw_.fill(w);
	ddy.fill(dy);
	std::vector<float> oldY = randv(s.ny()), oldDx = randv(s.nx()), oldDw = randv(s.nw());
	if (beta != 0) {
		dy_.fill(oldY);
		ddx.fill(oldDx);
		ddw.fill(oldDw);
	}
	size_t ws1 = 0, ws2 = 0, ws3 = 0;
	CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, a.fwd, &ws1), 0, "fwd ws");
	CHECK_EQ(cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y, d.c, d.x, a.bwdData, &ws2), 0, "bwd data ws");
	CHECK_EQ(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.c, d.w, a.bwdFilter, &ws3), 0, "bwd filter ws");
	size_t wsn = std::max({ws1, ws2, ws3, (size_t)4});
	Dev ws((wsn + 3) / 4);
	CHECK_EQ(cudnnConvolutionForward(h, &alpha, d.x, dx_.p, d.w, dw_.p, d.c, a.fwd, ws.p, wsn, &beta, d.y, dy_.p), 0,
	         "forward");
	CHECK_EQ(cudnnConvolutionBackwardData(h, &alpha, d.w, dw_.p, d.y, ddy.p, d.c, a.bwdData, ws.p, wsn, &beta, d.x, ddx.p),
	         0, "backward data");
	CHECK_EQ(cudnnConvolutionBackwardFilter(h, &alpha, d.x, dx_.p, d.y, ddy.p, d.c, a.bwdFilter, ws.p, wsn, &beta, d.w,
	                                        ddw.p),
	         0, "backward filter");
	ConvResult r{dy_.get(), ddx.get(), ddw.get(), 0, 0, 0};
	std::vector<double> want, mag;
	bool flip = mode == 0;
	refForward(s, flip, x, w, &want, &mag);
	r.efwd = relErr(r.y, want, mag, alpha, beta, &oldY);
	refBackwardData(s, flip, w, dy, &want, &mag);
	r.edata = relErr(r.dx, want, mag, alpha, beta, &oldDx);
	refBackwardFilter(s, flip, x, dy, &want, &mag);
	r.efilter = relErr(r.dw, want, mag, alpha, beta, &oldDw);
	return r;
}

bool hasEntry(const std::vector<vgCudnnConvFwdAlgoPerf> &l, std::function<bool(const vgCudnnConvFwdAlgoPerf &)> f) {
	for (auto &e : l) {
		if (f(e)) {
			return true;
		}
	}
	return false;
}

std::vector<vgCudnnConvFwdAlgoPerf> list(vgCudnnHandle h, const Conv &d, int dir, bool find, int *st) {
	int max = 0, n = -1;
	std::vector<vgCudnnConvFwdAlgoPerf> p(16);
	std::memset(p.data(), 0x5a, p.size() * sizeof p[0]);
	if (dir == 0) {
		cudnnGetConvolutionForwardAlgorithmMaxCount(h, &max);
		*st = find ? cudnnFindConvolutionForwardAlgorithm(h, d.x, d.w, d.c, d.y, max, &n, p.data())
		           : cudnnGetConvolutionForwardAlgorithm_v7(h, d.x, d.w, d.c, d.y, max, &n, p.data());
	} else if (dir == 1) {
		cudnnGetConvolutionBackwardDataAlgorithmMaxCount(h, &max);
		*st = find ? cudnnFindConvolutionBackwardDataAlgorithm(h, d.w, d.y, d.c, d.x, max, &n, p.data())
		           : cudnnGetConvolutionBackwardDataAlgorithm_v7(h, d.w, d.y, d.c, d.x, max, &n, p.data());
	} else {
		cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(h, &max);
		*st = find ? cudnnFindConvolutionBackwardFilterAlgorithm(h, d.x, d.y, d.c, d.w, max, &n, p.data())
		           : cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, d.x, d.y, d.c, d.w, max, &n, p.data());
	}
	CHECK_EQ(n, max, "returned = MaxCount");
	p.resize(n > 0 ? n : 0);
	return p;
}

void testDnnDescriptors() {
	vgCudnnTensorDesc t = nullptr;
	vgCudnnFilterDesc f = nullptr;
	vgCudnnConvDesc c = nullptr;
	CHECK_EQ(cudnnCreateTensorDescriptor(&t), 0, "create");
	CHECK_EQ(cudnnCreateFilterDescriptor(&f), 0, "create");
	CHECK_EQ(cudnnCreateConvolutionDescriptor(&c), 0, "create");
	CHECK_EQ(cudnnCreateTensorDescriptor(nullptr), 2000, "create(NULL)");
	// Tensor: (format, dataType). Passing the data type first: INT8 (3) is no
	// format, HALF (2) as the format is NCHW_VECT_C, which needs an 8-bit type.
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 3, 0, 2, 3, 4, 5), 2000, "tensor (INT8, NCHW) swapped");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 2, 0, 2, 3, 4, 5), 2000, "tensor (HALF, NCHW) swapped");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 0, 99, 2, 3, 4, 5), 2000, "unknown data type");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 0, 0, 0, 3, 4, 5), 2000, "n = 0");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 0, 0, 2, -3, 4, 5), 2000, "c < 0");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 0, 0, 2048, 1024, 1024, 1), 3000, "2^31 elements");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 0, 0, 2, 3, 4, 5), 0, "tensor ok");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 1, 2, 2, 3, 4, 5), 0, "NHWC HALF accepted by the setter");
	// Filter: (dataType, format). Passing the format first.
	CHECK_EQ(cudnnSetFilter4dDescriptor(f, 2, 3, 4, 3, 3, 3), 2000, "filter (VECT_C, INT8) swapped");
	CHECK_EQ(cudnnSetFilter4dDescriptor(f, 0, 2, 4, 3, 3, 3), 2000, "filter FLOAT VECT_C");
	CHECK_EQ(cudnnSetFilter4dDescriptor(f, 0, 0, 4, 3, 0, 3), 2000, "filter h = 0");
	CHECK_EQ(cudnnSetFilter4dDescriptor(f, 0, 0, 4, 3, 3, 3), 0, "filter ok");
	// Convolution.
	CHECK_EQ(cudnnSetConvolution2dDescriptor(c, -1, 0, 1, 1, 1, 1, 1, 0), 2000, "pad < 0");
	CHECK_EQ(cudnnSetConvolution2dDescriptor(c, 0, 0, 0, 1, 1, 1, 1, 0), 2000, "stride 0");
	CHECK_EQ(cudnnSetConvolution2dDescriptor(c, 0, 0, 1, 1, 1, 0, 1, 0), 2000, "dilation 0");
	CHECK_EQ(cudnnSetConvolution2dDescriptor(c, 0, 0, 1, 1, 1, 1, 2, 0), 2000, "mode 2");
	CHECK_EQ(cudnnSetConvolution2dDescriptor(c, 0, 0, 1, 1, 1, 1, 1, 77), 2000, "compute type 77");
	CHECK_EQ(cudnnSetConvolutionMathType(c, 4), 2000, "math 4");
	CHECK_EQ(cudnnSetConvolutionMathType(c, -1), 2000, "math -1");
	// The geometry every convolution call checks, seen through
	// cudnnGetConvolutionForwardWorkspaceSize (IMPLICIT_GEMM, workspace 0):
	// x (2,3,7,5), w (4,3,3,3), pad 1,0, stride 2,1 give y (2,4,4,3).
	vgCudnnHandle h = nullptr;
	vgCudnnTensorDesc y = nullptr;
	CHECK_EQ(cudnnCreate(&h), 0, "create");
	CHECK_EQ(cudnnCreateTensorDescriptor(&y), 0, "create");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 0, 0, 2, 3, 7, 5), 0, "tensor");
	CHECK_EQ(cudnnSetTensor4dDescriptor(y, 0, 0, 2, 4, 4, 3), 0, "y");
	size_t ws = 1;
	CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, t, f, c, y, 0, &ws), 2000, "never-set conv");
	CHECK_EQ(cudnnSetConvolution2dDescriptor(c, 1, 0, 2, 1, 1, 1, 1, 0), 0, "conv ok");
	CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, t, f, c, y, 0, &ws), 0, "y (2,4,4,3)");
	CHECK_EQ(ws, 0, "IMPLICIT_GEMM workspace");
	CHECK_EQ(cudnnSetTensor4dDescriptor(y, 0, 0, 2, 4, 4, 4), 0, "y");
	CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, t, f, c, y, 0, &ws), 2000, "y (2,4,4,4) is not the output");
	CHECK_EQ(cudnnSetTensor4dDescriptor(y, 0, 0, 2, 4, 4, 3), 0, "y");
	CHECK_EQ(cudnnSetFilter4dDescriptor(f, 0, 0, 4, 2, 3, 3), 0, "filter c=2");
	CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, t, f, c, y, 0, &ws), 2000, "x.c != w.c");
	CHECK_EQ(cudnnDestroyTensorDescriptor(y), 0, "destroy");
	CHECK_EQ(cudnnDestroy(h), 0, "destroy");
	CHECK_EQ(cudnnDestroyTensorDescriptor(t), 0, "destroy");
	CHECK_EQ(cudnnDestroyTensorDescriptor(t), 2000, "destroy twice");
	CHECK_EQ(cudnnSetTensor4dDescriptor(t, 0, 0, 1, 1, 1, 1), 2000, "set destroyed");
	CHECK_EQ(cudnnDestroyFilterDescriptor(reinterpret_cast<vgCudnnFilterDesc>(c)), 2000, "conv as filter");
	CHECK_EQ(cudnnDestroyFilterDescriptor(f), 0, "destroy");
	CHECK_EQ(cudnnDestroyConvolutionDescriptor(c), 0, "destroy");
	CHECK_EQ(cudnnDestroyTensorDescriptor(nullptr), 0, "destroy NULL");
}

void testDnnConv(vgCudnnHandle h) {
	// Odd sizes, stride 2, pad 1, dilation 2, and a few others.
	const Shape shapes[] = {
	    {2, 3, 11, 9, 5, 3, 3, 1, 1, 2, 2, 2, 2},  // stride 2, pad 1, dilation 2
	    {1, 2, 7, 8, 3, 3, 2, 1, 0, 1, 2, 1, 2},   // mixed
	    {3, 4, 6, 6, 2, 3, 3, 1, 1, 1, 1, 1, 1},   // VGG-like 3x3/1/1
	    {2, 5, 9, 7, 4, 1, 1, 0, 0, 2, 1, 1, 1},   // 1x1 strided
	    {1, 1, 5, 5, 1, 5, 5, 2, 2, 1, 1, 1, 1},   // 5x5 "same"
	    {2, 3, 13, 10, 3, 4, 3, 2, 1, 3, 2, 1, 3}, // even filter, stride 3
	};
	for (const Shape &s : shapes) {
		auto x = randv(s.nx()), w = randv(s.nw()), dy = randv(s.ny());
		for (int mode = 0; mode < 2; mode++) {
			// FMA: exact fp32; every supported algorithm computes the same.
			for (Algos a : {Algos{0, 0, 0}, Algos{1, 1, 1}, Algos{2, 1, 3}}) {
				ConvResult r = convRun(h, s, mode, 3, a, x, w, dy);
				CHECK(r.efwd < 1e-5 && r.edata < 1e-5 && r.efilter < 1e-5,
				      "mode %d shape N%d C%d %dx%d K%d %dx%d: errors fwd %g data %g filter %g", mode, s.N, s.C, s.H, s.W,
				      s.K, s.R, s.S, r.efwd, r.edata, r.efilter);
				// The adjoint identities.
				double a1 = dot(dy, r.y), a2 = dot(r.dx, x), a3 = dot(r.dw, w);
				double sc = std::sqrt(dot(dy, dy) * dot(r.y, r.y)) + 1e-30;
				CHECK(std::fabs(a1 - a2) < 1e-5 * sc && std::fabs(a1 - a3) < 1e-5 * sc,
				      "adjoint mode %d: <dy,y>=%.9g <dx,x>=%.9g <dw,w>=%.9g", mode, a1, a2, a3);
			}
			// alpha and beta.
			ConvResult r = convRun(h, s, mode, 3, Algos{0, 0, 0}, x, w, dy, 1.5f, -0.75f);
			CHECK(r.efwd < 1e-5 && r.edata < 1e-5 && r.efilter < 1e-5, "alpha/beta errors %g %g %g", r.efwd, r.edata,
			      r.efilter);
		}
	}
	// beta == 0 never reads the output: the outputs are NaN poison and convRun
	// with beta 0 does not fill them.
	{
		const Shape s{2, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1};
		ConvResult r = convRun(h, s, 1, 3, Algos{0, 0, 0}, randv(s.nx()), randv(s.nw()), randv(s.ny()));
		CHECK(!anyNaN(r.y) && !anyNaN(r.dx) && !anyNaN(r.dw), "beta == 0 read a NaN output");
	}
	// TF32: DEFAULT and TENSOR_OP math on sm_90 round the operands.
	{
		const Shape s{2, 8, 8, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1};
		auto x = randv(s.nx()), w = randv(s.nw()), dy = randv(s.ny());
		ConvResult f = convRun(h, s, 1, 3, Algos{1, 1, 1}, x, w, dy);
		ConvResult t = convRun(h, s, 1, 0, Algos{1, 1, 1}, x, w, dy);
		ConvResult t1 = convRun(h, s, 1, 1, Algos{1, 1, 1}, x, w, dy);
		CHECK(f.efwd < 1e-5, "fma %g", f.efwd);
		CHECK(t.efwd > 1e-5 && t.efwd < 1e-2 && t.edata > 1e-5 && t.edata < 1e-2 && t.efilter > 1e-5 && t.efilter < 1e-2,
		      "tf32 errors %g %g %g: visible and < 1e-2", t.efwd, t.edata, t.efilter);
		CHECK(t.y == t1.y, "DEFAULT and TENSOR_OP both TF32");
		CHECK(f.y != t.y, "TF32 differs from FMA");
		// ALLOW_CONVERSION: fp16 (a value above 65504 overflows).
		std::vector<float> big = x;
		big[0] = 70000.0f;
		ConvResult hc = convRun(h, s, 1, 2, Algos{1, 1, 1}, big, w, dy);
		CHECK(std::isinf(hc.y[0]) || std::isinf(hc.y[1]) || anyNaN(hc.y) || hc.efwd > 1e-2,
		      "fp16 conversion should overflow 70000");
		// On an sm_70 handle DEFAULT math is fp32.
		fake_set_cc(70);
		vgCudnnHandle h70 = nullptr;
		CHECK_EQ(cudnnCreate(&h70), 0, "create sm_70");
		fake_set_cc(90);
		ConvResult t70 = convRun(h70, s, 1, 0, Algos{1, 1, 1}, x, w, dy);
		CHECK(t70.y == f.y && t70.dx == f.dx && t70.dw == f.dw, "DEFAULT on sm_70 is FMA");
		CHECK_EQ(cudnnDestroy(h70), 0, "destroy");
	}
}

void testDnnAlgos(vgCudnnHandle h) {
	const Shape s{2, 3, 9, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1};
	Dev x(s.nx()), w(s.nw()), y(s.ny());
	float one = 1, zero = 0;
	{
		Conv d(s, 1, 3);
		size_t ws = 0;
		int max = 0;
		CHECK_EQ(cudnnGetConvolutionForwardAlgorithmMaxCount(h, &max), 0, "max");
		CHECK_EQ(max, 8, "fwd max");
		CHECK_EQ(cudnnGetConvolutionBackwardDataAlgorithmMaxCount(h, &max), 0, "max");
		CHECK_EQ(max, 6, "bwd data max");
		CHECK_EQ(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(h, &max), 0, "max");
		CHECK_EQ(max, 7, "bwd filter max");
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 2, &ws), 0, "GEMM ws");
		CHECK_EQ(ws, (size_t)4 * s.C * s.R * s.S * s.P() * s.Q(), "GEMM ws = 4*C*R*S*P*Q under FMA");
		size_t wsDefault = 0;
		CHECK_EQ(cudnnSetConvolutionMathType(d.c, 0), 0, "math");
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 2, &wsDefault), 0, "GEMM ws DEFAULT");
		CHECK_EQ(wsDefault, (size_t)4 * 8 * s.R * s.S * s.P() * s.Q(), "tensor math pads C to 8");
		CHECK_EQ(cudnnSetConvolutionMathType(d.c, 3), 0, "math");
		Dev small(ws / 4 - 1);
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 2, small.p, ws - 4, &zero, d.y, y.p), 2000,
		         "workspace too small");
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 2, nullptr, 0, &zero, d.y, y.p), 2000,
		         "NULL workspace");
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, y.p), 0,
		         "IMPLICIT_GEMM needs none");
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 8, nullptr, 0, &zero, d.y, y.p), 2000,
		         "algo 8");
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, -1, nullptr, 0, &zero, d.y, y.p), 2000,
		         "algo -1");
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 3, nullptr, 0, &zero, d.y, y.p), 3000,
		         "DIRECT unsupported");
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 3, &ws), 3000, "DIRECT ws");
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 6, &ws), 3000, "WINOGRAD on sm_90");
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 7, &ws), 3000, "NONFUSED under FMA");
		CHECK_EQ(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.c, d.w, 4, &ws), 3000,
		         "bwd filter WINOGRAD");
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 8, &ws), 2000, "bad algo ws");
		CHECK_EQ(cudnnSetConvolutionMathType(d.c, 0), 0, "math");
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 7, &ws), 0, "NONFUSED under DEFAULT");
		CHECK(ws > 0, "NONFUSED workspace");
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 4, &ws), 0, "FFT");
		CHECK(ws >= ((size_t)1 << 40), "FFT workspace over-size: %zu", ws);
		// Device ranges: y smaller than the descriptor says.
		Dev ys(s.ny() - 1);
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, ys.p), 2000,
		         "y too small");
		std::vector<float> host(s.nx());
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, host.data(), d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, y.p), 2000,
		         "host x");
		CHECK_EQ(cudnnConvolutionForward(h, nullptr, d.x, x.p, d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, y.p), 2000,
		         "NULL alpha");
	}
	// Dimension mismatches: y of the wrong size, x.c != w.c.
	{
		Shape bad = s;
		Conv d(bad, 1, 3);
		CHECK_EQ(cudnnSetTensor4dDescriptor(d.y, 0, 0, s.N, s.K, s.P() + 1, s.Q()), 0, "set");
		int n;
		vgCudnnConvFwdAlgoPerf p[8];
		CHECK_EQ(cudnnGetConvolutionForwardAlgorithm_v7(h, d.x, d.w, d.c, d.y, 8, &n, p), 2000, "v7 wrong y");
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, y.p), 2000,
		         "forward wrong y");
		CHECK_EQ(cudnnSetTensor4dDescriptor(d.y, 0, 0, s.N, s.K, s.P(), s.Q()), 0, "set");
		CHECK_EQ(cudnnSetFilter4dDescriptor(d.w, 0, 0, s.K, s.C + 1, s.R, s.S), 0, "set");
		CHECK_EQ(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, d.w, d.y, d.c, d.x, 6, &n, p), 2000, "x.c != w.c");
		CHECK_EQ(cudnnSetFilter4dDescriptor(d.w, 0, 0, s.K, s.C, s.R, s.S), 0, "set");
		CHECK_EQ(cudnnGetConvolutionForwardAlgorithm_v7(h, d.x, d.w, d.c, d.y, 0, &n, p), 2000, "req 0");
		CHECK_EQ(cudnnSetTensor4dDescriptor(d.x, 1, 0, s.N, s.C, s.H, s.W), 0, "NHWC x");
		CHECK_EQ(cudnnGetConvolutionForwardAlgorithm_v7(h, d.x, d.w, d.c, d.y, 8, &n, p), 3000, "NHWC not computed");
	}
	// Ranked lists, all directions, heuristic and Find, FMA and DEFAULT.
	const char *dirs[] = {"fwd", "bwd data", "bwd filter"};
	const int det[3][8] = {{1, 1, 1, 1, 1, 1, 1, 1}, {0, 1, 1, 1, 1, 1}, {0, 1, 1, 0, 1, 1, 1}};
	for (int math : {3, 0}) {
		Conv d(s, 1, math);
		for (int dir = 0; dir < 3; dir++) {
			for (bool find : {false, true}) {
				int syncs = fake_syncs(), st = -1;
				auto l = list(h, d, dir, find, &st);
				CHECK_EQ(st, 0, "list");
				CHECK_EQ(fake_syncs() - syncs, find ? 1 : 0, "Find drains the stream, v7 does not");
				const char *what = dirs[dir];
				auto ok = [](const vgCudnnConvFwdAlgoPerf &e) { return e.status == 0; };
				CHECK(hasEntry(l, [](auto &e) { return e.status == 3000; }), "%s find=%d math %d: NOT_SUPPORTED entry", what, find, math);
				CHECK(hasEntry(l, [&](auto &e) { return ok(e) && e.memory >= ((size_t)1 << 40); }), "%s: over-size entry", what);
				CHECK(hasEntry(l, [](auto &e) { return e.mathType == 2; }), "%s: ALLOW_CONVERSION entry", what);
				CHECK(hasEntry(l, [](auto &e) { return e.mathType == 0; }), "%s find=%d math %d: DEFAULT entry", what, find, math);
				CHECK(hasEntry(l, [](auto &e) { return e.mathType == 1 || e.mathType == 3; }), "%s: TENSOR_OP/FMA entry", what);
				if (math == 3) {
					CHECK(hasEntry(l, [&](auto &e) { return ok(e) && e.mathType == 3; }), "%s: a usable FMA entry", what);
				}
				bool sorted = true, seenBad = false;
				float prev = -2;
				for (auto &e : l) {
					CHECK(e.reserved[0] == 0 && e.reserved[1] == 0 && e.reserved[2] == 0, "reserved zero");
					CHECK(e.determinism == det[dir][e.algo], "%s algo %d determinism %d", what, e.algo, e.determinism);
					if (e.status != 0) {
						seenBad = true;
						CHECK(e.memory == 0 && e.time < 0, "unsupported entry memory/time");
					} else {
						sorted &= !seenBad;
						if (find) {
							sorted &= e.time >= prev;
							prev = e.time;
						} else {
							CHECK(e.time == -1.0f, "v7 time -1");
						}
						// Each usable entry's memory is what GetWorkspaceSize says under its math.
						size_t ws = 0;
						cudnnSetConvolutionMathType(d.c, e.mathType);
						int r = dir == 0   ? cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, e.algo, &ws)
						        : dir == 1 ? cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y, d.c, d.x, e.algo, &ws)
						                   : cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.c, d.w, e.algo, &ws);
						CHECK(r == 0 && ws == e.memory, "%s algo %d math %d: ws %zu vs listed %zu", what, e.algo, e.mathType, ws,
						      (size_t)e.memory);
						cudnnSetConvolutionMathType(d.c, math);
					}
				}
				CHECK(sorted, "%s find=%d: status-0 entries first, by time", what, find);
			}
		}
	}
	// F1: under FMA, Find offers DEFAULT entries; WINOGRAD_NONFUSED/DEFAULT
	// has no FMA version.
	{
		Conv d(s, 1, 3);
		int st;
		auto l = list(h, d, 0, true, &st);
		CHECK(hasEntry(l, [](auto &e) { return e.algo == 7 && e.mathType == 0 && e.status == 0; }),
		      "Find under FMA lists WINOGRAD_NONFUSED with DEFAULT math");
		size_t ws;
		CHECK_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, 7, &ws), 3000, "and it has no FMA version");
	}
	// F1 for a large 3x3 layer: under FMA, the first Find entry the backend's
	// pick accepts today (status 0, within 1 GiB, not ALLOW_CONVERSION, not
	// TENSOR_OP) is WINOGRAD_NONFUSED with DEFAULT math, which fails under FMA.
	{
		const Shape big{8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1};
		Conv d(big, 1, 3);
		for (int dir : {0, 2}) {
			int st;
			auto l = list(h, d, dir, true, &st);
			const vgCudnnConvFwdAlgoPerf *first = nullptr;
			for (auto &e : l) {
				if (e.status == 0 && e.memory <= ((size_t)1 << 30) && e.mathType != 2 && e.mathType != 1) {
					first = &e;
					break;
				}
			}
			int nonfused = dir == 0 ? 7 : 5;
			CHECK(first != nullptr && first->algo == nonfused && first->mathType == 0, "dir %d: F1 candidate %d/%d", dir,
			      first ? first->algo : -1, first ? first->mathType : -1);
			size_t ws;
			int r = dir == 0 ? cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.c, d.y, nonfused, &ws)
			                 : cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.c, d.w, nonfused, &ws);
			CHECK_EQ(r, 3000, "F1: the DEFAULT-ranked algorithm has no FMA version");
		}
	}
	// The ranking depends on the shape.
	{
		const Shape small{1, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1}, big{32, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1};
		Conv a(small, 1, 0), b(big, 1, 0);
		int st;
		auto la = list(h, a, 0, true, &st), lb = list(h, b, 0, true, &st);
		CHECK(la[0].algo != lb[0].algo || la[0].mathType != lb[0].mathType, "different winners: %d/%d vs %d/%d",
		      la[0].algo, la[0].mathType, lb[0].algo, lb[0].mathType);
	}
}

void testDnnOther(vgCudnnHandle h) {
	float one = 1, zero = 0;
	auto desc = [](int n, int c, int hh, int w) {
		vgCudnnTensorDesc t = nullptr;
		CHECK_EQ(cudnnCreateTensorDescriptor(&t), 0, "create");
		CHECK_EQ(cudnnSetTensor4dDescriptor(t, 0, 0, n, c, hh, w), 0, "set");
		return t;
	};
	// Backward bias.
	{
		const int N = 3, K = 5, HW = 7;
		auto dyv = randv(N * K * HW);
		Dev dy(dyv.size()), db(K);
		dy.fill(dyv);
		vgCudnnTensorDesc dyd = desc(N, K, 1, HW), dbd = desc(1, K, 1, 1), bad = desc(1, K + 1, 1, 1);
		CHECK_EQ(cudnnConvolutionBackwardBias(h, &one, dyd, dy.p, &zero, dbd, db.p), 0, "bias");
		auto got = db.get();
		for (int k = 0; k < K; k++) {
			double s = 0;
			for (int n = 0; n < N; n++)
				for (int i = 0; i < HW; i++) s += dyv[(n * K + k) * HW + i];
			CHECK(std::fabs(got[k] - s) < 1e-5, "bias %d: %g vs %g", k, got[k], s);
		}
		CHECK_EQ(cudnnConvolutionBackwardBias(h, &one, dyd, dy.p, &zero, bad, db.p), 2000, "db (1,K+1,1,1)");
		for (auto t : {dyd, dbd, bad}) cudnnDestroyTensorDescriptor(t);
	}
	// ReLU: in place forward, dx == dy backward with y as x; NaN -> 0.
	{
		vgCudnnActivationDesc act = nullptr;
		CHECK_EQ(cudnnCreateActivationDescriptor(&act), 0, "create act");
		CHECK_EQ(cudnnSetActivationDescriptor(act, 7, 0, 0), 2000, "mode 7");
		CHECK_EQ(cudnnSetActivationDescriptor(act, 1, 2, 0), 2000, "nan 2");
		CHECK_EQ(cudnnSetActivationDescriptor(act, 1, 0, 0.0), 0, "relu");
		std::vector<float> v{-1, 2, 0, NAN, -0.5f, 3};
		Dev x(6), g(6);
		x.fill(v);
		vgCudnnTensorDesc t = desc(2, 3, 1, 1), t2 = desc(3, 2, 1, 1);
		CHECK_EQ(cudnnActivationForward(h, act, &one, t, x.p, &zero, t, x.p), 0, "relu in place");
		auto y = x.get();
		CHECK(y[0] == 0 && y[1] == 2 && y[2] == 0 && y[3] == 0 && y[5] == 3, "relu values (NaN -> 0)");
		std::vector<float> gv{1, 1, 1, 1, 1, 1};
		g.fill(gv);
		CHECK_EQ(cudnnActivationBackward(h, act, &one, t, x.p, t, g.p, t, x.p, &zero, t, g.p), 0, "relu bwd dx == dy");
		auto d = g.get();
		CHECK(d[0] == 0 && d[1] == 1 && d[2] == 0 && d[3] == 0 && d[5] == 1, "relu grad");
		CHECK_EQ(cudnnActivationForward(h, act, &one, t, x.p, &zero, t2, x.p), 2000, "x, y dims differ");
		CHECK_EQ(cudnnSetActivationDescriptor(act, 1, 1, 0.0), 0, "relu propagate");
		x.fill(v);
		CHECK_EQ(cudnnActivationForward(h, act, &one, t, x.p, &zero, t, x.p), 0, "relu propagate");
		CHECK(std::isnan(x.get()[3]), "PROPAGATE_NAN keeps NaN");
		cudnnDestroyTensorDescriptor(t);
		cudnnDestroyTensorDescriptor(t2);
		cudnnDestroyActivationDescriptor(act);
	}
}

// Queued work keeps its descriptors: change and destroy them before it runs.
void testDnnAsync(vgCudnnHandle h) {
	const Shape s{2, 3, 7, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1};
	auto x = randv(s.nx()), w = randv(s.nw());
	Dev dx(s.nx()), dw(s.nw()), dy(s.ny());
	dx.fill(x);
	dw.fill(w);
	float one = 1, zero = 0;
	fake_set_deferred(1);
	{
		Conv d(s, 1, 3);
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, dx.p, d.w, dw.p, d.c, 0, nullptr, 0, &zero, d.y, dy.p), 0, "queued");
		one = 5;
		CHECK_EQ(cudnnSetConvolution2dDescriptor(d.c, 0, 0, 2, 2, 1, 1, 0, 0), 0, "change conv");
		CHECK_EQ(cudnnSetConvolutionMathType(d.c, 0), 0, "change math");
	}  // descriptors destroyed
	CHECK(std::isnan(dy.get()[0]), "not yet run");
	CHECK_EQ(fake_drain(), 0, "drain");
	fake_set_deferred(0);
	std::vector<double> want, mag;
	refForward(s, false, x, w, &want, &mag);
	CHECK(relErr(dy.get(), want, mag) < 1e-5, "queued work used the descriptors of the call");
}

void testDnnFaultsAndHandles() {
	CHECK_EQ(cudnnCreate(nullptr), 2000, "create NULL");
	vgCudnnHandle h = nullptr;
	fake_set_current(0);
	CHECK_EQ(cudnnCreate(&h), 1001, "create without a context");
	fake_set_current(1);
	fake_fail_call("cudnn", 1);
	CHECK_EQ(cudnnCreate(&h), 4000, "injected create fault");
	CHECK_EQ(cudnnCreate(&h), 0, "create");
	const Shape s{1, 2, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1};
	Dev x(s.nx()), w(s.nw()), y(s.ny());
	float one = 1, zero = 0;
	{
		Conv d(s, 1, 3);
		fake_fail_call("cudnn", 1);
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, y.p), 5000,
		         "injected forward fault");
		CHECK(std::isnan(y.get()[0]), "nothing ran");
		int bogus;
		CHECK_EQ(cudnnSetStream(h, reinterpret_cast<vgCUstream>(&bogus)), 0, "set bogus stream");
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, y.p), 5000,
		         "unknown stream");
		CHECK_EQ(cudnnSetStream(h, reinterpret_cast<vgCUstream>(fake_stream_create())), 0, "set stream");
		fake_set_current(0);
		CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, y.p), 5000,
		         "no current context");
		fake_set_current(1);
	}
	CHECK_EQ(cudnnDestroy(h), 0, "destroy");
	CHECK_EQ(cudnnDestroy(h), 2000, "destroy twice");
	CHECK(std::strcmp(cudnnGetErrorString(2000), "CUDNN_STATUS_BAD_PARAM") == 0, "error string");
	CHECK(std::strcmp(cudnnGetErrorString(1008), "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED") == 0, "error string");
	CHECK(cudnnGetErrorString(-7) != nullptr, "unknown error string");
	size_t v = cudnnGetVersion();
	CHECK(v >= 90000 && v < 100000, "version %zu", v);
	// The CUDA runtime: 13.x, not newer than the stand-in driver's 13000.
	CHECK_EQ(cudnnGetCudartVersion(), 13000, "cudart version");
}

// Speed of the shapes the training tests use (batch 32 of 32x32, 16 channels).
void timeTraining(vgCudnnHandle h) {
	const Shape s{32, 16, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1};
	Dev x(s.nx()), w(s.nw()), y(s.ny()), ws(1);
	x.fill(randv(s.nx()));
	w.fill(randv(s.nw()));
	float one = 1, zero = 0;
	Conv d(s, 1, 3);
	auto t0 = std::chrono::steady_clock::now();
	CHECK_EQ(cudnnConvolutionForward(h, &one, d.x, x.p, d.w, w.p, d.c, 0, nullptr, 0, &zero, d.y, y.p), 0, "fwd");
	auto t1 = std::chrono::steady_clock::now();
	CHECK_EQ(cudnnConvolutionBackwardData(h, &one, d.w, w.p, d.y, y.p, d.c, 0, nullptr, 0, &zero, d.x, x.p), 0, "data");
	auto t2 = std::chrono::steady_clock::now();
	CHECK_EQ(cudnnConvolutionBackwardFilter(h, &one, d.x, x.p, d.y, y.p, d.c, 0, nullptr, 0, &zero, d.w, w.p), 0, "filter");
	auto t3 = std::chrono::steady_clock::now();
	CHECK_EQ(fake_drain(), 0, "sync");
	uint64_t sum = 1469598103934665603ull;  // FNV-1a of the bits of y and w
	for (const Dev *b : {&y, &w}) {
		for (size_t i = 0; i < b->n; i++) {
			uint32_t u;
			std::memcpy(&u, &b->p[i], 4);
			sum = (sum ^ u) * 1099511628211ull;
		}
	}
	std::printf("conv checksum %016llx (the same for any VGGO_STANDIN_MATH_THREADS)\n", (unsigned long long)sum);
	auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
	std::printf("conv 32x16x32x32 -> 16, 3x3 (%.0f MFLOP each): forward %.1f ms, backward data %.1f ms, backward filter %.1f ms\n",
	            2.0 * s.N * s.K * s.C * 9 * s.P() * s.Q() / 1e6, ms(t0, t1), ms(t1, t2), ms(t2, t3));
}

void testDnn() {
	int live0 = fake_live_objects();
	testDnnFaultsAndHandles();
	testDnnDescriptors();
	vgCudnnHandle h = nullptr;
	CHECK_EQ(cudnnCreate(&h), 0, "create");
	testDnnConv(h);
	testDnnAlgos(h);
	testDnnOther(h);
	testDnnAsync(h);
	timeTraining(h);
	CHECK_EQ(cudnnDestroy(h), 0, "destroy");
	CHECK_EQ(fake_live_objects(), live0, "every cuDNN object destroyed and untracked");
}

// The binding resolves these names with dlsym (internal/cuda/cublas.go and
// cudnn.go). run.sh checks with nm that the libraries export nothing else.
void testExports(const std::string &dir) {
	const char *blas[] = {"cublasCreate_v2", "cublasDestroy_v2", "cublasGetProperty", "cublasSetStream_v2",
	                      "cublasSetMathMode", "cublasSgemm_v2", "cublasGetStatusName", "cublasGetStatusString"};
	void *l = dlopen((dir + "/libcublas.so.13").c_str(), RTLD_NOW | RTLD_LOCAL);
	CHECK(l != nullptr, "dlopen libcublas.so.13: %s", dlerror());
	if (l != nullptr) {
		for (const char *s : blas) {
			CHECK(dlsym(l, s) != nullptr, "dlsym %s", s);
		}
	}
	const char *dnn[] = {"cudnnGetVersion", "cudnnGetCudartVersion", "cudnnGetErrorString", "cudnnCreate", "cudnnDestroy",
	                     "cudnnSetStream",
	                     "cudnnCreateTensorDescriptor", "cudnnSetTensor4dDescriptor", "cudnnDestroyTensorDescriptor",
	                     "cudnnCreateFilterDescriptor", "cudnnSetFilter4dDescriptor", "cudnnDestroyFilterDescriptor",
	                     "cudnnCreateConvolutionDescriptor", "cudnnSetConvolution2dDescriptor", "cudnnSetConvolutionMathType",
	                     "cudnnDestroyConvolutionDescriptor",
	                     "cudnnGetConvolutionForwardAlgorithmMaxCount", "cudnnGetConvolutionForwardAlgorithm_v7",
	                     "cudnnFindConvolutionForwardAlgorithm", "cudnnGetConvolutionForwardWorkspaceSize", "cudnnConvolutionForward",
	                     "cudnnGetConvolutionBackwardDataAlgorithmMaxCount", "cudnnGetConvolutionBackwardDataAlgorithm_v7",
	                     "cudnnFindConvolutionBackwardDataAlgorithm", "cudnnGetConvolutionBackwardDataWorkspaceSize",
	                     "cudnnConvolutionBackwardData",
	                     "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount", "cudnnGetConvolutionBackwardFilterAlgorithm_v7",
	                     "cudnnFindConvolutionBackwardFilterAlgorithm", "cudnnGetConvolutionBackwardFilterWorkspaceSize",
	                     "cudnnConvolutionBackwardFilter", "cudnnConvolutionBackwardBias",
	                     "cudnnCreateActivationDescriptor", "cudnnSetActivationDescriptor", "cudnnDestroyActivationDescriptor",
	                     "cudnnActivationForward", "cudnnActivationBackward"};
	CHECK(sizeof dnn / sizeof dnn[0] == 37, "37 cuDNN names");
	void *d = dlopen((dir + "/libcudnn.so.9").c_str(), RTLD_NOW | RTLD_LOCAL);
	CHECK(d != nullptr, "dlopen libcudnn.so.9: %s", dlerror());
	if (d != nullptr) {
		for (const char *s : dnn) {
			CHECK(dlsym(d, s) != nullptr, "dlsym %s", s);
		}
	}
}

}  // namespace

int main(int argc, char **argv) {
	std::string dir = argc > 1 ? argv[1] : ".";
	testExports(dir);
	testBlas();
	testDnn();
	std::printf("%d checks, %d failed\n", g_checks, g_failed);
	return g_failed == 0 ? 0 : 1;
}
