// cudnn.cc: the CPU stand-in for libcudnn.so.9 (the cuDNN 9 legacy API).
//
// It exports the 37 functions the binding resolves (internal/cuda/cudnn.go,
// CUDNNSymbols) with NVIDIA's C names and the binding's prototypes
// (internal/cuda/decl.h), and reaches the stand-in libcuda.so.1 only through
// internal/cuda/standin/standin.h. Values follow cuDNN 9.28.1's headers:
// statuses cudnn_graph.h:157-210, cudnnGetCudartVersion 144-145, data types
// 321-344, math types 354-357, NaN propagation 368-369, tensor formats
// 390-392, convolution modes 515, activation modes 421-427; determinism
// cudnn_ops.h:116-117, the algorithms 2163-2200; the perf struct
// cudnn_cnn.h:100-108.
// The arithmetic is in dnn_compute_internal.h.
//
// Conventions (the same for every function):
//   * A handle is created only with a current context (vgsi_ctx_current),
//     else CUDNN_STATUS_NOT_INITIALIZED; it remembers the device's compute
//     capability (vgsi_cc) and its stream (NULL until cudnnSetStream).
//   * Handles and descriptors are host objects registered in a table: a NULL,
//     unknown, destroyed or never-set one is CUDNN_STATUS_BAD_PARAM. All are
//     registered with vgsi_track, so that a context reset reports leaks.
//   * Compute is queued on the handle's stream (vgsi_enqueue) with a copy of
//     every descriptor, scalar and pointer it needs: changing or destroying a
//     descriptor after the call does not affect queued work. alpha and beta
//     are host floats read at call time; beta == 0 never reads the output.
//   * Every device range (tensors from their descriptors, the workspace from
//     its size) is checked with vgsi_check_device_range before anything is
//     queued; a bad range is CUDNN_STATUS_BAD_PARAM.
//   * The stand-in computes float NCHW data with a float compute type only;
//     other valid settings are accepted by the setters, as the real library
//     does, and the compute functions then return CUDNN_STATUS_NOT_SUPPORTED.
//   * Fault injection: every function that can fail (all but cudnnGetVersion,
//     cudnnGetCudartVersion and cudnnGetErrorString) first asks
//     vgsi_fault("cudnn"); when told to it returns CUDNN_STATUS_INTERNAL_ERROR
//     (set-up and queries) or CUDNN_STATUS_EXECUTION_FAILED (compute) and
//     changes nothing.
//   * A failure to queue (unknown stream, sticky context error) and compute
//     with no current context are CUDNN_STATUS_EXECUTION_FAILED.
//   * VGGO_STANDIN_VERBOSE=1 prints one line on stderr for every error.
//
// Math types (cudnnSetConvolutionMathType), on the handle's device:
//   cc >= 80: DEFAULT and TENSOR_OP round x and w (forward), w and dy
//             (backward data), x and dy (backward filter) to TF32 ("With
//             NVIDIA Ampere ... CUDNN_DEFAULT_MATH permits TF32 Tensor Core
//             operation and CUDNN_FMA_MATH does not"); FMA is exact fp32;
//             TENSOR_OP_ALLOW_CONVERSION rounds the same operands to fp16.
//   cc 70-79: ALLOW_CONVERSION rounds to fp16, the rest is fp32.
//   Accumulation is fp32 in every case (see dnn_compute_internal.h).
//
// Algorithm search: see "Algorithms" below for which entries the heuristic
// (Get*_v7) and Find* lists hold, their workspace sizes and their ranking.

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "device_range.h"
#include "dnn_api_internal.h"
#include "dnn_compute_internal.h"
#include "standin.h"

// The opaque types of decl.h (NVIDIA's struct tags).
struct cudnnContext {
	void *stream;  // cudaStream_t == CUstream; NULL is the legacy stream
	int cc;        // compute capability of the context's device at cudnnCreate
};
struct cudnnTensorStruct {
	bool set;
	int format, dtype, n, c, h, w;
};
struct cudnnFilterStruct {
	bool set;
	int dtype, format, k, c, h, w;
};
struct cudnnConvolutionStruct {
	bool set;
	int ph, pw, u, v, dh, dw, mode, ctype;
	int math;    // cudnnSetConvolutionMathType; DEFAULT at creation
	int groups;  // always 1 (cudnnSetConvolutionGroupCount is not bound)
};
struct cudnnActivationStruct {
	bool set;
	int mode, nan;
	double coef;
};

