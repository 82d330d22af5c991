/*
 * prelude.h: the text the stand-in NVRTC puts in front of every program, so
 * that CUDA C compiles as host C++ with the block semantics of spec section 2:
 *
 *   - threadIdx is thread-local (each CUDA thread is an OS thread of the
 *     driver's block pool); blockIdx, blockDim and gridDim are module
 *     globals, because the driver runs one block at a time;
 *   - __shared__ variables are statics in a per-kernel section that the
 *     driver fills with NaN words before each block (shared memory is not
 *     initialised on the device either);
 *   - __syncthreads() is the driver's barrier, which detects threads that
 *     return while others wait, or wait at different __syncthreads;
 *   - atomicAdd and friends are atomic across all threads of all blocks.
 *
 * nvrtc.cc inserts the stringified kernel_abi.h between vgsk_prelude_head and
 * vgsk_prelude_body. Nothing here may warn under g++'s default warnings: the
 * compile log of a clean program must stay empty, as NVIDIA's is.
 */
#ifndef VGSI_PRELUDE_H
#define VGSI_PRELUDE_H

static const char vgsk_prelude_head[] = R"VGSK(// vggo CPU stand-in: CUDA C as host C++ (prelude, not part of the program)
#pragma GCC system_header
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
)VGSK";

static const char vgsk_prelude_body[] = R"VGSK(
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __restrict__ __restrict
#define __align__(n) __attribute__((aligned(n)))
#define __constant__
/* The stand-in NVRTC rewrites __shared__ inside kernel K to
 * VGSK_SHARED_IN(K); what remains (in __device__ functions) goes to the
 * module-wide section. */
#define VGSK_SHARED_IN(k) static __attribute__((section("vgsk_sh_" #k), aligned(16)))
#define __shared__ static __attribute__((section("vgsk_shared"), aligned(16)))

struct uint3 {
	unsigned x, y, z;
};
struct dim3 {
	unsigned x, y, z;
	dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {}
	dim3(const vgsk_dim &d) : x(d.x), y(d.y), z(d.z) {}
};

static thread_local uint3 vgsk_thread_idx;
static uint3 vgsk_block_idx;
static dim3 vgsk_block_dim, vgsk_grid_dim;
static const vgsk_driver_api *vgsk_api;

/* The built-in variables are read-only in CUDA: const lvalues here. */
#define threadIdx (static_cast<const uint3 &>(vgsk_thread_idx))
#define blockIdx (static_cast<const uint3 &>(vgsk_block_idx))
#define blockDim (static_cast<const dim3 &>(vgsk_block_dim))
#define gridDim (static_cast<const dim3 &>(vgsk_grid_dim))
static const int warpSize = 32;

/* Thrown out of __syncthreads when the block has failed, caught by
 * run_thread: the thread leaves the kernel as a faulting GPU thread would. */
struct vgsk_abort {};

