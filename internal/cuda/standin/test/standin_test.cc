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
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "blas_api_internal.h"
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
		fake_set_cc(70);
		rng.seed(7);
		std::vector<float> v70;
		runGemm(h, 0, 0, 24, 24, 64, 1, 0, 0, &v70);
		CHECK(v70 == f32, "tf32 mode on sm_70 is fp32");
		fake_set_cc(90);
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
	// Saxpy and Sscal, with negative increments.
	{
		std::vector<float> x{1, 2, 3, 4, 5, 6}, y{10, 20, 30, 40, 50, 60};
		Dev dx(6), dy(6);
		dx.fill(x);
		dy.fill(y);
		float a = 2;
		CHECK_EQ(cublasSaxpy_v2(h, 3, &a, dx.p, 2, dy.p, -1), 0, "saxpy");
		// x elements 0,2,4 = 1,3,5; y with inc -1 over 3: y[2], y[1], y[0].
		auto r = dy.get();
		CHECK(r[2] == 32 && r[1] == 26 && r[0] == 20 && r[3] == 40, "saxpy neg inc: %g %g %g", r[0], r[1], r[2]);
		CHECK_EQ(cublasSaxpy_v2(h, 0, &a, nullptr, 1, nullptr, 1), 0, "saxpy n=0");
		CHECK_EQ(cublasSaxpy_v2(h, 4, &a, dx.p, 2, dy.p, 1), 7, "saxpy x past its end");
		float s = -1;
		CHECK_EQ(cublasSscal_v2(h, 3, &s, dx.p, 2), 0, "sscal");
		auto q = dx.get();
		CHECK(q[0] == -1 && q[1] == 2 && q[2] == -3 && q[4] == -5, "sscal");
		CHECK_EQ(cublasSscal_v2(h, 3, &s, nullptr, -1), 0, "sscal incx<0 no-op");
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

// The binding resolves these names with dlsym (internal/cuda/cublas.go).
void testExports(const std::string &dir) {
	const char *blas[] = {"cublasCreate_v2", "cublasDestroy_v2", "cublasGetProperty", "cublasSetStream_v2",
	                      "cublasSetMathMode", "cublasSgemm_v2", "cublasSaxpy_v2", "cublasSscal_v2",
	                      "cublasGetStatusName", "cublasGetStatusString"};
	void *l = dlopen((dir + "/libcublas.so.13").c_str(), RTLD_NOW | RTLD_LOCAL);
	CHECK(l != nullptr, "dlopen libcublas.so.13: %s", dlerror());
	if (l != nullptr) {
		for (const char *s : blas) {
			CHECK(dlsym(l, s) != nullptr, "dlsym %s", s);
		}
	}
}

}  // namespace

int main(int argc, char **argv) {
	std::string dir = argc > 1 ? argv[1] : ".";
	testExports(dir);
	testBlas();
	std::printf("%d checks, %d failed\n", g_checks, g_failed);
	return g_failed == 0 ? 0 : 1;
}