namespace {

// cudnnStatus_t base codes (cudnn_graph.h:157-210). The binding's hints test
// code/1000, so the stand-in returns the base code of each category.
enum : int {
	S_OK = 0,
	S_NOT_INITIALIZED = 1001,
	S_BAD_PARAM = 2000,
	S_NOT_SUPPORTED = 3000,
	S_INTERNAL = 4000,
	S_EXECUTION_FAILED = 5000,
};

// cudnnDataType_t (cudnn_graph.h:321-344), the ones named here.
enum : int { DT_FLOAT = 0, DT_DOUBLE = 1, DT_HALF = 2, DT_INT8 = 3, DT_INT32 = 4, DT_INT8x4 = 5, DT_UINT8 = 6,
             DT_UINT8x4 = 7, DT_INT8x32 = 8, DT_BFLOAT16 = 9, DT_LAST = 23 };
// cudnnTensorFormat_t (cudnn_graph.h:390-392).
enum : int { FMT_NCHW = 0, FMT_NHWC = 1, FMT_NCHW_VECT_C = 2 };
// cudnnMathType_t (cudnn_graph.h:354-357).
enum : int { M_DEFAULT = 0, M_TENSOR_OP = 1, M_ALLOW_CONVERSION = 2, M_FMA = 3 };
// cudnnConvolutionMode_t (cudnn_graph.h:515).
enum : int { CONVOLUTION = 0, CROSS_CORRELATION = 1 };
// cudnnActivationMode_t (cudnn_graph.h:421-427).
enum : int { A_SIGMOID = 0, A_RELU = 1, A_TANH = 2, A_CLIPPED_RELU = 3, A_ELU = 4, A_IDENTITY = 5, A_SWISH = 6 };

// cudnnGetVersion: CUDNN_VERSION of the headers (cudnn_version.h: 9.28.1).
constexpr size_t kVersion = 9 * 10000 + 28 * 100 + 1;

// cudnnGetCudartVersion: the CUDA runtime the library was built with,
// CUDART_VERSION = 1000*major + 10*minor. NVIDIA's 9.28.1 for CUDA 13 reports
// 13050 (13.5); the stand-in reports 13000 (13.0), the version the stand-in
// libcuda.so.1 gives from cuDriverGetVersion (driver_internal.h,
// kDriverVersion), so that the runtime is never newer than the driver and
// has the same major, which holds without CUDA's minor version compatibility.
// The binding's check (kernels/cuda, checkCUDAMajors) wants major 13: no
// newer than the driver's, and cuBLAS's (cublasGetProperty: 13).
constexpr size_t kCudartVersion = 13000;

const struct {
	int code;
	const char *name;
} kStatusNames[] = {
    {0, "CUDNN_STATUS_SUCCESS"},
    {1001, "CUDNN_STATUS_NOT_INITIALIZED"},
    {1002, "CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH"},
    {1003, "CUDNN_STATUS_SERIALIZATION_VERSION_MISMATCH"},
    {1004, "CUDNN_STATUS_DEPRECATED"},
    {1005, "CUDNN_STATUS_LICENSE_ERROR"},
    {1006, "CUDNN_STATUS_RUNTIME_IN_PROGRESS"},
    {1007, "CUDNN_STATUS_RUNTIME_FP_OVERFLOW"},
    {1008, "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED"},
    {2000, "CUDNN_STATUS_BAD_PARAM"},
    {2001, "CUDNN_STATUS_INVALID_VALUE"},
    {2002, "CUDNN_STATUS_BAD_PARAM_NULL_POINTER"},
    {2003, "CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER"},
    {2004, "CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED"},
    {2005, "CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND"},
    {2006, "CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT"},
    {2007, "CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH"},
    {2008, "CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH"},
    {2009, "CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES"},
    {2010, "CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE"},
    {2011, "CUDNN_STATUS_BAD_PARAM_CUDA_GRAPH_MISMATCH"},
    {2012, "CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE"},
    {3000, "CUDNN_STATUS_NOT_SUPPORTED"},
    {3001, "CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN"},
    {3002, "CUDNN_STATUS_NOT_SUPPORTED_SHAPE"},
    {3003, "CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE"},
    {3004, "CUDNN_STATUS_NOT_SUPPORTED_LAYOUT"},
    {3005, "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER"},
    {3006, "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART"},
    {3007, "CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH"},
    {3008, "CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING"},
    {3009, "CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE"},
    {3010, "CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT"},
    {3011, "CUDNN_STATUS_NOT_SUPPORTED_PADDING"},
    {3012, "CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM"},
    {3013, "CUDNN_STATUS_NOT_SUPPORTED_CUDA_GRAPH_NATIVE_API"},
    {3014, "CUDNN_STATUS_NOT_SUPPORTED_INVALID_DYNAMIC_SHAPE"},
    {4000, "CUDNN_STATUS_INTERNAL_ERROR"},
    {4001, "CUDNN_STATUS_INTERNAL_ERROR_COMPILATION_FAILED"},
    {4002, "CUDNN_STATUS_INTERNAL_ERROR_UNEXPECTED_VALUE"},
    {4003, "CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED"},
    {4004, "CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED"},
    {4005, "CUDNN_STATUS_INTERNAL_ERROR_BAD_LAUNCH_PARAM"},
    {4006, "CUDNN_STATUS_INTERNAL_ERROR_TEXTURE_CREATION_FAILED"},
    {5000, "CUDNN_STATUS_EXECUTION_FAILED"},
    {5001, "CUDNN_STATUS_EXECUTION_FAILED_CUDA_DRIVER"},
    {5002, "CUDNN_STATUS_EXECUTION_FAILED_CUBLAS"},
    {5003, "CUDNN_STATUS_EXECUTION_FAILED_CUDART"},
    {5004, "CUDNN_STATUS_EXECUTION_FAILED_CURAND"},
};

const char *statusName(int s) {
	for (const auto &e : kStatusNames) {
		if (e.code == s) {
			return e.name;
		}
	}
	return "CUDNN_UNKNOWN_STATUS";
}

bool verbose() {
	static const bool v = [] {
		const char *e = std::getenv("VGGO_STANDIN_VERBOSE");
		return e != nullptr && std::strcmp(e, "1") == 0;
	}();
	return v;
}

// fail reports an error (on stderr when VGGO_STANDIN_VERBOSE=1) and returns it.
__attribute__((format(printf, 3, 4))) int fail(int status, const char *call, const char *fmt, ...) {
	if (verbose()) {
		char msg[512];
		va_list ap;
		va_start(ap, fmt);
		std::vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		std::fprintf(stderr, "vggo standin cudnn: %s: %s: %s\n", call, msg, statusName(status));
	}
	return status;
}

#define DNN_FAULT(call, code)                                         \
	do {                                                              \
		if (vgsi_fault("cudnn")) {                                    \
			return fail(code, call, "failed by VGGO_STANDIN_FAIL_CUDNN"); \
		}                                                             \
	} while (0)

// ---- the table of live objects ----

enum Kind { K_HANDLE, K_TENSOR, K_FILTER, K_CONV, K_ACT };
const char *const kKindNames[] = {"cudnn handle", "tensor descriptor", "filter descriptor", "convolution descriptor",
                                  "activation descriptor"};

std::mutex g_mu;
std::unordered_map<const void *, Kind> &objects() {
	static auto *m = new std::unordered_map<const void *, Kind>;  // never destroyed: no exit-order issues
	return *m;
}

// snapshot copies the state of a live object of kind k into *out.
template <typename T>
bool snapshot(const T *p, Kind k, T *out) {
	if (p == nullptr) {
		return false;
	}
	std::lock_guard<std::mutex> lk(g_mu);
	auto it = objects().find(p);
	if (it == objects().end() || it->second != k) {
		return false;
	}
	*out = *p;
	return true;
}

// update runs f on a live object of kind k under the table's lock.
template <typename T, typename F>
bool update(T *p, Kind k, F f) {
	if (p == nullptr) {
		return false;
	}
	std::lock_guard<std::mutex> lk(g_mu);
	auto it = objects().find(p);
	if (it == objects().end() || it->second != k) {
		return false;
	}
	f(*p);
	return true;
}

template <typename T>
int createObject(const char *call, T **out, Kind k, const T &init) {
	if (out == nullptr) {
		return fail(S_BAD_PARAM, call, "the result pointer is NULL");
	}
	T *p = new (std::nothrow) T(init);
	if (p == nullptr) {
		return fail(S_INTERNAL, call, "out of host memory");
	}
	try {
		std::lock_guard<std::mutex> lk(g_mu);
		objects()[p] = k;
	} catch (...) {
		delete p;
		return fail(S_INTERNAL, call, "out of host memory");
	}
	vgsi_track(p, kKindNames[k]);
	*out = p;
	return S_OK;
}

template <typename T>
int destroyObject(const char *call, T *p, Kind k) {
	if (p == nullptr) {
		return S_OK;  // like free(NULL)
	}
	{
		std::lock_guard<std::mutex> lk(g_mu);
		auto it = objects().find(p);
		if (it == objects().end() || it->second != k) {
			return fail(S_BAD_PARAM, call, "%p is not a live %s", static_cast<const void *>(p), kKindNames[k]);
		}
		objects().erase(it);
	}
	vgsi_untrack(p);
	delete p;
	return S_OK;
}

int64_t numel(const cudnnTensorStruct &t) { return int64_t{t.n} * t.c * t.h * t.w; }

bool validDataType(int t) { return t >= DT_FLOAT && t <= DT_LAST; }

// ---- descriptor look-ups with the error each misuse gets ----

int getHandle(const char *call, const cudnnContext *h, cudnnContext *out) {
	if (!snapshot(h, K_HANDLE, out)) {
		return fail(S_BAD_PARAM, call, "handle %p is not a live cuDNN handle", static_cast<const void *>(h));
	}
	return S_OK;
}

int getTensor(const char *call, const char *what, const cudnnTensorStruct *d, cudnnTensorStruct *out) {
	if (!snapshot(d, K_TENSOR, out)) {
		return fail(S_BAD_PARAM, call, "%s: %p is not a live tensor descriptor", what, static_cast<const void *>(d));
	}
	if (!out->set) {
		return fail(S_BAD_PARAM, call, "%s: the tensor descriptor was never set", what);
	}
	return S_OK;
}

int getFilter(const char *call, const char *what, const cudnnFilterStruct *d, cudnnFilterStruct *out) {
	if (!snapshot(d, K_FILTER, out)) {
		return fail(S_BAD_PARAM, call, "%s: %p is not a live filter descriptor", what, static_cast<const void *>(d));
	}
	if (!out->set) {
		return fail(S_BAD_PARAM, call, "%s: the filter descriptor was never set", what);
	}
	return S_OK;
}

int getConv(const char *call, const cudnnConvolutionStruct *d, cudnnConvolutionStruct *out) {
	if (!snapshot(d, K_CONV, out)) {
		return fail(S_BAD_PARAM, call, "%p is not a live convolution descriptor", static_cast<const void *>(d));
	}
	if (!out->set) {
		return fail(S_BAD_PARAM, call, "the convolution descriptor was never set (cudnnSetConvolution2dDescriptor)");
	}
	return S_OK;
}

// floatNCHW: the only layout the stand-in computes.
int needFloatNCHW(const char *call, const char *what, int dtype, int format) {
	if (dtype != DT_FLOAT || format != FMT_NCHW) {
		return fail(S_NOT_SUPPORTED, call, "%s: data type %d, format %d: the stand-in computes only FLOAT NCHW", what,
		            dtype, format);
	}
	return S_OK;
}

int sameDims(const char *call, const char *a, const cudnnTensorStruct &x, const char *b, const cudnnTensorStruct &y) {
	if (x.n != y.n || x.c != y.c || x.h != y.h || x.w != y.w) {
		return fail(S_BAD_PARAM, call, "%s (%d,%d,%d,%d) and %s (%d,%d,%d,%d) differ", a, x.n, x.c, x.h, x.w, b, y.n, y.c,
		            y.h, y.w);
	}
	return S_OK;
}

// checkRange checks a device-pointer argument (device_range.h).
int checkRange(const char *call, const char *what, const void *p, size_t bytes) {
	return vgsi_range::check(call, what, p, bytes, S_BAD_PARAM, fail);
}

int needContext(const char *call) {
	if (!vgsi_ctx_current()) {
		return fail(S_EXECUTION_FAILED, call, "no CUDA context is current on this thread");
	}
	return S_OK;
}

// scalars reads alpha and beta (host floats for FLOAT data) now.
int scalars(const char *call, const void *alpha, const void *beta, float *a, float *b) {
	if (alpha == nullptr || beta == nullptr) {
		return fail(S_BAD_PARAM, call, "alpha or beta is NULL");
	}
	*a = *static_cast<const float *>(alpha);
	*b = *static_cast<const float *>(beta);
	return S_OK;
}

// enqueue queues a job on stream. On a non-zero return nothing was queued and
// the job is freed here (standin.h: free_arg runs after queued work).
// guarded runs a job on the stream's worker with no exception escaping into
// libcuda: host memory running out becomes CUDA_ERROR_OUT_OF_MEMORY (2),
// anything else CUDA_ERROR_UNKNOWN (999), the context's sticky error.
template <int (*F)(void *)>
int guarded(void *arg) {
	try {
		return F(arg);
	} catch (const std::bad_alloc &) {
		if (verbose()) {
			std::fprintf(stderr, "vggo standin cudnn: a queued operation ran out of host memory\n");
		}
		return 2;
	} catch (...) {
		return 999;
	}
}

template <int (*F)(void *), typename Job>
int enqueue(const char *call, void *stream, Job *job) {
	void (*freeFn)(void *) = [](void *p) { delete static_cast<Job *>(p); };
	int r = vgsi_enqueue(stream, guarded<F>, job, freeFn);
	if (r != 0) {
		freeFn(job);
		return fail(S_EXECUTION_FAILED, call, "queueing on stream %p failed with CUDA error %d (%s)", stream, r,
		            vgsi_last_error());
	}
	return S_OK;
}

template <typename Job, typename... Args>
Job *newJob(Args &&...args) {
	return new (std::nothrow) Job{std::forward<Args>(args)...};
}

// ---- convolution problems ----

enum Dir { FWD = 0, BWD_DATA = 1, BWD_FILTER = 2 };
const char *const kDirNames[] = {"forward", "backward data", "backward filter"};

// ConvProblem is a validated convolution: the geometry, the descriptor's math
// type and the handle's device and stream.
struct ConvProblem {
	dnn::Geom g;
	int math;
	int cc;
	void *stream;
};

// convProblem validates a convolution given as its input tensor (x or dx),
// filter (w or dw), descriptor and output tensor (y or dy).
int convProblem(const char *call, const cudnnContext *h, const cudnnTensorStruct *xd, const char *xn,
                const cudnnFilterStruct *wd, const char *wn, const cudnnConvolutionStruct *cd,
                const cudnnTensorStruct *yd, const char *yn, ConvProblem *out) {
	cudnnContext hs;
	cudnnTensorStruct x, y;
	cudnnFilterStruct w;
	cudnnConvolutionStruct c;
	if (int r = getHandle(call, h, &hs)) {
		return r;
	}
	if (int r = getTensor(call, xn, xd, &x)) {
		return r;
	}
	if (int r = getFilter(call, wn, wd, &w)) {
		return r;
	}
	if (int r = getConv(call, cd, &c)) {
		return r;
	}
	if (int r = getTensor(call, yn, yd, &y)) {
		return r;
	}
	if (x.dtype != w.dtype || x.dtype != y.dtype) {
		return fail(S_BAD_PARAM, call, "data types differ: %s %d, %s %d, %s %d", xn, x.dtype, wn, w.dtype, yn, y.dtype);
	}
	if (int r = needFloatNCHW(call, xn, x.dtype, x.format)) {
		return r;
	}
	if (int r = needFloatNCHW(call, wn, w.dtype, w.format)) {
		return r;
	}
	if (int r = needFloatNCHW(call, yn, y.dtype, y.format)) {
		return r;
	}
	if (c.ctype != DT_FLOAT) {
		return fail(S_NOT_SUPPORTED, call, "compute type %d with FLOAT data (the stand-in computes in FLOAT)", c.ctype);
	}
	if (x.c != w.c * c.groups) {
		return fail(S_BAD_PARAM, call, "%s has %d channels, %s %d", xn, x.c, wn, w.c);
	}
	const int64_t er = int64_t{w.h - 1} * c.dh + 1, es = int64_t{w.w - 1} * c.dw + 1;
	if (x.h + 2 * int64_t{c.ph} < er || x.w + 2 * int64_t{c.pw} < es) {
		return fail(S_BAD_PARAM, call, "the dilated %dx%d filter is larger than the padded %dx%d input", w.h, w.w, x.h, x.w);
	}
	const int64_t P = 1 + (x.h + 2 * int64_t{c.ph} - er) / c.u, Q = 1 + (x.w + 2 * int64_t{c.pw} - es) / c.v;
	if (y.n != x.n || y.c != w.k || y.h != P || y.w != Q) {
		return fail(S_BAD_PARAM, call, "%s is (%d,%d,%d,%d) but the convolution gives (%d,%d,%lld,%lld)", yn, y.n, y.c, y.h,
		            y.w, x.n, w.k, static_cast<long long>(P), static_cast<long long>(Q));
	}
	out->g = dnn::Geom{x.n, x.c, x.h, x.w, w.k, w.h, w.w, P, Q, c.ph, c.pw, c.u, c.v, c.dh, c.dw, c.mode == CONVOLUTION};
	out->math = c.math;
	out->cc = hs.cc;
	out->stream = hs.stream;
	return S_OK;
}

// roundingOf is what a math type does to the operands on a device.
dnn::Rounding roundingOf(int math, int cc) {
	if (cc >= 80) {
		if (math == M_DEFAULT || math == M_TENSOR_OP) {
			return dnn::RoundTF32;
		}
		return math == M_ALLOW_CONVERSION ? dnn::RoundFP16 : dnn::RoundNone;
	}
	if (cc >= 70 && math == M_ALLOW_CONVERSION) {
		return dnn::RoundFP16;
	}
	return dnn::RoundNone;
}

// ---- Algorithms ----
//
// Every algorithm of cudnn_ops.h:2163-2200 can be named; all of them compute
// with the same loops, so they differ only in what the stand-in reports:
// whether the shape is supported, the workspace, determinism and a modelled
// time. With F = 2*N*K*C*R*S*P*Q, a "tensor" math type (TENSOR_OP or
// ALLOW_CONVERSION on cc >= 70, DEFAULT too on cc >= 80) and, for tensor
// math, Cp and Kp = C and K rounded up to multiples of 8 (else C and K):
//
// forward (CUDNN_CONVOLUTION_FWD_ALGO_*, all deterministic):
//   0 IMPLICIT_GEMM      always;                     workspace 0
//   1 IMPLICIT_PRECOMP   always;                     16*Cp*R*S
//   2 GEMM               always;                     4*Cp*R*S*P*Q (one image's im2col)
//   3 DIRECT             never (as the real library, for these shapes)
//   4 FFT                always;                     2^40 + 8*N*(Cp+Kp)*(H+2ph)*(W+2pw): an
//                                                    over-size workspace no one can allocate
//   5 FFT_TILING         stride 1 and dilation 1;    8*Cp*(N+Kp)*32*32
//   6 WINOGRAD           not on cc >= 90 ("Not supported on Hopper+", cudnn_ops.h:2169);
//                        elsewhere 3x3, stride 1, dilation 1;  4*36*Cp*Kp
//   7 WINOGRAD_NONFUSED  3x3 or 5x5, stride 1, dilation 1, and not FMA math (the
//                        stand-in has only a tensor-core version of it);
//                        4*36*(N*T*(Cp+Kp) + Cp*Kp), T = ceil(P/4)*ceil(Q/4)
// backward data (CUDNN_CONVOLUTION_BWD_DATA_ALGO_*):
//   0 ALGO_0 (non-deterministic) always; 0     1 ALGO_1 always; 16*Kp*R*S
//   2 FFT always, over-size as forward         3 FFT_TILING as forward
//   4 WINOGRAD as forward                      5 WINOGRAD_NONFUSED as forward, T over (H, W)
// backward filter (CUDNN_CONVOLUTION_BWD_FILTER_ALGO_*):
//   0 ALGO_0 (non-deterministic) always; 0     1 ALGO_1 always; 4*Cp*R*S*P*Q
//   2 FFT always, over-size as forward         3 ALGO_3 (non-deterministic) always; 4*Kp*Cp*R*S
//   4 WINOGRAD never ("not implemented", cudnn_ops.h:2183)
//   5 WINOGRAD_NONFUSED as forward             6 FFT_TILING as forward
// ALLOW_CONVERSION adds 2*(elements of x, w and y) bytes (fp16 copies) to every
// workspace, so the size depends on the descriptor's math type, as in cuDNN.
//
// Modelled time (ms) = overhead + F / (2e10 * efficiency * speed) + workspace / 3e9,
// speed 1 for fp32, 4 for TF32, 8 for fp16 (the rounding of the math type on the
// device); overhead and efficiency per algorithm in kCost. Small problems are
// won by the low-overhead IMPLICIT_GEMM / ALGO_0, larger ones by tensor-math
// entries, large 3x3 stride-1 ones by WINOGRAD_NONFUSED, so the ranking
// depends on the shape.
//
// The lists: Get*_v7 and Find* return exactly MaxCount entries (8, 6, 7), a
// fixed menu of (algorithm, math type) pairs for the descriptor's math type
// M, with A1 and A2 other math types:
//   forward:         (0,M) (1,A1) (1,ALLOW_CONVERSION) (2,M) (3,M) (4,M) (6,M) (7,A2)
//   backward data:   (0,A2) (1,M) (1,A1) (1,ALLOW_CONVERSION) (2,M) (4,M)
//   backward filter: (0,M) (1,M) (1,A1) (3,ALLOW_CONVERSION) (2,M) (4,M) (5,A2)
//   Find: A1 = A2 = DEFAULT when M != DEFAULT, else TENSOR_OP ("will attempt
//         both the provided convDesc mathType and CUDNN_DEFAULT_MATH").
//   v7:   A1 = TENSOR_OP when M != TENSOR_OP, else DEFAULT; A2 = DEFAULT when
//         M != DEFAULT, else TENSOR_OP.
// (a pair that would repeat takes the first unused of FMA, DEFAULT, TENSOR_OP,
// ALLOW_CONVERSION). So every list holds a TENSOR_OP_ALLOW_CONVERSION entry,
// an over-size workspace entry (FFT), DEFAULT and TENSOR_OP or FMA entries,
// and on cc >= 90 NOT_SUPPORTED entries (DIRECT / WINOGRAD). With M = FMA the
// DEFAULT-math WINOGRAD_NONFUSED entry has no FMA version: a caller that runs
// it under FMA gets NOT_SUPPORTED (the case of gpu-review.md F1). On cc 90
// that entry is the best one that is neither TENSOR_OP nor ALLOW_CONVERSION,
// forward and backward filter, from about F = 2e9 for 3x3 stride-1 problems
// (e.g. N=8, C=K=64, 56x56); below that IMPLICIT_PRECOMP_GEMM / DEFAULT or
// IMPLICIT_GEMM / FMA (ALGO_0 / DEFAULT backward data) lead, and they run
// under FMA too.
// Entries are sorted: status 0 by modelled time (ties in menu order), then
// the others in menu order with time -1 and memory 0. Find reports the
// modelled time; v7 reports time -1 (heuristics do not time).

constexpr int kAlgoCount[3] = {8, 6, 7};  // CUDNN_CONVOLUTION_*_ALGO_COUNT

// determinism per algorithm (cudnn_ops.h:2163-2200).
constexpr int kDeterministic[3][8] = {
    {1, 1, 1, 1, 1, 1, 1, 1},
    {0, 1, 1, 1, 1, 1, 0, 0},
    {0, 1, 1, 0, 1, 1, 1, 0},
};

struct Cost {
	double overheadMs, efficiency;
};
// efficiency of the FFT and Winograd algorithms includes their arithmetic
// saving (Winograd F(4x4,3x3): 4x fewer products, F(2x2,3x3) fused: 2.25x).
constexpr Cost kCost[3][8] = {
    {{0.010, 0.5}, {0.015, 0.8}, {0.020, 0.7}, {0, 0}, {0.050, 1.0}, {0.040, 0.9}, {0.020, 1.8}, {0.025, 3.2}},
    {{0.010, 0.6}, {0.012, 0.5}, {0.050, 1.0}, {0.040, 0.9}, {0.020, 1.8}, {0.025, 3.2}, {0, 0}, {0, 0}},
    {{0.010, 0.6}, {0.012, 0.5}, {0.050, 1.0}, {0.015, 0.7}, {0, 0}, {0.025, 3.2}, {0.040, 0.9}, {0, 0}},
};

enum Kind3 { K3_NONE, K3_FFT, K3_FFT_TILING, K3_WINOGRAD, K3_NONFUSED };
// kKind maps each algorithm to the shared rules above.
Kind3 algoKind(Dir d, int a) {
	switch (d) {
	case FWD: return a == 4 ? K3_FFT : a == 5 ? K3_FFT_TILING : a == 6 ? K3_WINOGRAD : a == 7 ? K3_NONFUSED : K3_NONE;
	case BWD_DATA: return a == 2 ? K3_FFT : a == 3 ? K3_FFT_TILING : a == 4 ? K3_WINOGRAD : a == 5 ? K3_NONFUSED : K3_NONE;
	default: return a == 2 ? K3_FFT : a == 6 ? K3_FFT_TILING : a == 4 ? K3_WINOGRAD : a == 5 ? K3_NONFUSED : K3_NONE;
	}
}

bool tensorMath(int math, int cc) {
	if (cc >= 80) {
		return math != M_FMA;
	}
	return cc >= 70 && (math == M_TENSOR_OP || math == M_ALLOW_CONVERSION);
}

// algoStatus: 0 when the algorithm runs this problem under math, else
// CUDNN_STATUS_NOT_SUPPORTED.
int algoStatus(Dir d, int a, const ConvProblem &p, int math) {
	const dnn::Geom &g = p.g;
	const bool unit = g.u == 1 && g.v == 1 && g.dh == 1 && g.dw == 1;
	if (d == FWD && a == 3) {
		return S_NOT_SUPPORTED;  // DIRECT
	}
	if (d == BWD_FILTER && a == 4) {
		return S_NOT_SUPPORTED;  // WINOGRAD: not implemented
	}
	switch (algoKind(d, a)) {
	case K3_FFT_TILING: return unit ? S_OK : S_NOT_SUPPORTED;
	case K3_WINOGRAD: return p.cc < 90 && unit && g.R == 3 && g.S == 3 ? S_OK : S_NOT_SUPPORTED;
	case K3_NONFUSED:
		return unit && g.R == g.S && (g.R == 3 || g.R == 5) && math != M_FMA ? S_OK : S_NOT_SUPPORTED;
	default: return S_OK;
	}
}

constexpr uint64_t roundUp8(int64_t v) { return static_cast<uint64_t>((v + 7) / 8 * 8); }

// algoWorkspace: the bytes an algorithm needs under math (when supported).
uint64_t algoWorkspace(Dir d, int a, const ConvProblem &p, int math) {
	const dnn::Geom &g = p.g;
	const bool tm = tensorMath(math, p.cc);
	const uint64_t N = g.N, R = g.R, S = g.S, P = g.P, Q = g.Q, H = g.H, W = g.W;
	const uint64_t Cp = tm ? roundUp8(g.C) : g.C, Kp = tm ? roundUp8(g.K) : g.K;
	uint64_t ws = 0;
	switch (algoKind(d, a)) {
	case K3_FFT: ws = (uint64_t{1} << 40) + 8 * N * (Cp + Kp) * (H + 2 * g.ph) * (W + 2 * g.pw); break;
	case K3_FFT_TILING: ws = 8 * Cp * (N + Kp) * 32 * 32; break;
	case K3_WINOGRAD: ws = 4 * 36 * Cp * Kp; break;
	case K3_NONFUSED: {
		const uint64_t T = d == BWD_DATA ? ((H + 3) / 4) * ((W + 3) / 4) : ((P + 3) / 4) * ((Q + 3) / 4);
		ws = 4 * 36 * (N * T * (Cp + Kp) + Cp * Kp);
		break;
	}
	default:
		if (d == FWD) {
			ws = a == 1 ? 16 * Cp * R * S : a == 2 ? 4 * Cp * R * S * P * Q : 0;
		} else if (d == BWD_DATA) {
			ws = a == 1 ? 16 * Kp * R * S : 0;
		} else {
			ws = a == 1 ? 4 * Cp * R * S * P * Q : a == 3 ? 4 * Kp * Cp * R * S : 0;
		}
	}
	if (math == M_ALLOW_CONVERSION) {
		ws += 2 * (N * g.C * H * W + uint64_t(g.K) * g.C * R * S + N * g.K * P * Q);
	}
	return ws;
}

double algoTimeMs(Dir d, int a, const ConvProblem &p, int math, uint64_t ws) {
	const dnn::Geom &g = p.g;
	const double F = 2.0 * g.N * g.K * g.C * g.R * g.S * g.P * g.Q;
	const dnn::Rounding r = roundingOf(math, p.cc);
	const double speed = r == dnn::RoundFP16 ? 8 : r == dnn::RoundTF32 ? 4 : 1;
	const Cost c = kCost[d][a];
	return c.overheadMs + F / (2e10 * c.efficiency * speed) + static_cast<double>(ws) / 3e9;
}

std::vector<std::pair<int, int>> menu(Dir d, int M, bool find) {
	const int A1 = find ? (M != M_DEFAULT ? M_DEFAULT : M_TENSOR_OP) : (M != M_TENSOR_OP ? M_TENSOR_OP : M_DEFAULT);
	const int A2 = find ? A1 : (M != M_DEFAULT ? M_DEFAULT : M_TENSOR_OP);
	const int AC = M_ALLOW_CONVERSION;
	std::vector<std::pair<int, int>> m;
	switch (d) {
	case FWD: m = {{0, M}, {1, A1}, {1, AC}, {2, M}, {3, M}, {4, M}, {6, M}, {7, A2}}; break;
	case BWD_DATA: m = {{0, A2}, {1, M}, {1, A1}, {1, AC}, {2, M}, {4, M}}; break;
	default: m = {{0, M}, {1, M}, {1, A1}, {3, AC}, {2, M}, {4, M}, {5, A2}}; break;
	}
	for (size_t i = 0; i < m.size(); i++) {
		auto used = [&](int algo, int math) {
			for (size_t j = 0; j < i; j++) {
				if (m[j].first == algo && m[j].second == math) {
					return true;
				}
			}
			return false;
		};
		if (used(m[i].first, m[i].second)) {
			for (int alt : {M_FMA, M_DEFAULT, M_TENSOR_OP, M_ALLOW_CONVERSION}) {
				if (!used(m[i].first, alt)) {
					m[i].second = alt;
					break;
				}
			}
		}
	}
	return m;
}

// rank fills up to req entries of the ranked list of a problem.
int rank(Dir d, const ConvProblem &p, bool find, int req, vgCudnnConvFwdAlgoPerf *out) {
	struct Entry {
		vgCudnnConvFwdAlgoPerf perf;
		double time;
		size_t order;
	};
	std::vector<Entry> es;
	const auto m = menu(d, p.math, find);
	for (size_t i = 0; i < m.size(); i++) {
		const auto [algo, math] = m[i];
		Entry e{};
		e.perf.algo = algo;
		e.perf.status = algoStatus(d, algo, p, math);
		e.perf.determinism = kDeterministic[d][algo];
		e.perf.mathType = math;
		e.order = i;
		if (e.perf.status == S_OK) {
			const uint64_t ws = algoWorkspace(d, algo, p, math);
			e.perf.memory = static_cast<size_t>(ws);
			e.time = algoTimeMs(d, algo, p, math, ws);
			e.perf.time = find ? static_cast<float>(e.time) : -1.0f;
		} else {
			e.perf.memory = 0;
			e.perf.time = -1.0f;
			e.time = 0;
		}
		es.push_back(e);
	}
	std::stable_sort(es.begin(), es.end(), [](const Entry &a, const Entry &b) {
		const bool oka = a.perf.status == S_OK, okb = b.perf.status == S_OK;
		if (oka != okb) {
			return oka;
		}
		if (oka && a.time != b.time) {
			return a.time < b.time;
		}
		return a.order < b.order;
	});
	const int n = std::min<int>(req, static_cast<int>(es.size()));
	for (int i = 0; i < n; i++) {
		out[i] = es[i].perf;  // reserved[] stays zero
	}
	return n;
}

// ---- the convolution entry points, shared by the three directions ----

int maxCount(const char *call, vgCudnnHandle h, int *count, Dir d) {
	DNN_FAULT(call, S_INTERNAL);
	cudnnContext hs;
	if (int r = getHandle(call, h, &hs)) {
		return r;
	}
	if (count == nullptr) {
		return fail(S_BAD_PARAM, call, "count is NULL");
	}
	*count = kAlgoCount[d];
	return S_OK;
}

int algorithms(const char *call, Dir d, bool find, const ConvProblem &p, int req, int *ret,
               vgCudnnConvFwdAlgoPerf *perf) {
	if (req < 1) {
		return fail(S_BAD_PARAM, call, "requestedAlgoCount %d < 1", req);
	}
	if (ret == nullptr || perf == nullptr) {
		return fail(S_BAD_PARAM, call, "returnedAlgoCount or perfResults is NULL");
	}
	if (find) {
		// Find "executes all applicable algorithms": it blocks the host, so it
		// first waits for the handle's stream.
		if (int r = needContext(call)) {
			return r;
		}
		if (int r = vgsi_stream_sync(p.stream); r != 0) {
			return fail(S_EXECUTION_FAILED, call, "waiting for the handle's stream: CUDA error %d (%s)", r, vgsi_last_error());
		}
	}
	try {
		*ret = rank(d, p, find, req, perf);
	} catch (const std::bad_alloc &) {
		return fail(S_INTERNAL, call, "out of host memory");
	}
	return S_OK;
}

int workspaceSize(const char *call, Dir d, const ConvProblem &p, int algo, size_t *size) {
	if (size == nullptr) {
		return fail(S_BAD_PARAM, call, "sizeInBytes is NULL");
	}
	if (algo < 0 || algo >= kAlgoCount[d]) {
		return fail(S_BAD_PARAM, call, "algorithm %d is not a %s algorithm", algo, kDirNames[d]);
	}
	if (algoStatus(d, algo, p, p.math) != S_OK) {
		return fail(S_NOT_SUPPORTED, call, "%s algorithm %d does not support this problem under math type %d", kDirNames[d],
		            algo, p.math);
	}
	*size = static_cast<size_t>(algoWorkspace(d, algo, p, p.math));
	return S_OK;
}

struct ConvJob {
	Dir dir;
	dnn::Geom g;
	dnn::Rounding rnd;
	float alpha, beta;
	const float *a, *b;  // forward: x, w; backward data: w, dy; backward filter: x, dy
	float *out;          // y, dx or dw
	void *ws;
	size_t wsUse;  // bytes of the workspace the algorithm uses (overwritten)
};

int runConv(void *arg) {
	const ConvJob &j = *static_cast<const ConvJob *>(arg);
	try {
		if (j.wsUse > 0) {
			// The algorithm owns its workspace: scribble over it (NaN bytes),
			// so that a workspace shared with live data shows up.
			std::memset(j.ws, 0xff, j.wsUse);
		}
		switch (j.dir) {
		case FWD: dnn::convForward(j.g, j.rnd, j.alpha, j.a, j.b, j.beta, j.out); break;
		case BWD_DATA: dnn::convBackwardData(j.g, j.rnd, j.alpha, j.a, j.b, j.beta, j.out); break;
		case BWD_FILTER: dnn::convBackwardFilter(j.g, j.rnd, j.alpha, j.a, j.b, j.beta, j.out); break;
		}
	} catch (const std::bad_alloc &) {
		if (verbose()) {
			std::fprintf(stderr, "vggo standin cudnn: convolution %s: host memory ran out\n", kDirNames[j.dir]);
		}
		return 2;  // CUDA_ERROR_OUT_OF_MEMORY, the context's sticky error
	}
	return 0;
}

// runConvolution validates the algorithm, workspace, scalars and ranges of a
// convolution of any direction and queues it.
int runConvolution(const char *call, Dir d, const ConvProblem &p, int algo, const void *alpha, const void *beta,
                   const void *a, const char *an, const void *b, const char *bn, void *out, const char *outn, void *ws,
                   size_t wsBytes) {
	if (algo < 0 || algo >= kAlgoCount[d]) {
		return fail(S_BAD_PARAM, call, "algorithm %d is not a %s algorithm", algo, kDirNames[d]);
	}
	if (algoStatus(d, algo, p, p.math) != S_OK) {
		return fail(S_NOT_SUPPORTED, call, "%s algorithm %d does not support this problem under math type %d", kDirNames[d],
		            algo, p.math);
	}
	const uint64_t need = algoWorkspace(d, algo, p, p.math);
	if (need > 0 && (ws == nullptr || wsBytes < need)) {
		return fail(S_BAD_PARAM, call, "%s algorithm %d needs %llu bytes of workspace, got %zu at %p", kDirNames[d], algo,
		            static_cast<unsigned long long>(need), wsBytes, ws);
	}
	float al = 0, be = 0;
	if (int r = scalars(call, alpha, beta, &al, &be)) {
		return r;
	}
	if (int r = needContext(call)) {
		return r;
	}
	const dnn::Geom &g = p.g;
	const size_t xBytes = static_cast<size_t>(g.N * g.C * g.H * g.W * 4), wBytes = static_cast<size_t>(g.K * g.C * g.R * g.S * 4),
	             yBytes = static_cast<size_t>(g.N * g.K * g.P * g.Q * 4);
	size_t aBytes, bBytes, outBytes;
	switch (d) {
	case FWD: aBytes = xBytes, bBytes = wBytes, outBytes = yBytes; break;
	case BWD_DATA: aBytes = wBytes, bBytes = yBytes, outBytes = xBytes; break;
	default: aBytes = xBytes, bBytes = yBytes, outBytes = wBytes; break;
	}
	if (int r = checkRange(call, an, a, aBytes)) {
		return r;
	}
	if (int r = checkRange(call, bn, b, bBytes)) {
		return r;
	}
	if (int r = checkRange(call, outn, out, outBytes)) {
		return r;
	}
	if (ws != nullptr && wsBytes > 0) {
		if (int r = checkRange(call, "workSpace", ws, wsBytes)) {
			return r;
		}
	}
	auto *job = newJob<ConvJob>(d, g, roundingOf(p.math, p.cc), al, be, static_cast<const float *>(a),
	                            static_cast<const float *>(b), static_cast<float *>(out), ws, static_cast<size_t>(need));
	if (job == nullptr) {
		return fail(S_INTERNAL, call, "out of host memory");
	}
	return enqueue<runConv>(call, p.stream, job);
}

// ---- activation ----

struct ActJob {
	cudnnActivationStruct act;
	bool backward;
	float alpha, beta;
	int64_t n;
	const float *x, *y, *dy;
	float *out;
};

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// Forward value and backward derivative of each mode. NaN: with
// CUDNN_NOT_PROPAGATE_NAN, ReLU and clipped ReLU map a NaN input to 0 (forward)
// and give a 0 gradient for it (backward); with CUDNN_PROPAGATE_NAN the
// result is NaN. Smooth modes always propagate NaN (arithmetic does).
inline float actForward(const cudnnActivationStruct &a, float x) {
	const bool keepNaN = a.nan == 1 && std::isnan(x);
	switch (a.mode) {
	case A_SIGMOID: return sigmoid(x);
	case A_RELU: return keepNaN ? x : (x > 0.0f ? x : 0.0f);
	case A_TANH: return std::tanh(x);
	case A_CLIPPED_RELU: return keepNaN ? x : (x > 0.0f ? std::min(x, static_cast<float>(a.coef)) : 0.0f);
	case A_ELU: return x > 0.0f ? x : static_cast<float>(a.coef) * (std::exp(x) - 1.0f);
	case A_SWISH: return x * sigmoid(x);
	default: return x;
	}
}

inline float actBackward(const cudnnActivationStruct &a, float x, float y, float dy) {
	const bool keepNaN = a.nan == 1 && std::isnan(x);
	switch (a.mode) {
	case A_SIGMOID: return dy * y * (1.0f - y);
	case A_RELU: return keepNaN ? x : (x > 0.0f ? dy : 0.0f);
	case A_TANH: return dy * (1.0f - y * y);
	case A_CLIPPED_RELU: return keepNaN ? x : (x > 0.0f && x < static_cast<float>(a.coef) ? dy : 0.0f);
	case A_ELU: return x > 0.0f ? dy : dy * (y + static_cast<float>(a.coef));
	case A_SWISH: {
		const float s = sigmoid(x);
		return dy * (s + x * s * (1.0f - s));
	}
	default: return dy;
	}
}

int runAct(void *arg) {
	const ActJob &j = *static_cast<const ActJob *>(arg);
	// Elementwise, reading every input of i before writing out[i]: x == y
	// (forward) and dx == dy (backward) may alias.
	for (int64_t i = 0; i < j.n; i++) {
		float v = j.backward ? actBackward(j.act, j.x[i], j.y[i], j.dy[i]) : actForward(j.act, j.x[i]);
		j.out[i] = j.beta == 0.0f ? j.alpha * v : j.alpha * v + j.beta * j.out[i];
	}
	return 0;
}

// ---- bias ----

struct BiasJob {
	int64_t N, K, HW;
	float alpha, beta;
	const float *dy;
	float *db;
};

int runBias(void *arg) {
	const BiasJob &j = *static_cast<const BiasJob *>(arg);
	dnn::biasBackward(j.N, j.K, j.HW, j.alpha, j.dy, j.beta, j.db);
	return 0;
}

// ---- descriptor checks of the setters and activation ----

// checkLayout validates a format and data type as cudnnSetTensor4dDescriptor
// does: unknown values are BAD_PARAM, and the vectorised NCHW_VECT_C layout
// needs an 8-bit type with c a multiple of its vector width.
int checkLayout(const char *call, int format, int dtype, int c) {
	if (format < FMT_NCHW || format > FMT_NCHW_VECT_C) {
		return fail(S_BAD_PARAM, call, "unknown cudnnTensorFormat_t %d (check the order of the format and data type arguments)", format);
	}
	if (!validDataType(dtype)) {
		return fail(S_BAD_PARAM, call, "unknown cudnnDataType_t %d", dtype);
	}
	if (format == FMT_NCHW_VECT_C) {
		const int width = dtype == DT_INT8x32 ? 32 : (dtype == DT_INT8 || dtype == DT_UINT8 || dtype == DT_INT8x4 || dtype == DT_UINT8x4) ? 4 : 0;
		if (width == 0 || c % width != 0) {
			return fail(S_BAD_PARAM, call, "CUDNN_TENSOR_NCHW_VECT_C with data type %d and c=%d", dtype, c);
		}
	}
	return S_OK;
}

int checkDims(const char *call, int n, int c, int h, int w) {
	if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
		return fail(S_BAD_PARAM, call, "dimensions (%d,%d,%d,%d): each must be > 0", n, c, h, w);
	}
	// "The total size of a tensor including the potential padding between
	// dimensions is limited to 2 Giga-elements of type datatype."
	if (int64_t{n} * c * h * w > INT32_MAX) {
		return fail(S_NOT_SUPPORTED, call, "(%d,%d,%d,%d) has more than 2^31-1 elements", n, c, h, w);
	}
	return S_OK;
}