static inline void vgsk_syncthreads(const char *site)
{
	if (vgsk_api->barrier(site) != 0)
		throw vgsk_abort();
}
#define VGSK_STR2(x) #x
#define VGSK_STR(x) VGSK_STR2(x)
#define __syncthreads() vgsk_syncthreads(__FILE__ ":" VGSK_STR(__LINE__))
static inline void __threadfence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void __threadfence_block(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

/* Atomics: sequentially consistent, across every thread of every block.
 * Floating-point adds are compare-and-swap loops on the value's bits (the
 * device's native float and double atomicAdd round the same way). */
template <typename T> static inline T vgsk_atomic_fp_add(T *p, T v)
{
	T old, sum;
	__atomic_load(p, &old, __ATOMIC_RELAXED);
	do
		sum = old + v;
	while (!__atomic_compare_exchange(p, &old, &sum, true, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return old;
}
static inline float atomicAdd(float *p, float v) { return vgsk_atomic_fp_add(p, v); }
static inline double atomicAdd(double *p, double v) { return vgsk_atomic_fp_add(p, v); }
static inline int atomicAdd(int *p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline unsigned atomicAdd(unsigned *p, unsigned v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline unsigned long long atomicAdd(unsigned long long *p, unsigned long long v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline int atomicSub(int *p, int v) { return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST); }
static inline unsigned atomicSub(unsigned *p, unsigned v) { return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST); }
static inline int atomicExch(int *p, int v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline unsigned atomicExch(unsigned *p, unsigned v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline unsigned long long atomicExch(unsigned long long *p, unsigned long long v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline float atomicExch(float *p, float v) { float o; __atomic_exchange(p, &v, &o, __ATOMIC_SEQ_CST); return o; }
template <typename T> static inline T vgsk_atomic_minmax(T *p, T v, bool want_max)
{
	T old = __atomic_load_n(p, __ATOMIC_RELAXED);
	while ((want_max ? v > old : v < old) &&
		!__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
	}
	return old;
}
static inline int atomicMax(int *p, int v) { return vgsk_atomic_minmax(p, v, true); }
static inline unsigned atomicMax(unsigned *p, unsigned v) { return vgsk_atomic_minmax(p, v, true); }
static inline int atomicMin(int *p, int v) { return vgsk_atomic_minmax(p, v, false); }
static inline unsigned atomicMin(unsigned *p, unsigned v) { return vgsk_atomic_minmax(p, v, false); }
static inline int atomicAnd(int *p, int v) { return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); }
static inline int atomicOr(int *p, int v) { return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }
static inline int atomicXor(int *p, int v) { return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); }
template <typename T> static inline T vgsk_atomic_cas(T *p, T cmp, T v)
{
	__atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return cmp;
}
static inline int atomicCAS(int *p, int c, int v) { return vgsk_atomic_cas(p, c, v); }
static inline unsigned atomicCAS(unsigned *p, unsigned c, unsigned v) { return vgsk_atomic_cas(p, c, v); }
static inline unsigned long long atomicCAS(unsigned long long *p, unsigned long long c, unsigned long long v) { return vgsk_atomic_cas(p, c, v); }

/* Device math and bit functions with their IEEE host equivalents (the
 * approximate __ intrinsics are computed exactly, which is within their
 * documented error). */
static inline int min(int a, int b) { return a < b ? a : b; }
static inline int max(int a, int b) { return a > b ? a : b; }
static inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
static inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
static inline long long min(long long a, long long b) { return a < b ? a : b; }
static inline long long max(long long a, long long b) { return a > b ? a : b; }
static inline unsigned long long min(unsigned long long a, unsigned long long b) { return a < b ? a : b; }
static inline unsigned long long max(unsigned long long a, unsigned long long b) { return a > b ? a : b; }
static inline float min(float a, float b) { return fminf(a, b); }
static inline float max(float a, float b) { return fmaxf(a, b); }
static inline double min(double a, double b) { return fmin(a, b); }
static inline double max(double a, double b) { return fmax(a, b); }
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
static inline double rsqrt(double x) { return 1.0 / sqrt(x); }
static inline float __fdividef(float a, float b) { return a / b; }
/* glibc declares these names itself; the macros keep its declarations. */
#define __expf expf
#define __logf logf
#define __powf powf
#define __sinf sinf
#define __cosf cosf
static inline float __saturatef(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : (x == x ? x : 0.0f)); }
static inline int __float_as_int(float x) { int i; memcpy(&i, &x, 4); return i; }
static inline unsigned __float_as_uint(float x) { unsigned i; memcpy(&i, &x, 4); return i; }
static inline float __int_as_float(int i) { float x; memcpy(&x, &i, 4); return x; }
static inline float __uint_as_float(unsigned i) { float x; memcpy(&x, &i, 4); return x; }
static inline long long __double_as_longlong(double x) { long long i; memcpy(&i, &x, 8); return i; }
static inline double __longlong_as_double(long long i) { double x; memcpy(&x, &i, 8); return x; }
static inline int __popc(unsigned x) { return __builtin_popcount(x); }
static inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
static inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned)x); }
static inline int __ffs(int x) { return __builtin_ffs(x); }
static inline int __mul24(int a, int b) { return (int)((long long)(a << 8 >> 8) * (b << 8 >> 8)); }
template <typename T> static inline T __ldg(const T *p) { return *p; }

/* The trampolines: a kernel's parameter list comes from its function type,
 * so every argument is passed with its own C++ type (a float in an XMM
 * register, a struct by value), never through a generic word array. */
template <unsigned... I> struct vgsk_seq {};
template <unsigned N, unsigned... I> struct vgsk_make_seq : vgsk_make_seq<N - 1, N - 1, I...> {};
template <unsigned... I> struct vgsk_make_seq<0, I...> {
	typedef vgsk_seq<I...> type;
};
template <typename T> struct vgsk_is_pointer {
	static const unsigned char value = 0;
};
template <typename T> struct vgsk_is_pointer<T *> {
	static const unsigned char value = 1;
};
template <typename F> struct vgsk_params;
template <typename... A> struct vgsk_params<void (*)(A...)> {
	static const unsigned n = sizeof...(A);
	static const unsigned size[sizeof...(A) + 1];
	static const unsigned align[sizeof...(A) + 1];
	static const unsigned char is_pointer[sizeof...(A) + 1];
	template <unsigned... I> static void call(void (*f)(A...), void *const *p, vgsk_seq<I...>)
	{
		f(*static_cast<A *>(p[I])...);
	}
	static void entry(void (*f)(A...), void *const *p) { call(f, p, typename vgsk_make_seq<sizeof...(A)>::type()); }
};
template <typename... A> const unsigned vgsk_params<void (*)(A...)>::size[] = {(unsigned)sizeof(A)..., 0};
template <typename... A> const unsigned vgsk_params<void (*)(A...)>::align[] = {(unsigned)alignof(A)..., 0};
template <typename... A> const unsigned char vgsk_params<void (*)(A...)>::is_pointer[] = {vgsk_is_pointer<A>::value..., 0};
#if defined(__cpp_noexcept_function_type)
template <typename... A> struct vgsk_params<void (*)(A...) noexcept> : vgsk_params<void (*)(A...)> {};
#endif

static void vgsk_set_block(const vgsk_dim *b, const vgsk_dim *bd, const vgsk_dim *gd, const vgsk_driver_api *api)
{
	vgsk_block_idx.x = b->x;
	vgsk_block_idx.y = b->y;
	vgsk_block_idx.z = b->z;
	vgsk_block_dim = dim3(*bd);
	vgsk_grid_dim = dim3(*gd);
	vgsk_api = api;
}

static int vgsk_run_thread(const vgsk_kernel_info *k, void *const *param, const vgsk_dim *t)
{
	vgsk_thread_idx.x = t->x;
	vgsk_thread_idx.y = t->y;
	vgsk_thread_idx.z = t->z;
	try {
		k->entry(param);
	} catch (vgsk_abort &) {
		return 1;
	} catch (...) {
		return 2;
	}
	return 0;
}
)VGSK";

#endif
