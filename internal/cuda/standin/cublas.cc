// cublas.cc: the CPU stand-in for libcublas.so.13.
//
// It exports the eight functions the binding resolves (internal/cuda/cublas.go,
// CUBLASSymbols) with NVIDIA's C names and the binding's prototypes
// (internal/cuda/decl.h), and it reaches the stand-in libcuda.so.1 only
// through internal/cuda/standin/standin.h. Values follow NVIDIA's
// cublas_api.h of CUDA 13 (nvidia-cublas 13.10): statuses lines 89-99,
// operations 108-114, math modes 172-192.
//
// Semantics:
//   * Handles: created only with a current context (vgsi_ctx_current), else
//     CUBLAS_STATUS_NOT_INITIALIZED. Initial state: stream NULL (the legacy
//     stream), math CUBLAS_DEFAULT_MATH, pointer mode HOST. A NULL, unknown or
//     destroyed handle is CUBLAS_STATUS_NOT_INITIALIZED. Handles are
//     registered with vgsi_track so that a context reset reports them.
//   * Scalars (alpha, beta) are host pointers (pointer mode HOST), read when
//     the function is called; everything a routine needs is copied into the
//     queued job, which runs on the handle's stream (vgsi_enqueue), so the
//     call returns before the product is computed, as on a GPU.
//   * Every device range a routine reads or writes is checked with
//     vgsi_check_device_range before anything is queued; a bad range is
//     CUBLAS_STATUS_INVALID_VALUE (the real library would fault later with
//     CUDA_ERROR_ILLEGAL_ADDRESS; the stand-in reports the argument at once).
//   * Fault injection: every function that can fail first asks
//     vgsi_fault("cublas"); when told to, it fails with
//     CUBLAS_STATUS_INTERNAL_ERROR (set-up calls) or
//     CUBLAS_STATUS_EXECUTION_FAILED (the BLAS routines) and changes nothing.
//   * A failure to queue (unknown stream, or the context's sticky error) and a
//     routine called with no current context are CUBLAS_STATUS_EXECUTION_FAILED.
//   * VGGO_STANDIN_VERBOSE=1 prints one line on stderr for every error.
//
// Numerics of SGEMM: each C element is one fp32 sum over l = 0..k-1 in order
// (acc += a*b, no reassociation), then C = alpha*acc + beta*C, where beta == 0
// does not read C. Math mode CUBLAS_TF32_TENSOR_OP_MATH (3) on a device of
// compute capability >= 8.0 (vgsi_cc when the handle was created) first
// rounds every element of A and B to TF32 (10 explicit mantissa bits, round
// to nearest even); the deprecated
// CUBLAS_TENSOR_OP_MATH (1), "same effect as CUBLAS_COMPUTE_32F_FAST_16F"
// (cublas_api.h:175), rounds them to fp16; every other mode is plain fp32.
//
// Threads: a large product is split by columns of C over up to
// min(hardware threads, 8) std::threads inside the queued job (override with
// VGGO_STANDIN_MATH_THREADS); each C element is computed by one thread in the same
// order, so results do not depend on the number of threads.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "blas_api_internal.h"
#include "device_range.h"
#include "numeric.h"
#include "standin.h"

// The handle type of decl.h (struct cublasContext *, NVIDIA's tag).
struct cublasContext {
	void *stream;  // CUstream; NULL is the legacy default stream
	int math;      // cublasMath_t as set by cublasSetMathMode
	int pointerMode;
	int cc;  // compute capability of the context's device, read at creation
};