int getActivation(const char *call, const cudnnActivationStruct *d, cudnnActivationStruct *out) {
	if (!snapshot(d, K_ACT, out) || !out->set) {
		return fail(S_BAD_PARAM, call, "%p is not a set activation descriptor", static_cast<const void *>(d));
	}
	// CUDNN_ACTIVATION_IDENTITY is only for cudnnConvolutionBiasActivationForward.
	if (out->mode == A_IDENTITY) {
		return fail(S_BAD_PARAM, call, "CUDNN_ACTIVATION_IDENTITY works only in cudnnConvolutionBiasActivationForward");
	}
	return S_OK;
}

}  // namespace

// ---- the exported API ----

extern "C" {

size_t cudnnGetVersion(void) { return kVersion; }

size_t cudnnGetCudartVersion(void) { return kCudartVersion; }

const char *cudnnGetErrorString(vgCudnnStatus status) { return statusName(status); }

vgCudnnStatus cudnnCreate(vgCudnnHandle *handle) {
	static const char call[] = "cudnnCreate";
	DNN_FAULT(call, S_INTERNAL);
	if (handle == nullptr) {
		return fail(S_BAD_PARAM, call, "handle is NULL");
	}
	if (!vgsi_ctx_current()) {
		return fail(S_NOT_INITIALIZED, call, "no CUDA context is current on this thread");
	}
	return createObject(call, handle, K_HANDLE, cudnnContext{nullptr, vgsi_cc()});
}

vgCudnnStatus cudnnDestroy(vgCudnnHandle handle) {
	static const char call[] = "cudnnDestroy";
	DNN_FAULT(call, S_INTERNAL);
	cudnnContext hs;
	if (int r = getHandle(call, handle, &hs)) {
		return r;
	}
	// Destroying a handle waits for its work; a sticky error of the context
	// is not this call's failure (reported in verbose mode only).
	if (vgsi_ctx_current()) {
		if (int r = vgsi_stream_sync(hs.stream); r != 0 && verbose()) {
			std::fprintf(stderr, "vggo standin cudnn: %s: waiting for the handle's stream: CUDA error %d (%s)\n", call, r,
			             vgsi_last_error());
		}
	}
	return destroyObject(call, handle, K_HANDLE);
}

vgCudnnStatus cudnnSetStream(vgCudnnHandle handle, vgCUstream streamId) {
	static const char call[] = "cudnnSetStream";
	DNN_FAULT(call, S_INTERNAL);
	// The stream is checked when work is queued on it (vgsi_enqueue returns
	// INVALID_HANDLE for an unknown stream): standin.h has no stream query.
	if (!update(handle, K_HANDLE, [&](cudnnContext &h) { h.stream = streamId; })) {
		return fail(S_BAD_PARAM, call, "handle %p is not a live cuDNN handle", static_cast<void *>(handle));
	}
	return S_OK;
}

// ---- tensor and filter descriptors ----

vgCudnnStatus cudnnCreateTensorDescriptor(vgCudnnTensorDesc *tensorDesc) {
	static const char call[] = "cudnnCreateTensorDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	return createObject(call, tensorDesc, K_TENSOR, cudnnTensorStruct{});
}

vgCudnnStatus cudnnSetTensor4dDescriptor(vgCudnnTensorDesc tensorDesc, vgCudnnTensorFormat format,
                                         vgCudnnDataType dataType, int n, int c, int h, int w) {
	static const char call[] = "cudnnSetTensor4dDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	cudnnTensorStruct cur;
	if (!snapshot(tensorDesc, K_TENSOR, &cur)) {
		return fail(S_BAD_PARAM, call, "%p is not a live tensor descriptor", static_cast<void *>(tensorDesc));
	}
	// cudnn_ops.h:157: (tensorDesc, format, dataType, n, c, h, w).
	if (int r = checkLayout(call, format, dataType, c)) {
		return r;
	}
	if (int r = checkDims(call, n, c, h, w)) {
		return r;
	}
	update(tensorDesc, K_TENSOR, [&](cudnnTensorStruct &t) { t = cudnnTensorStruct{true, format, dataType, n, c, h, w}; });
	return S_OK;
}

vgCudnnStatus cudnnDestroyTensorDescriptor(vgCudnnTensorDesc tensorDesc) {
	static const char call[] = "cudnnDestroyTensorDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	return destroyObject(call, tensorDesc, K_TENSOR);
}

vgCudnnStatus cudnnCreateFilterDescriptor(vgCudnnFilterDesc *filterDesc) {
	static const char call[] = "cudnnCreateFilterDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	return createObject(call, filterDesc, K_FILTER, cudnnFilterStruct{});
}

vgCudnnStatus cudnnSetFilter4dDescriptor(vgCudnnFilterDesc filterDesc, vgCudnnDataType dataType,
                                         vgCudnnTensorFormat format, int k, int c, int h, int w) {
	static const char call[] = "cudnnSetFilter4dDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	cudnnFilterStruct cur;
	if (!snapshot(filterDesc, K_FILTER, &cur)) {
		return fail(S_BAD_PARAM, call, "%p is not a live filter descriptor", static_cast<void *>(filterDesc));
	}
	// cudnn_ops.h:948: (filterDesc, dataType, format, k, c, h, w): the data
	// type comes first here, the opposite of cudnnSetTensor4dDescriptor.
	if (int r = checkLayout(call, format, dataType, c)) {
		return r;
	}
	if (int r = checkDims(call, k, c, h, w)) {
		return r;
	}
	update(filterDesc, K_FILTER, [&](cudnnFilterStruct &f) { f = cudnnFilterStruct{true, dataType, format, k, c, h, w}; });
	return S_OK;
}

vgCudnnStatus cudnnDestroyFilterDescriptor(vgCudnnFilterDesc filterDesc) {
	static const char call[] = "cudnnDestroyFilterDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	return destroyObject(call, filterDesc, K_FILTER);
}

// ---- convolution descriptors ----

vgCudnnStatus cudnnCreateConvolutionDescriptor(vgCudnnConvDesc *convDesc) {
	static const char call[] = "cudnnCreateConvolutionDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	cudnnConvolutionStruct init{};
	init.math = M_DEFAULT;
	init.groups = 1;
	return createObject(call, convDesc, K_CONV, init);
}

vgCudnnStatus cudnnSetConvolution2dDescriptor(vgCudnnConvDesc convDesc, int pad_h, int pad_w, int u, int v,
                                              int dilation_h, int dilation_w, vgCudnnConvMode mode,
                                              vgCudnnDataType computeType) {
	static const char call[] = "cudnnSetConvolution2dDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	cudnnConvolutionStruct cur;
	if (!snapshot(convDesc, K_CONV, &cur)) {
		return fail(S_BAD_PARAM, call, "%p is not a live convolution descriptor", static_cast<void *>(convDesc));
	}
	if (pad_h < 0 || pad_w < 0) {
		return fail(S_BAD_PARAM, call, "padding %d,%d < 0", pad_h, pad_w);
	}
	if (u <= 0 || v <= 0) {
		return fail(S_BAD_PARAM, call, "stride %d,%d <= 0", u, v);
	}
	if (dilation_h <= 0 || dilation_w <= 0) {
		return fail(S_BAD_PARAM, call, "dilation %d,%d <= 0", dilation_h, dilation_w);
	}
	if (mode != CONVOLUTION && mode != CROSS_CORRELATION) {
		return fail(S_BAD_PARAM, call, "unknown cudnnConvolutionMode_t %d", mode);
	}
	// The compute types cuDNN's convolutions know: FLOAT, DOUBLE, HALF,
	// INT32 (for 8-bit data) and BFLOAT16.
	if (computeType != DT_FLOAT && computeType != DT_DOUBLE && computeType != DT_HALF && computeType != DT_INT32 &&
	    computeType != DT_BFLOAT16) {
		return fail(S_BAD_PARAM, call, "compute type %d", computeType);
	}
	// The math type and group count are kept (they have their own setters).
	update(convDesc, K_CONV, [&](cudnnConvolutionStruct &c) {
		c.set = true;
		c.ph = pad_h, c.pw = pad_w, c.u = u, c.v = v, c.dh = dilation_h, c.dw = dilation_w;
		c.mode = mode, c.ctype = computeType;
	});
	return S_OK;
}

vgCudnnStatus cudnnSetConvolutionMathType(vgCudnnConvDesc convDesc, vgCudnnMathType mathType) {
	static const char call[] = "cudnnSetConvolutionMathType";
	DNN_FAULT(call, S_INTERNAL);
	if (mathType < M_DEFAULT || mathType > M_FMA) {
		return fail(S_BAD_PARAM, call, "unknown cudnnMathType_t %d", mathType);
	}
	if (!update(convDesc, K_CONV, [&](cudnnConvolutionStruct &c) { c.math = mathType; })) {
		return fail(S_BAD_PARAM, call, "%p is not a live convolution descriptor", static_cast<void *>(convDesc));
	}
	return S_OK;
}

vgCudnnStatus cudnnDestroyConvolutionDescriptor(vgCudnnConvDesc convDesc) {
	static const char call[] = "cudnnDestroyConvolutionDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	return destroyObject(call, convDesc, K_CONV);
}

// ---- forward ----

vgCudnnStatus cudnnGetConvolutionForwardAlgorithmMaxCount(vgCudnnHandle handle, int *count) {
	return maxCount("cudnnGetConvolutionForwardAlgorithmMaxCount", handle, count, FWD);
}

vgCudnnStatus cudnnGetConvolutionForwardAlgorithm_v7(vgCudnnHandle handle, const vgCudnnTensorDesc srcDesc,
                                                     const vgCudnnFilterDesc filterDesc,
                                                     const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc destDesc,
                                                     const int requestedAlgoCount, int *returnedAlgoCount,
                                                     vgCudnnConvFwdAlgoPerf *perfResults) {
	static const char call[] = "cudnnGetConvolutionForwardAlgorithm_v7";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, srcDesc, "x", filterDesc, "w", convDesc, destDesc, "y", &p)) {
		return r;
	}
	return algorithms(call, FWD, false, p, requestedAlgoCount, returnedAlgoCount, perfResults);
}

