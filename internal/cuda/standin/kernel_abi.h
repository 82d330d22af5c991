/*
 * kernel_abi.h: the interface between the stand-in libcuda.so.1 and the
 * kernel modules that the stand-in libnvrtc.so.13 builds (host shared
 * objects compiled from CUDA C with prelude.h).
 *
 * One definition serves both sides: the driver includes this file as code;
 * nvrtc.cc includes it with VGSK_ABI defined to stringify its argument and
 * pastes the text into every module's prelude, so a module and the driver
 * that loads it cannot disagree (the version field guards against images
 * built by another stand-in release).
 *
 * A module exports exactly one symbol, vgsk_module (C linkage), returning
 * its vgsk_module_info. The driver runs one block of one kernel at a time
 * (process-wide): it calls set_block once per block, then run_thread on
 * blockDim.x*y*z pool threads, each with its own threadIdx.
 */
#ifndef VGSK_ABI
#define VGSK_ABI(...) __VA_ARGS__
#define VGSK_ABI_AS_CODE 1
#endif

VGSK_ABI(
enum { vgsk_abi_version = 1, vgsk_max_params = 128 };

struct vgsk_dim {
	unsigned x, y, z;
};

/* What the driver offers a running kernel. barrier is __syncthreads: it
 * returns 0 when every thread of the block has arrived at the same
 * __syncthreads, non-zero when the block has failed (a thread returned while
 * others wait, threads wait at different barriers, or a fault), in which
 * case the prelude unwinds the thread out of the kernel. site names the
 * __syncthreads call ("file:line"). */
struct vgsk_driver_api {
	int (*barrier)(const char *site);
};

/* One extern "C" __global__ function. entry is its trampoline: it calls the
 * kernel with param[i] pointing at the bytes of parameter i. The parameter
 * sizes, alignments and pointer-ness come from the kernel's own C++ type (the
 * compiler deduces them), so the driver copies exactly what the kernel
 * takes, as the real driver does from the image's parameter table.
 * shared_begin/end bound the kernel's own static __shared__ variables
 * (NULL when it has none). */
struct vgsk_kernel_info {
	const char *name;
	void (*entry)(void *const *param);
	unsigned nparams;
	const unsigned *param_size;
	const unsigned *param_align;
	const unsigned char *param_is_pointer;
	char *shared_begin;
	char *shared_end;
};

/* The module. shared_begin/end bound the __shared__ variables declared
 * outside any kernel body (in __device__ functions): every kernel counts
 * them. set_block publishes the block's blockIdx, blockDim and gridDim (one
 * block runs at a time, so these are plain module globals); run_thread runs
 * the kernel as thread thread_idx of that block and returns 0, 1 when the
 * block failed at a barrier, or 2 when the kernel threw a C++ exception. */
struct vgsk_module_info {
	unsigned abi_version;
	unsigned arch;
	unsigned nkernels;
	const struct vgsk_kernel_info *kernels;
	char *shared_begin;
	char *shared_end;
	void (*set_block)(const struct vgsk_dim *block_idx, const struct vgsk_dim *block_dim,
		const struct vgsk_dim *grid_dim, const struct vgsk_driver_api *api);
	int (*run_thread)(const struct vgsk_kernel_info *k, void *const *param, const struct vgsk_dim *thread_idx);
};
)

#ifdef VGSK_ABI_AS_CODE
#undef VGSK_ABI
#undef VGSK_ABI_AS_CODE
#endif