namespace {

// cublasStatus_t, cublas_api.h:89-99.
enum : int {
	ST_SUCCESS = 0,
	ST_NOT_INITIALIZED = 1,
	ST_ALLOC_FAILED = 3,
	ST_INVALID_VALUE = 7,
	ST_ARCH_MISMATCH = 8,
	ST_MAPPING_ERROR = 11,
	ST_EXECUTION_FAILED = 13,
	ST_INTERNAL_ERROR = 14,
	ST_NOT_SUPPORTED = 15,
	ST_LICENSE_ERROR = 16,
};

// cublasOperation_t, cublas_api.h:108-114: C is T for real data; CONJG (3) is
// "not supported in the current release".
enum : int { OP_N = 0, OP_T = 1, OP_C = 2 };

// cublasMath_t, cublas_api.h:172-192.
enum : int {
	MATH_DEFAULT = 0,
	MATH_TENSOR_OP = 1,  // deprecated: CUBLAS_COMPUTE_32F_FAST_16F
	MATH_PEDANTIC = 2,
	MATH_TF32 = 3,
	MATH_BF16X9 = 4,
	MATH_FP64_FIXEDPOINT = 8,
	MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16,
};

// libraryPropertyType, library_types.h:160-164.
enum : int { PROP_MAJOR = 0, PROP_MINOR = 1, PROP_PATCH = 2 };

// The version reported by cublasGetProperty: the headers the binding was
// checked against (cublas_api.h:82-84, CUBLAS_VER_MAJOR/MINOR/PATCH).
constexpr int kVersion[3] = {13, 10, 0};

bool verbose() {
	static const bool v = [] {
		const char *e = std::getenv("VGGO_STANDIN_VERBOSE");
		return e != nullptr && std::strcmp(e, "1") == 0;
	}();
	return v;
}

const char *statusName(int s) {
	switch (s) {
	case ST_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
	case ST_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
	case ST_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
	case ST_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
	case ST_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
	case ST_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
	case ST_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
	case ST_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
	case ST_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
	case ST_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
	}
	return "CUBLAS_STATUS_UNKNOWN";
}

const char *statusString(int s) {
	switch (s) {
	case ST_SUCCESS: return "success";
	case ST_NOT_INITIALIZED: return "the library was not initialized";
	case ST_ALLOC_FAILED: return "the resource allocation failed";
	case ST_INVALID_VALUE: return "an invalid numeric value was used as an argument";
	case ST_ARCH_MISMATCH: return "an absent device architectural feature is required";
	case ST_MAPPING_ERROR: return "an access to GPU memory space failed";
	case ST_EXECUTION_FAILED: return "the GPU program failed to execute";
	case ST_INTERNAL_ERROR: return "an internal operation failed";
	case ST_NOT_SUPPORTED: return "the functionality requested is not supported";
	case ST_LICENSE_ERROR: return "the functionality requested requires some license and an error was detected when trying to check the current licensing";
	}
	return "unknown error";
}

// fail reports an error (on stderr when VGGO_STANDIN_VERBOSE=1) and returns it.
__attribute__((format(printf, 3, 4))) int fail(int status, const char *call, const char *fmt, ...) {
	if (verbose()) {
		char msg[512];
		va_list ap;
		va_start(ap, fmt);
		std::vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		std::fprintf(stderr, "vggo standin cublas: %s: %s: %s\n", call, msg, statusName(status));
	}
	return status;
}

// Live handles: a destroyed or never-created handle is rejected rather than
// dereferenced.
std::mutex g_mu;
std::unordered_set<const cublasContext *> &liveHandles() {
	static auto *s = new std::unordered_set<const cublasContext *>;  // never destroyed: no exit-order issues
	return *s;
}

// lookup copies the state of a live handle into *out.
bool lookup(const cublasContext *h, cublasContext *out) {
	if (h == nullptr) {
		return false;
	}
	std::lock_guard<std::mutex> lk(g_mu);
	if (liveHandles().count(h) == 0) {
		return false;
	}
	*out = *h;
	return true;
}

// checkRange checks a device-pointer argument (device_range.h).
int checkRange(const char *call, const char *what, const void *p, size_t bytes) {
	return vgsi_range::check(call, what, p, bytes, ST_INVALID_VALUE, fail);
}

using vgsi_numeric::fp16;
using vgsi_numeric::parallelFor;
using vgsi_numeric::tf32;
using vgsi_numeric::threadCount;

// Element rounding applied to A and B before the product.
enum Rounding { RoundNone, RoundTF32, RoundFP16 };

inline float roundAs(Rounding r, float v) {
	switch (r) {
	case RoundTF32: return tf32(v);
	case RoundFP16: return fp16(v);
	default: return v;
	}
}

Rounding roundingOf(int math, int cc) {
	int base = math & ~MATH_DISALLOW_REDUCED_PRECISION_REDUCTION;
	if (cc < 70) {
		return RoundNone;  // no tensor cores: the modes change nothing
	}
	if (base == MATH_TF32) {
		return cc >= 80 ? RoundTF32 : RoundNone;  // TF32 exists from sm_80
	}
	if (base == MATH_TENSOR_OP) {
		return RoundFP16;
	}
	return RoundNone;
}

// ---- SGEMM ----

// The build uses -O2, where GCC 12 vectorizes only loops whose trip count is
// a known multiple of the vector width; the product loops have run-time
// bounds, so they ask for GCC's dynamic cost model (vectorizing the loop over
// i, independent elements, does not change any element's order of sums).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("tree-loop-vectorize", "vect-cost-model=dynamic")
#endif

struct GemmJob {
	int ta, tb, m, n, k;
	float alpha, beta;
	const float *A;
	int lda;
	const float *B;
	int ldb;
	float *C;
	int ldc;
	Rounding rounding;
};

// opA(i, l) and opB(l, j) of a column-major problem.
inline float opA(const GemmJob &g, int64_t i, int64_t l) {
	return g.ta == OP_N ? g.A[i + l * g.lda] : g.A[l + i * g.lda];
}
inline float opB(const GemmJob &g, int64_t l, int64_t j) {
	return g.tb == OP_N ? g.B[l + j * g.ldb] : g.B[j + l * g.ldb];
}

// writeC stores C(:, j) = alpha*acc + beta*C(:, j); beta == 0 never reads C.
inline void writeC(const GemmJob &g, int64_t j, const float *acc) {
	float *c = g.C + j * g.ldc;
	if (g.beta == 0.0f) {
		for (int64_t i = 0; i < g.m; i++) {
			c[i] = g.alpha * acc[i];
		}
	} else {
		for (int64_t i = 0; i < g.m; i++) {
			c[i] = g.alpha * acc[i] + g.beta * c[i];
		}
	}
}

int runGemm(void *arg) {
	const GemmJob &g = *static_cast<const GemmJob *>(arg);
	const int64_t m = g.m, n = g.n, k = g.k;
	if (k == 0 || g.alpha == 0.0f) {
		// C = beta*C; beta == 0 writes zeros without reading C.
		for (int64_t j = 0; j < n; j++) {
			float *c = g.C + j * g.ldc;
			for (int64_t i = 0; i < m; i++) {
				c[i] = g.beta == 0.0f ? 0.0f : g.beta * c[i];
			}
		}
		return 0;
	}
	try {
		// acc is the m x n matrix of fp32 sums. The k dimension is walked in
		// blocks of kb: op(A) of the block is packed (rounded) column-major,
		// i contiguous, and op(B) of the block row-wise per column j; each
		// acc(i, j) still adds its products in the order l = 0, 1, ..., k-1.
		std::vector<float> acc(static_cast<size_t>(m * n), 0.0f);
		const int64_t kb = 256;
		std::vector<float> ap(static_cast<size_t>(m * std::min(k, kb)));
		std::vector<float> bp(static_cast<size_t>(n * std::min(k, kb)));
		for (int64_t l0 = 0; l0 < k; l0 += kb) {
			const int64_t nl = std::min(kb, k - l0);
			for (int64_t l = 0; l < nl; l++) {
				float *dst = ap.data() + l * m;
				for (int64_t i = 0; i < m; i++) {
					dst[i] = roundAs(g.rounding, opA(g, i, l0 + l));
				}
			}
			for (int64_t j = 0; j < n; j++) {
				float *dst = bp.data() + j * nl;
				for (int64_t l = 0; l < nl; l++) {
					dst[l] = roundAs(g.rounding, opB(g, l0 + l, j));
				}
			}
			parallelFor(n, static_cast<double>(m * nl), [&](int64_t j0, int64_t j1) {
				for (int64_t j = j0; j < j1; j++) {
					float *a = acc.data() + j * m;
					const float *b = bp.data() + j * nl;
					for (int64_t l = 0; l < nl; l++) {
						const float bl = b[l];
						const float *col = ap.data() + l * m;
						for (int64_t i = 0; i < m; i++) {
							a[i] += col[i] * bl;
						}
					}
				}
			});
		}
		for (int64_t j = 0; j < n; j++) {
			writeC(g, j, acc.data() + j * m);
		}
	} catch (const std::bad_alloc &) {
		if (verbose()) {
			std::fprintf(stderr, "vggo standin cublas: cublasSgemm_v2: host memory for a %dx%dx%d product ran out\n", g.m, g.n, g.k);
		}
		return 2;  // CUDA_ERROR_OUT_OF_MEMORY becomes the context's sticky error
	}
	return 0;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

void freeGemm(void *arg) { delete static_cast<GemmJob *>(arg); }

// matrixBytes is the extent of a column-major rows x cols matrix with leading
// dimension ld: ((cols-1)*ld + rows) floats, 0 when it is empty.
size_t matrixBytes(int64_t rows, int64_t cols, int64_t ld) {
	if (rows <= 0 || cols <= 0) {
		return 0;
	}
	return static_cast<size_t>(((cols - 1) * ld + rows) * 4);
}

// enqueue queues a job on stream. On a non-zero return nothing was queued,
// so the job is freed here (standin.h: the worker calls free_arg only after
// running queued work).
// guarded runs a job on the stream's worker with no exception escaping into
// libcuda (CUDA_ERROR_OUT_OF_MEMORY or CUDA_ERROR_UNKNOWN become the
// context's sticky error instead).
template <int (*F)(void *)>
int guarded(void *arg) {
	try {
		return F(arg);
	} catch (const std::bad_alloc &) {
		return 2;
	} catch (...) {
		return 999;
	}
}

template <int (*F)(void *), typename Job>
int enqueue(const char *call, void *stream, void (*freeFn)(void *), Job *job) {
	int r = vgsi_enqueue(stream, guarded<F>, job, freeFn);
	if (r != 0) {
		freeFn(job);
		return fail(ST_EXECUTION_FAILED, call, "queueing on stream %p failed with CUDA error %d (%s)", stream, r, vgsi_last_error());
	}
	return ST_SUCCESS;
}

}  // namespace

// ---- the exported API ----

extern "C" {

vgCublasStatus cublasCreate_v2(vgCublasHandle *handle) {
	static const char call[] = "cublasCreate_v2";
	if (vgsi_fault("cublas")) {
		return fail(ST_INTERNAL_ERROR, call, "failed by VGGO_STANDIN_FAIL_CUBLAS");
	}
	if (handle == nullptr) {
		return fail(ST_INVALID_VALUE, call, "handle is NULL");
	}
	if (!vgsi_ctx_current()) {
		return fail(ST_NOT_INITIALIZED, call, "no CUDA context is current on this thread");
	}
	auto *h = new (std::nothrow) cublasContext{nullptr, MATH_DEFAULT, 0, vgsi_cc()};
	if (h == nullptr) {
		return fail(ST_ALLOC_FAILED, call, "out of host memory");
	}
	try {
		std::lock_guard<std::mutex> lk(g_mu);
		liveHandles().insert(h);
	} catch (...) {
		delete h;
		return fail(ST_ALLOC_FAILED, call, "out of host memory");
	}
	vgsi_track(h, "cublas handle");
	*handle = h;
	return ST_SUCCESS;
}

vgCublasStatus cublasDestroy_v2(vgCublasHandle handle) {
	static const char call[] = "cublasDestroy_v2";
	if (vgsi_fault("cublas")) {
		return fail(ST_INTERNAL_ERROR, call, "failed by VGGO_STANDIN_FAIL_CUBLAS");
	}
	cublasContext st;
	if (!lookup(handle, &st)) {
		return fail(ST_NOT_INITIALIZED, call, "handle %p is not a live cuBLAS handle", static_cast<void *>(handle));
	}
	// Destroying a handle waits for its work (cublasDestroy "implicitly calls
	// cudaDeviceSynchronize"); a sticky error of the context is not this
	// call's failure, so it is only reported in verbose mode.
	if (vgsi_ctx_current()) {
		if (int r = vgsi_stream_sync(st.stream); r != 0 && verbose()) {
			std::fprintf(stderr, "vggo standin cublas: %s: waiting for the handle's stream: CUDA error %d (%s)\n", call, r, vgsi_last_error());
		}
	}
	{
		std::lock_guard<std::mutex> lk(g_mu);
		liveHandles().erase(handle);
	}
	vgsi_untrack(handle);
	delete handle;
	return ST_SUCCESS;
}

vgCublasStatus cublasGetProperty(vgLibraryPropertyType type, int *value) {
	static const char call[] = "cublasGetProperty";
	if (vgsi_fault("cublas")) {
		return fail(ST_INTERNAL_ERROR, call, "failed by VGGO_STANDIN_FAIL_CUBLAS");
	}
	if (value == nullptr) {
		return fail(ST_INVALID_VALUE, call, "value is NULL");
	}
	if (type != PROP_MAJOR && type != PROP_MINOR && type != PROP_PATCH) {
		return fail(ST_INVALID_VALUE, call, "unknown libraryPropertyType %d", type);
	}
	*value = kVersion[type];
	return ST_SUCCESS;
}

vgCublasStatus cublasSetStream_v2(vgCublasHandle handle, vgCUstream streamId) {
	static const char call[] = "cublasSetStream_v2";
	if (vgsi_fault("cublas")) {
		return fail(ST_INTERNAL_ERROR, call, "failed by VGGO_STANDIN_FAIL_CUBLAS");
	}
	std::lock_guard<std::mutex> lk(g_mu);
	if (handle == nullptr || liveHandles().count(handle) == 0) {
		return fail(ST_NOT_INITIALIZED, call, "handle %p is not a live cuBLAS handle", static_cast<void *>(handle));
	}
	// The stream is checked when work is queued on it (vgsi_enqueue returns
	// INVALID_HANDLE for an unknown stream): standin.h has no stream query.
	handle->stream = streamId;
	return ST_SUCCESS;
}

vgCublasStatus cublasSetMathMode(vgCublasHandle handle, vgCublasMath mode) {
	static const char call[] = "cublasSetMathMode";
	if (vgsi_fault("cublas")) {
		return fail(ST_INTERNAL_ERROR, call, "failed by VGGO_STANDIN_FAIL_CUBLAS");
	}
	std::lock_guard<std::mutex> lk(g_mu);
	if (handle == nullptr || liveHandles().count(handle) == 0) {
		return fail(ST_NOT_INITIALIZED, call, "handle %p is not a live cuBLAS handle", static_cast<void *>(handle));
	}
	// cublasMath_t (cublas_api.h:172-192): one of the modes, optionally ORed
	// with CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION.
	int base = mode & ~MATH_DISALLOW_REDUCED_PRECISION_REDUCTION;
	if (mode < 0 || (base != MATH_DEFAULT && base != MATH_TENSOR_OP && base != MATH_PEDANTIC && base != MATH_TF32 &&
	                 base != MATH_BF16X9 && base != MATH_FP64_FIXEDPOINT)) {
		return fail(ST_INVALID_VALUE, call, "unknown cublasMath_t %d", mode);
	}
	handle->math = mode;
	return ST_SUCCESS;
}

vgCublasStatus cublasSgemm_v2(vgCublasHandle handle, vgCublasOperation transa, vgCublasOperation transb, int m, int n,
                              int k, const float *alpha, const float *A, int lda, const float *B, int ldb,
                              const float *beta, float *C, int ldc) {
	static const char call[] = "cublasSgemm_v2";
	if (vgsi_fault("cublas")) {
		return fail(ST_EXECUTION_FAILED, call, "failed by VGGO_STANDIN_FAIL_CUBLAS");
	}
	cublasContext st;
	if (!lookup(handle, &st)) {
		return fail(ST_NOT_INITIALIZED, call, "handle %p is not a live cuBLAS handle", static_cast<void *>(handle));
	}
	// The argument checks of the reference BLAS xGEMM (cuBLAS documents the
	// same list for cublas<t>gemm: INVALID_VALUE "if m, n, k < 0 or if transa,
	// transb != CUBLAS_OP_N, CUBLAS_OP_C, CUBLAS_OP_T or if lda < max(1, m) if
	// transa == CUBLAS_OP_N and lda < max(1, k) otherwise or ...").
	auto validOp = [](int op) { return op == OP_N || op == OP_T || op == OP_C; };
	if (m < 0 || n < 0 || k < 0) {
		return fail(ST_INVALID_VALUE, call, "m=%d n=%d k=%d: a dimension is negative", m, n, k);
	}
	if (!validOp(transa) || !validOp(transb)) {
		return fail(ST_INVALID_VALUE, call, "transa=%d transb=%d: not CUBLAS_OP_N, _T or _C", transa, transb);
	}
	const int rowsA = transa == OP_N ? m : k, colsA = transa == OP_N ? k : m;
	const int rowsB = transb == OP_N ? k : n, colsB = transb == OP_N ? n : k;
	if (lda < std::max(1, rowsA)) {
		return fail(ST_INVALID_VALUE, call, "lda=%d < max(1, %s=%d)", lda, transa == OP_N ? "m" : "k", rowsA);
	}
	if (ldb < std::max(1, rowsB)) {
		return fail(ST_INVALID_VALUE, call, "ldb=%d < max(1, %s=%d)", ldb, transb == OP_N ? "k" : "n", rowsB);
	}
	if (ldc < std::max(1, m)) {
		return fail(ST_INVALID_VALUE, call, "ldc=%d < max(1, m=%d)", ldc, m);
	}
	if (m == 0 || n == 0) {
		return ST_SUCCESS;  // quick return, nothing is read or written
	}
	if (alpha == nullptr || beta == nullptr) {
		return fail(ST_INVALID_VALUE, call, "alpha or beta is NULL");
	}
	if (!vgsi_ctx_current()) {
		return fail(ST_EXECUTION_FAILED, call, "no CUDA context is current on this thread");
	}
	// Pointer mode HOST: the scalars are read now.
	const float a = *alpha, b = *beta;
	// A and B are read only when they contribute (k > 0 and alpha != 0).
	const bool readsAB = k > 0 && a != 0.0f;
	if (readsAB) {
		if (int r = checkRange(call, "A", A, matrixBytes(rowsA, colsA, lda))) {
			return r;
		}
		if (int r = checkRange(call, "B", B, matrixBytes(rowsB, colsB, ldb))) {
			return r;
		}
	}
	if (int r = checkRange(call, "C", C, matrixBytes(m, n, ldc))) {
		return r;
	}
	auto *job = new (std::nothrow)
	    GemmJob{transa, transb, m, n, k, a, b, A, lda, B, ldb, C, ldc, roundingOf(st.math, st.cc)};
	if (job == nullptr) {
		return fail(ST_ALLOC_FAILED, call, "out of host memory");
	}
	return enqueue<runGemm>(call, st.stream, freeGemm, job);
}

const char *cublasGetStatusName(vgCublasStatus status) { return statusName(status); }

const char *cublasGetStatusString(vgCublasStatus status) { return statusString(status); }

}  // extern "C"

// Every export has exactly the binding's prototype (decl.h, vg_pfn_<name>).
#define BLAS_SAME_AS_BINDING(name) \
	static_assert(std::is_same_v<decltype(&name), vg_pfn_##name>, #name " differs from internal/cuda/decl.h")
BLAS_SAME_AS_BINDING(cublasCreate_v2);
BLAS_SAME_AS_BINDING(cublasDestroy_v2);
BLAS_SAME_AS_BINDING(cublasGetProperty);
BLAS_SAME_AS_BINDING(cublasSetStream_v2);
BLAS_SAME_AS_BINDING(cublasSetMathMode);
BLAS_SAME_AS_BINDING(cublasSgemm_v2);
BLAS_SAME_AS_BINDING(cublasGetStatusName);
BLAS_SAME_AS_BINDING(cublasGetStatusString);