vgCudnnStatus cudnnFindConvolutionForwardAlgorithm(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc,
                                                   const vgCudnnFilterDesc wDesc, const vgCudnnConvDesc convDesc,
                                                   const vgCudnnTensorDesc yDesc, const int requestedAlgoCount,
                                                   int *returnedAlgoCount, vgCudnnConvFwdAlgoPerf *perfResults) {
	static const char call[] = "cudnnFindConvolutionForwardAlgorithm";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, xDesc, "x", wDesc, "w", convDesc, yDesc, "y", &p)) {
		return r;
	}
	return algorithms(call, FWD, true, p, requestedAlgoCount, returnedAlgoCount, perfResults);
}

vgCudnnStatus cudnnGetConvolutionForwardWorkspaceSize(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc,
                                                      const vgCudnnFilterDesc wDesc, const vgCudnnConvDesc convDesc,
                                                      const vgCudnnTensorDesc yDesc, vgCudnnConvFwdAlgo algo,
                                                      size_t *sizeInBytes) {
	static const char call[] = "cudnnGetConvolutionForwardWorkspaceSize";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, xDesc, "x", wDesc, "w", convDesc, yDesc, "y", &p)) {
		return r;
	}
	return workspaceSize(call, FWD, p, algo, sizeInBytes);
}

vgCudnnStatus cudnnConvolutionForward(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc xDesc,
                                      const void *x, const vgCudnnFilterDesc wDesc, const void *w,
                                      const vgCudnnConvDesc convDesc, vgCudnnConvFwdAlgo algo, void *workSpace,
                                      size_t workSpaceSizeInBytes, const void *beta, const vgCudnnTensorDesc yDesc,
                                      void *y) {
	static const char call[] = "cudnnConvolutionForward";
	DNN_FAULT(call, S_EXECUTION_FAILED);
	ConvProblem p;
	if (int r = convProblem(call, handle, xDesc, "x", wDesc, "w", convDesc, yDesc, "y", &p)) {
		return r;
	}
	return runConvolution(call, FWD, p, algo, alpha, beta, x, "x", w, "w", y, "y", workSpace, workSpaceSizeInBytes);
}

// ---- backward data ----

vgCudnnStatus cudnnGetConvolutionBackwardDataAlgorithmMaxCount(vgCudnnHandle handle, int *count) {
	return maxCount("cudnnGetConvolutionBackwardDataAlgorithmMaxCount", handle, count, BWD_DATA);
}

vgCudnnStatus cudnnGetConvolutionBackwardDataAlgorithm_v7(vgCudnnHandle handle, const vgCudnnFilterDesc filterDesc,
                                                          const vgCudnnTensorDesc diffDesc,
                                                          const vgCudnnConvDesc convDesc,
                                                          const vgCudnnTensorDesc gradDesc,
                                                          const int requestedAlgoCount, int *returnedAlgoCount,
                                                          vgCudnnConvBwdDataAlgoPerf *perfResults) {
	static const char call[] = "cudnnGetConvolutionBackwardDataAlgorithm_v7";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, gradDesc, "dx", filterDesc, "w", convDesc, diffDesc, "dy", &p)) {
		return r;
	}
	return algorithms(call, BWD_DATA, false, p, requestedAlgoCount, returnedAlgoCount, perfResults);
}

vgCudnnStatus cudnnFindConvolutionBackwardDataAlgorithm(vgCudnnHandle handle, const vgCudnnFilterDesc wDesc,
                                                        const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc,
                                                        const vgCudnnTensorDesc dxDesc, const int requestedAlgoCount,
                                                        int *returnedAlgoCount,
                                                        vgCudnnConvBwdDataAlgoPerf *perfResults) {
	static const char call[] = "cudnnFindConvolutionBackwardDataAlgorithm";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, dxDesc, "dx", wDesc, "w", convDesc, dyDesc, "dy", &p)) {
		return r;
	}
	return algorithms(call, BWD_DATA, true, p, requestedAlgoCount, returnedAlgoCount, perfResults);
}

vgCudnnStatus cudnnGetConvolutionBackwardDataWorkspaceSize(vgCudnnHandle handle, const vgCudnnFilterDesc wDesc,
                                                           const vgCudnnTensorDesc dyDesc,
                                                           const vgCudnnConvDesc convDesc,
                                                           const vgCudnnTensorDesc dxDesc, vgCudnnConvBwdDataAlgo algo,
                                                           size_t *sizeInBytes) {
	static const char call[] = "cudnnGetConvolutionBackwardDataWorkspaceSize";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, dxDesc, "dx", wDesc, "w", convDesc, dyDesc, "dy", &p)) {
		return r;
	}
	return workspaceSize(call, BWD_DATA, p, algo, sizeInBytes);
}

vgCudnnStatus cudnnConvolutionBackwardData(vgCudnnHandle handle, const void *alpha, const vgCudnnFilterDesc wDesc,
                                           const void *w, const vgCudnnTensorDesc dyDesc, const void *dy,
                                           const vgCudnnConvDesc convDesc, vgCudnnConvBwdDataAlgo algo,
                                           void *workSpace, size_t workSpaceSizeInBytes, const void *beta,
                                           const vgCudnnTensorDesc dxDesc, void *dx) {
	static const char call[] = "cudnnConvolutionBackwardData";
	DNN_FAULT(call, S_EXECUTION_FAILED);
	ConvProblem p;
	if (int r = convProblem(call, handle, dxDesc, "dx", wDesc, "w", convDesc, dyDesc, "dy", &p)) {
		return r;
	}
	return runConvolution(call, BWD_DATA, p, algo, alpha, beta, w, "w", dy, "dy", dx, "dx", workSpace,
	                      workSpaceSizeInBytes);
}

// ---- backward filter ----

vgCudnnStatus cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(vgCudnnHandle handle, int *count) {
	return maxCount("cudnnGetConvolutionBackwardFilterAlgorithmMaxCount", handle, count, BWD_FILTER);
}

vgCudnnStatus cudnnGetConvolutionBackwardFilterAlgorithm_v7(vgCudnnHandle handle, const vgCudnnTensorDesc srcDesc,
                                                            const vgCudnnTensorDesc diffDesc,
                                                            const vgCudnnConvDesc convDesc,
                                                            const vgCudnnFilterDesc gradDesc,
                                                            const int requestedAlgoCount, int *returnedAlgoCount,
                                                            vgCudnnConvBwdFilterAlgoPerf *perfResults) {
	static const char call[] = "cudnnGetConvolutionBackwardFilterAlgorithm_v7";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, srcDesc, "x", gradDesc, "dw", convDesc, diffDesc, "dy", &p)) {
		return r;
	}
	return algorithms(call, BWD_FILTER, false, p, requestedAlgoCount, returnedAlgoCount, perfResults);
}

vgCudnnStatus cudnnFindConvolutionBackwardFilterAlgorithm(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc,
                                                          const vgCudnnTensorDesc dyDesc,
                                                          const vgCudnnConvDesc convDesc,
                                                          const vgCudnnFilterDesc dwDesc, const int requestedAlgoCount,
                                                          int *returnedAlgoCount,
                                                          vgCudnnConvBwdFilterAlgoPerf *perfResults) {
	static const char call[] = "cudnnFindConvolutionBackwardFilterAlgorithm";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, xDesc, "x", dwDesc, "dw", convDesc, dyDesc, "dy", &p)) {
		return r;
	}
	return algorithms(call, BWD_FILTER, true, p, requestedAlgoCount, returnedAlgoCount, perfResults);
}

vgCudnnStatus cudnnGetConvolutionBackwardFilterWorkspaceSize(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc,
                                                             const vgCudnnTensorDesc dyDesc,
                                                             const vgCudnnConvDesc convDesc,
                                                             const vgCudnnFilterDesc gradDesc,
                                                             vgCudnnConvBwdFilterAlgo algo, size_t *sizeInBytes) {
	static const char call[] = "cudnnGetConvolutionBackwardFilterWorkspaceSize";
	DNN_FAULT(call, S_INTERNAL);
	ConvProblem p;
	if (int r = convProblem(call, handle, xDesc, "x", gradDesc, "dw", convDesc, dyDesc, "dy", &p)) {
		return r;
	}
	return workspaceSize(call, BWD_FILTER, p, algo, sizeInBytes);
}

vgCudnnStatus cudnnConvolutionBackwardFilter(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc xDesc,
                                             const void *x, const vgCudnnTensorDesc dyDesc, const void *dy,
                                             const vgCudnnConvDesc convDesc, vgCudnnConvBwdFilterAlgo algo,
                                             void *workSpace, size_t workSpaceSizeInBytes, const void *beta,
                                             const vgCudnnFilterDesc dwDesc, void *dw) {
	static const char call[] = "cudnnConvolutionBackwardFilter";
	DNN_FAULT(call, S_EXECUTION_FAILED);
	ConvProblem p;
	if (int r = convProblem(call, handle, xDesc, "x", dwDesc, "dw", convDesc, dyDesc, "dy", &p)) {
		return r;
	}
	return runConvolution(call, BWD_FILTER, p, algo, alpha, beta, x, "x", dy, "dy", dw, "dw", workSpace,
	                      workSpaceSizeInBytes);
}

vgCudnnStatus cudnnConvolutionBackwardBias(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc dyDesc,
                                           const void *dy, const void *beta, const vgCudnnTensorDesc dbDesc,
                                           void *db) {
	static const char call[] = "cudnnConvolutionBackwardBias";
	DNN_FAULT(call, S_EXECUTION_FAILED);
	cudnnContext hs;
	cudnnTensorStruct dyt, dbt;
	if (int r = getHandle(call, handle, &hs)) {
		return r;
	}
	if (int r = getTensor(call, "dy", dyDesc, &dyt)) {
		return r;
	}
	if (int r = getTensor(call, "db", dbDesc, &dbt)) {
		return r;
	}
	if (dbt.n != 1 || dbt.c != dyt.c || dbt.h != 1 || dbt.w != 1) {
		return fail(S_BAD_PARAM, call, "db is (%d,%d,%d,%d), not (1,%d,1,1)", dbt.n, dbt.c, dbt.h, dbt.w, dyt.c);
	}
	if (int r = needFloatNCHW(call, "dy", dyt.dtype, dyt.format)) {
		return r;
	}
	if (int r = needFloatNCHW(call, "db", dbt.dtype, dbt.format)) {
		return r;
	}
	float al = 0, be = 0;
	if (int r = scalars(call, alpha, beta, &al, &be)) {
		return r;
	}
	if (int r = needContext(call)) {
		return r;
	}
	if (int r = checkRange(call, "dy", dy, static_cast<size_t>(numel(dyt)) * 4)) {
		return r;
	}
	if (int r = checkRange(call, "db", db, static_cast<size_t>(dbt.c) * 4)) {
		return r;
	}
	auto *job = newJob<BiasJob>(int64_t{dyt.n}, int64_t{dyt.c}, int64_t{dyt.h} * dyt.w, al, be,
	                            static_cast<const float *>(dy), static_cast<float *>(db));
	if (job == nullptr) {
		return fail(S_INTERNAL, call, "out of host memory");
	}
	return enqueue<runBias>(call, hs.stream, job);
}

// ---- activation ----

vgCudnnStatus cudnnCreateActivationDescriptor(vgCudnnActivationDesc *activationDesc) {
	static const char call[] = "cudnnCreateActivationDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	return createObject(call, activationDesc, K_ACT, cudnnActivationStruct{});
}

vgCudnnStatus cudnnSetActivationDescriptor(vgCudnnActivationDesc activationDesc, vgCudnnActivationMode mode,
                                           vgCudnnNanPropagation reluNanOpt, double coef) {
	static const char call[] = "cudnnSetActivationDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	if (mode < A_SIGMOID || mode > A_SWISH) {
		return fail(S_BAD_PARAM, call, "unknown cudnnActivationMode_t %d", mode);
	}
	if (reluNanOpt != 0 && reluNanOpt != 1) {
		return fail(S_BAD_PARAM, call, "unknown cudnnNanPropagation_t %d", reluNanOpt);
	}
	// coef: "ceiling for clipped RELU, alpha for ELU" (cudnn_ops.h:1410);
	// other modes ignore it. Swish uses its default beta of 1.
	if (!update(activationDesc, K_ACT,
	            [&](cudnnActivationStruct &a) { a = cudnnActivationStruct{true, mode, reluNanOpt, coef}; })) {
		return fail(S_BAD_PARAM, call, "%p is not a live activation descriptor", static_cast<void *>(activationDesc));
	}
	return S_OK;
}

vgCudnnStatus cudnnDestroyActivationDescriptor(vgCudnnActivationDesc activationDesc) {
	static const char call[] = "cudnnDestroyActivationDescriptor";
	DNN_FAULT(call, S_INTERNAL);
	return destroyObject(call, activationDesc, K_ACT);
}

vgCudnnStatus cudnnActivationForward(vgCudnnHandle handle, vgCudnnActivationDesc activationDesc, const void *alpha,
                                     const vgCudnnTensorDesc xDesc, const void *x, const void *beta,
                                     const vgCudnnTensorDesc yDesc, void *y) {
	static const char call[] = "cudnnActivationForward";
	DNN_FAULT(call, S_EXECUTION_FAILED);
	cudnnContext hs;
	cudnnActivationStruct act;
	cudnnTensorStruct xt, yt;
	if (int r = getHandle(call, handle, &hs)) {
		return r;
	}
	if (int r = getActivation(call, activationDesc, &act)) {
		return r;
	}
	if (int r = getTensor(call, "x", xDesc, &xt)) {
		return r;
	}
	if (int r = getTensor(call, "y", yDesc, &yt)) {
		return r;
	}
	if (int r = sameDims(call, "x", xt, "y", yt)) {
		return r;
	}
	if (int r = needFloatNCHW(call, "x", xt.dtype, xt.format)) {
		return r;
	}
	if (int r = needFloatNCHW(call, "y", yt.dtype, yt.format)) {
		return r;
	}
	float al = 0, be = 0;
	if (int r = scalars(call, alpha, beta, &al, &be)) {
		return r;
	}
	if (int r = needContext(call)) {
		return r;
	}
	const size_t bytes = static_cast<size_t>(numel(xt)) * 4;
	if (int r = checkRange(call, "x", x, bytes)) {
		return r;
	}
	if (int r = checkRange(call, "y", y, bytes)) {
		return r;
	}
	auto *job = newJob<ActJob>(act, false, al, be, numel(xt), static_cast<const float *>(x), nullptr, nullptr,
	                           static_cast<float *>(y));
	if (job == nullptr) {
		return fail(S_INTERNAL, call, "out of host memory");
	}
	return enqueue<runAct>(call, hs.stream, job);
}

vgCudnnStatus cudnnActivationBackward(vgCudnnHandle handle, vgCudnnActivationDesc activationDesc, const void *alpha,
                                      const vgCudnnTensorDesc yDesc, const void *y, const vgCudnnTensorDesc dyDesc,
                                      const void *dy, const vgCudnnTensorDesc xDesc, const void *x, const void *beta,
                                      const vgCudnnTensorDesc dxDesc, void *dx) {
	static const char call[] = "cudnnActivationBackward";
	DNN_FAULT(call, S_EXECUTION_FAILED);
	cudnnContext hs;
	cudnnActivationStruct act;
	cudnnTensorStruct yt, dyt, xt, dxt;
	if (int r = getHandle(call, handle, &hs)) {
		return r;
	}
	if (int r = getActivation(call, activationDesc, &act)) {
		return r;
	}
	if (int r = getTensor(call, "y", yDesc, &yt)) {
		return r;
	}
	if (int r = getTensor(call, "dy", dyDesc, &dyt)) {
		return r;
	}
	if (int r = getTensor(call, "x", xDesc, &xt)) {
		return r;
	}
	if (int r = getTensor(call, "dx", dxDesc, &dxt)) {
		return r;
	}
	for (const auto &[name, t] : {std::pair<const char *, const cudnnTensorStruct &>{"dy", dyt}, {"x", xt}, {"dx", dxt}}) {
		if (int r = sameDims(call, "y", yt, name, t)) {
			return r;
		}
		if (int r = needFloatNCHW(call, name, t.dtype, t.format)) {
			return r;
		}
	}
	if (int r = needFloatNCHW(call, "y", yt.dtype, yt.format)) {
		return r;
	}
	float al = 0, be = 0;
	if (int r = scalars(call, alpha, beta, &al, &be)) {
		return r;
	}
	if (int r = needContext(call)) {
		return r;
	}
	const size_t bytes = static_cast<size_t>(numel(yt)) * 4;
	const void *ptrs[] = {y, dy, x, dx};
	const char *names[] = {"y", "dy", "x", "dx"};
	for (int i = 0; i < 4; i++) {
		if (int r = checkRange(call, names[i], ptrs[i], bytes)) {
			return r;
		}
	}
	auto *job = newJob<ActJob>(act, true, al, be, numel(yt), static_cast<const float *>(x), static_cast<const float *>(y),
	                           static_cast<const float *>(dy), static_cast<float *>(dx));
	if (job == nullptr) {
		return fail(S_INTERNAL, call, "out of host memory");
	}
	return enqueue<runAct>(call, hs.stream, job);
}

}  // extern "C"

// Every export has exactly the binding's prototype (decl.h, vg_pfn_<name>),
// and the perf struct is NVIDIA's 48 bytes (cudnn_cnn.h:100-108).
static_assert(sizeof(vgCudnnConvFwdAlgoPerf) == 48 && offsetof(vgCudnnConvFwdAlgoPerf, memory) == 16 &&
                  offsetof(vgCudnnConvFwdAlgoPerf, mathType) == 28 && offsetof(vgCudnnConvFwdAlgoPerf, reserved) == 32,
              "cudnnConvolution*AlgoPerf_t layout");
static_assert(std::is_same_v<vgCudnnConvFwdAlgoPerf, vgCudnnConvBwdDataAlgoPerf> &&
                  std::is_same_v<vgCudnnConvFwdAlgoPerf, vgCudnnConvBwdFilterAlgoPerf>,
              "the three perf structs share one layout");
#define DNN_SAME_AS_BINDING(name) \
	static_assert(std::is_same_v<decltype(&name), vg_pfn_##name>, #name " differs from internal/cuda/decl.h")
DNN_SAME_AS_BINDING(cudnnGetVersion);
DNN_SAME_AS_BINDING(cudnnGetCudartVersion);
DNN_SAME_AS_BINDING(cudnnGetErrorString);
DNN_SAME_AS_BINDING(cudnnCreate);
DNN_SAME_AS_BINDING(cudnnDestroy);
DNN_SAME_AS_BINDING(cudnnSetStream);
DNN_SAME_AS_BINDING(cudnnCreateTensorDescriptor);
DNN_SAME_AS_BINDING(cudnnSetTensor4dDescriptor);
DNN_SAME_AS_BINDING(cudnnDestroyTensorDescriptor);
DNN_SAME_AS_BINDING(cudnnCreateFilterDescriptor);
DNN_SAME_AS_BINDING(cudnnSetFilter4dDescriptor);
DNN_SAME_AS_BINDING(cudnnDestroyFilterDescriptor);
DNN_SAME_AS_BINDING(cudnnCreateConvolutionDescriptor);
DNN_SAME_AS_BINDING(cudnnSetConvolution2dDescriptor);
DNN_SAME_AS_BINDING(cudnnSetConvolutionMathType);
DNN_SAME_AS_BINDING(cudnnDestroyConvolutionDescriptor);
DNN_SAME_AS_BINDING(cudnnGetConvolutionForwardAlgorithmMaxCount);
DNN_SAME_AS_BINDING(cudnnGetConvolutionForwardAlgorithm_v7);
DNN_SAME_AS_BINDING(cudnnFindConvolutionForwardAlgorithm);
DNN_SAME_AS_BINDING(cudnnGetConvolutionForwardWorkspaceSize);
DNN_SAME_AS_BINDING(cudnnConvolutionForward);
DNN_SAME_AS_BINDING(cudnnGetConvolutionBackwardDataAlgorithmMaxCount);
DNN_SAME_AS_BINDING(cudnnGetConvolutionBackwardDataAlgorithm_v7);
DNN_SAME_AS_BINDING(cudnnFindConvolutionBackwardDataAlgorithm);
DNN_SAME_AS_BINDING(cudnnGetConvolutionBackwardDataWorkspaceSize);
DNN_SAME_AS_BINDING(cudnnConvolutionBackwardData);
DNN_SAME_AS_BINDING(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount);
DNN_SAME_AS_BINDING(cudnnGetConvolutionBackwardFilterAlgorithm_v7);
DNN_SAME_AS_BINDING(cudnnFindConvolutionBackwardFilterAlgorithm);
DNN_SAME_AS_BINDING(cudnnGetConvolutionBackwardFilterWorkspaceSize);
DNN_SAME_AS_BINDING(cudnnConvolutionBackwardFilter);
DNN_SAME_AS_BINDING(cudnnConvolutionBackwardBias);
DNN_SAME_AS_BINDING(cudnnCreateActivationDescriptor);
DNN_SAME_AS_BINDING(cudnnSetActivationDescriptor);
DNN_SAME_AS_BINDING(cudnnDestroyActivationDescriptor);
DNN_SAME_AS_BINDING(cudnnActivationForward);
DNN_SAME_AS_BINDING(cudnnActivationBackward);
