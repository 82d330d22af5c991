/*
 * driver.cc: the CUDA driver API of the stand-in libcuda.so.1 (the 40
 * symbols of internal/cuda's DriverSymbols, spec section 1.1) and the vgsi_
 * interface of standin.h for the stand-in cuBLAS and cuDNN.
 *
 * Every exported function is checked at compile time against the binding's
 * prototype in internal/cuda/decl.h (CHECK_PROTO), which abi_check.c proves
 * equal to NVIDIA's cuda.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <type_traits>

#include "cuda_errors.h"
#include "driver_internal.h"
#include "standin.h"

extern "C" {
#include "decl.h"
}

#define EXPORT extern "C" __attribute__((visibility("default")))
#define CHECK_PROTO(sym) \
	static_assert(std::is_same_v<decltype(&sym), vg_pfn_##sym>, #sym " differs from internal/cuda/decl.h")

namespace vgsi {

namespace {

thread_local Context *t_ctx = nullptr;
thread_local std::string t_last_error;

constexpr size_t kPage = 4096;
constexpr size_t kAlign = 256;           // cuMemAlloc: "suitably aligned for any kind of variable"; 256 as NVIDIA's
constexpr size_t kQuarantineMax = 4096;  // freed allocations kept PROT_NONE
constexpr size_t kQuarantineSpan = size_t(64) << 30;
constexpr uint32_t kPoison = 0x7FC00001; // a quiet NaN

long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	if (v == nullptr || *v == '\0')
		return def;
	char *end = nullptr;
	long n = strtol(v, &end, 0);
	return (end != nullptr && *end == '\0') ? n : def;
}

std::string env_str(const char *name)
{
	const char *v = getenv(name);
	return v ? v : "";
}

void read_knobs(Knobs *k)
{
	k->verbose = env_long("VGGO_STANDIN_VERBOSE", 0) != 0;
	k->log_path = env_str("VGGO_STANDIN_LOG");
	k->leaks_path = env_str("VGGO_STANDIN_LEAKS");
	k->delay_us = std::max(0L, env_long("VGGO_STANDIN_STREAM_DELAY_US", 0));
	k->defer = env_long("VGGO_STANDIN_DEFER", 0) != 0;
	k->fail_alloc = env_long("VGGO_STANDIN_FAIL_ALLOC", 0);
	k->fail_launch = env_long("VGGO_STANDIN_FAIL_LAUNCH", 0);
	k->fail_cublas = env_long("VGGO_STANDIN_FAIL_CUBLAS", 0);
	k->fail_cudnn = env_long("VGGO_STANDIN_FAIL_CUDNN", 0);
	k->seed = (uint64_t)env_long("VGGO_STANDIN_SEED", 0x5eed);
	k->lazy_threads = env_str("VGGO_STANDIN_THREADS") == "lazy";
}

void fill_poison(void *p, size_t n)
{
	uint32_t *w = static_cast<uint32_t *>(p);
	for (size_t i = 0; i < n / 4; i++)
		w[i] = kPoison;
}

/* The checks every context-needing call makes first: cuInit (3), a current
 * context on this thread (201), still initialised (709: "a primary context
 * which has not yet been initialized", cuda.h CUDA_ERROR_CONTEXT_IS_DESTROYED),
 * and no sticky error from a fault in earlier work (700/719...). */
int need_ctx(const char *call, Context **out)
{
	Driver &d = drv();
	if (!d.inited.load())
		return fail(kNotInitialized, call, "cuInit has not been called");
	Context *c = t_ctx;
	if (c == nullptr)
		return fail(kInvalidContext, call, "no context is current on this OS thread (cuCtxSetCurrent)");
	if (!c->active)
		return fail(kContextIsDestroyed, call,
			"the thread's current context is a primary context that has been released to 0 and reset");
	if (int s = c->sticky.load()) {
		std::lock_guard<std::mutex> g(d.mu);
		return fail(s, call, "the context has a sticky error from earlier work: " + c->sticky_why);
	}
	*out = c;
	return kSuccess;
}

int need_init(const char *call)
{
	if (!drv().inited.load())
		return fail(kNotInitialized, call, "cuInit has not been called");
	return kSuccess;
}

int check_device(const char *call, int dev)
{
	if (dev < 0 || dev >= drv().ndev)
		return fail(kInvalidDevice, call, "device " + std::to_string(dev) + " does not exist (" +
			std::to_string(drv().ndev) + " stand-in device(s); VGGO_STANDIN_DEVICES)");
	return kSuccess;
}

/* The allocation whose mapping contains a, or nullptr. */
const Alloc *find_alloc_locked(uintptr_t a)
{
	Driver &d = drv();
	auto it = d.allocs.upper_bound(a);
	if (it == d.allocs.begin())
		return nullptr;
	--it;
	const Alloc &al = it->second;
	if (a >= al.map && a < al.map + al.maplen)
		return &al;
	return nullptr;
}

const Pinned *find_pinned_locked(uintptr_t a)
{
	Driver &d = drv();
	auto it = d.pinned.upper_bound(a);
	if (it == d.pinned.begin())
		return nullptr;
	--it;
	if (a >= it->second.base && a < it->second.base + it->second.size)
		return &it->second;
	return nullptr;
}

std::string alloc_name(const Alloc &a)
{
	return "allocation #" + std::to_string(a.serial) + " at " + hex(a.base) + " (" + std::to_string(a.size) + " bytes)";
}

/* Checks that [p, p+n) lies inside one live device allocation of ctx
 * (spec 1.0: every call taking device pointers). On success *base is the
 * allocation's base. */
int check_range_locked(Context *ctx, uintptr_t p, size_t n, const char *call, const std::string &what, uintptr_t *base)
{
	if (n == 0)
		return kSuccess;
	std::string arg = what + " " + hex(p) + " (" + std::to_string(n) + " bytes)";
	if (p + n < p)
		return fail(kInvalidValue, call, arg + ": the range wraps around the address space");
	const Alloc *a = find_alloc_locked(p);
	if (a == nullptr) {
		if (find_pinned_locked(p) != nullptr)
			return fail(kInvalidValue, call, arg + " is pinned host memory (cuMemAllocHost), not device memory");
		return fail(kInvalidValue, call, arg + " is not device memory (a host pointer, or never allocated)");
	}
	if (!a->live)
		return fail(kInvalidValue, call, arg + " is in freed " + alloc_name(*a) + ": use after cuMemFree");
	if (a->ctx != ctx)
		return fail(kInvalidValue, call, arg + " belongs to another context");
	if (p < a->base)
		return fail(kInvalidValue, call, arg + " starts " + std::to_string(a->base - p) + " bytes before " + alloc_name(*a));
	if (p >= a->base + a->size)
		return fail(kInvalidValue, call, arg + " starts " + std::to_string(p - a->base - a->size) +
			" bytes past the end of " + alloc_name(*a));
	if (p + n > a->base + a->size)
		return fail(kInvalidValue, call, arg + " runs " + std::to_string(p + n - a->base - a->size) +
			" bytes past the end of " + alloc_name(*a));
	if (base)
		*base = a->base;
	return kSuccess;
}

/* Host memory for an async copy: 1 when [p, p+n) lies in one pinned
 * allocation (the copy touches it at execution time), 0 when it is pageable,
 * or an error when it starts in pinned memory and runs past its end. */
int classify_host_locked(uintptr_t p, size_t n, const char *call, const char *what, bool *is_pinned)
{
	const Pinned *pn = find_pinned_locked(p);
	*is_pinned = pn != nullptr;
	if (pn && p + n > pn->base + pn->size)
		return fail(kInvalidValue, call, std::string(what) + " " + hex(p) + " (" + std::to_string(n) +
			" bytes) runs " + std::to_string(p + n - pn->base - pn->size) + " bytes past the end of the pinned buffer at " +
			hex(pn->base) + " (" + std::to_string(pn->size) + " bytes)");
	if (!pn && find_alloc_locked(p) != nullptr)
		return fail(kInvalidValue, call, std::string(what) + " " + hex(p) + " is device memory, passed as host memory");
	return kSuccess;
}

std::shared_ptr<Stream> legacy_locked(Context *c)
{
	if (!c->legacy)
		c->legacy = start_stream(c, 0, 0, true);
	return c->legacy;
}

/* CUstream to stream: NULL and CU_STREAM_LEGACY (cuda.h:457, 0x1) are the
 * legacy default stream; CU_STREAM_PER_THREAD (0x2) is not modelled. */
int find_stream_locked(Context *c, vgCUstream h, const char *call, std::shared_ptr<Stream> *out)
{
	uintptr_t v = reinterpret_cast<uintptr_t>(h);
	if (v == 0 || v == 1) {
		*out = legacy_locked(c);
		return kSuccess;
	}
	if (v == 2)
		return fail(kInvalidHandle, call, "CU_STREAM_PER_THREAD is not supported by the CPU stand-in");
	auto it = c->streams.find(v);
	if (it == c->streams.end())
		return fail(kInvalidHandle, call, "stream " + hex(v) + " is not a live stream of the current context");
	*out = it->second;
	return kSuccess;
}

int find_event_locked(Context *c, vgCUevent h, const char *call, std::shared_ptr<Event> *out)
{
	auto it = c->events.find(reinterpret_cast<uintptr_t>(h));
	if (h == nullptr || it == c->events.end())
		return fail(kInvalidHandle, call, "event " + hex(reinterpret_cast<uintptr_t>(h)) + " is not a live event of the current context");
	*out = it->second;
	return kSuccess;
}

double now_ms()
{
	using namespace std::chrono;
	return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

/* Enqueues op on s and, for a synchronous call, waits for it. */
int submit(Context *c, const std::shared_ptr<Stream> &s, Op op, bool wait, const char *call)
{
	uint64_t seq;
	{
		std::lock_guard<std::mutex> g(drv().mu);
		seq = enqueue_locked(c, s, std::move(op));
	}
	if (!wait)
		return kSuccess;
	kick(c);
	s->wait_for(seq);
	if (int e = c->sticky.load()) {
		std::lock_guard<std::mutex> g(drv().mu);
		return fail(e, call, c->sticky_why);
	}
	return kSuccess;
}

void unmap_alloc(const Alloc &a)
{
	munmap(reinterpret_cast<void *>(a.map), a.maplen);
}

/* Resets a context whose refcount dropped to 0: drains and stops its
 * streams, reports what is still alive, frees everything. */
void reset_context(Context *c)
{
	Driver &d = drv();
	std::vector<std::shared_ptr<Stream>> streams;
	{
		std::lock_guard<std::mutex> g(d.mu);
		streams = all_streams_locked(c);
	}
	{
		std::lock_guard<std::mutex> g(c->epoch_mu);
		c->epoch = UINT64_MAX;
	}
	c->epoch_cv.notify_all();
	for (auto &s : streams)
		stop_stream(s);

	std::vector<std::string> leaks;
	std::string leaks_path;
	{
		std::lock_guard<std::mutex> g(d.mu);
		leaks_path = d.knobs.leaks_path;
		for (auto it = d.allocs.begin(); it != d.allocs.end();) {
			if (it->second.ctx != c) {
				++it;
				continue;
			}
			if (it->second.live) {
				leaks.push_back("leak: device memory " + hex(it->second.base) + " " + std::to_string(it->second.size) +
					" bytes (allocation #" + std::to_string(it->second.serial) + ")");
				d.used[c->device] -= it->second.size;
			}
			unmap_alloc(it->second);
			it = d.allocs.erase(it);
		}
		std::deque<uintptr_t> q;
		for (uintptr_t b : d.quarantine)
			if (d.allocs.count(b))
				q.push_back(b);
		d.quarantine.swap(q);
		d.quarantine_bytes = 0;
		for (uintptr_t b : d.quarantine)
			d.quarantine_bytes += d.allocs[b].maplen;
		for (auto it = d.pinned.begin(); it != d.pinned.end();) {
			if (it->second.ctx != c) {
				++it;
				continue;
			}
			leaks.push_back("leak: pinned host memory " + hex(it->second.base) + " " + std::to_string(it->second.size) + " bytes");
			munmap(reinterpret_cast<void *>(it->second.map), it->second.maplen);
			it = d.pinned.erase(it);
		}
		for (auto &kv : c->streams)
			leaks.push_back("leak: stream " + hex(kv.first));
		for (auto &kv : c->events)
			leaks.push_back("leak: event " + hex(kv.first));
		for (auto &kv : c->modules)
			leaks.push_back("leak: module " + hex(kv.first) + " (" + kv.second->label + ")");
		for (auto &kv : c->tracked)
			leaks.push_back("leak: " + kv.second + " " + hex(reinterpret_cast<uintptr_t>(kv.first)));
		c->streams.clear();
		c->retired.clear();
		c->legacy.reset();
		c->events.clear();
		c->functions.clear();
		c->modules.clear();
		c->tracked.clear();
		c->sticky.store(0);
		c->sticky_why.clear();
	}
	if (!leaks.empty()) {
		std::string text;
		for (auto &l : leaks)
			text += l + "\n";
		fprintf(stderr, "vggo-standin: device %d's primary context was reset with %zu object(s) still alive:\n%s",
			c->device, leaks.size(), text.c_str());
		if (!leaks_path.empty())
			append_file(leaks_path, text);
	}
}

} // namespace

Driver &drv()
{
	/* Created on first use, never destroyed (see driver_internal.h). */
	static Driver *d = new Driver;
	return *d;
}

Context *&current() { return t_ctx; }

uintptr_t Driver::new_handle() { return handle_base + 16 * handle_next++; }

std::string hex(uintptr_t v)
{
	char b[32];
	snprintf(b, sizeof b, "0x%" PRIxPTR, v);
	return b;
}

void append_file(const std::string &path, const std::string &text)
{
	if (FILE *f = fopen(path.c_str(), "a")) {
		fputs(text.c_str(), f);
		fclose(f);
	}
}

int fail(int code, const char *call, const std::string &why)
{
	const char *name = "CUDA_ERROR_UNKNOWN";
	for (const auto &e : vgsi_error_texts)
		if (e.code == code)
			name = e.name;
	t_last_error = std::string(call) + ": " + name + ": " + why;
	Driver &d = drv();
	if (d.knobs.verbose)
		fprintf(stderr, "vggo-standin: %s\n", t_last_error.c_str());
	if (!d.knobs.log_path.empty())
		append_file(d.knobs.log_path, t_last_error + "\n");
	return code;
}

void note(const std::string &line)
{
	fprintf(stderr, "vggo-standin: %s\n", line.c_str());
	if (!drv().knobs.log_path.empty())
		append_file(drv().knobs.log_path, line + "\n");
}

void set_sticky(Context *ctx, int code, const std::string &why)
{
	std::lock_guard<std::mutex> g(drv().mu);
	int zero = 0;
	if (ctx->sticky.compare_exchange_strong(zero, code)) {
		ctx->sticky_why = why;
		note("sticky error " + std::to_string(code) + " in device " + std::to_string(ctx->device) +
			"'s context: " + why);
	}
}

std::string describe_address(uintptr_t a)
{
	std::lock_guard<std::mutex> g(drv().mu);
	const Alloc *al = find_alloc_locked(a);
	if (al == nullptr) {
		if (const Pinned *p = find_pinned_locked(a))
			return hex(a) + " is in pinned host memory at " + hex(p->base);
		return hex(a) + " is not in any device allocation";
	}
	std::string where;
	if (a < al->base)
		where = std::to_string(al->base - a) + " bytes before ";
	else if (a >= al->base + al->size)
		where = std::to_string(a - al->base - al->size) + " bytes past the end of ";
	else
		where = "at offset " + std::to_string(a - al->base) + " of ";
	return hex(a) + " is " + where + (al->live ? "" : "freed ") + alloc_name(*al);
}

Module::~Module()
{
	if (dl)
		dlclose_module(dl);
}

} // namespace vgsi

using namespace vgsi;

/* ---- initialisation and devices ---- */

EXPORT vgCUresult cuInit(unsigned int flags)
{
	/* cuda.h cuInit: "Flags parameter ... must be 0". */
	if (flags != 0)
		return fail(kInvalidValue, "cuInit", "flags must be 0");
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	if (d.inited.load())
		return kSuccess;
	read_knobs(&d.knobs);
	d.ndev = (int)env_long("VGGO_STANDIN_DEVICES", 1);
	d.cc = (int)env_long("VGGO_STANDIN_CC", 90);
	d.sms = (int)env_long("VGGO_STANDIN_SMS", 4);
	d.mem_bytes = (size_t)env_long("VGGO_STANDIN_MEMORY_MB", 8192) << 20;
	if (d.ndev < 0 || d.cc < 10 || d.sms < 1 || d.mem_bytes == 0)
		return fail(kInvalidValue, "cuInit", "bad VGGO_STANDIN_DEVICES, _CC, _SMS or _MEMORY_MB");
	if (d.ndev == 0)
		return fail(kNoDevice, "cuInit", "VGGO_STANDIN_DEVICES=0: no device");
	void *h = mmap(nullptr, size_t(1) << 32, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h == MAP_FAILED)
		return fail(kOutOfMemory, "cuInit", "cannot reserve the handle space");
	d.handle_base = reinterpret_cast<uintptr_t>(h);
	d.primary.resize(d.ndev);
	d.used.assign(d.ndev, 0);
	install_fault_handler();
	d.inited.store(true);
	return kSuccess;
}
CHECK_PROTO(cuInit);

EXPORT vgCUresult cuDriverGetVersion(int *driverVersion)
{
	if (driverVersion == nullptr)
		return fail(kInvalidValue, "cuDriverGetVersion", "driverVersion is NULL");
	*driverVersion = kDriverVersion;
	return kSuccess;
}
CHECK_PROTO(cuDriverGetVersion);

EXPORT vgCUresult cuDeviceGetCount(int *count)
{
	if (int r = need_init("cuDeviceGetCount"))
		return r;
	if (count == nullptr)
		return fail(kInvalidValue, "cuDeviceGetCount", "count is NULL");
	*count = drv().ndev;
	return kSuccess;
}
CHECK_PROTO(cuDeviceGetCount);

EXPORT vgCUresult cuDeviceGet(vgCUdevice *device, int ordinal)
{
	if (int r = need_init("cuDeviceGet"))
		return r;
	if (device == nullptr)
		return fail(kInvalidValue, "cuDeviceGet", "device is NULL");
	if (int r = check_device("cuDeviceGet", ordinal))
		return r;
	*device = ordinal;
	return kSuccess;
}
CHECK_PROTO(cuDeviceGet);

EXPORT vgCUresult cuDeviceGetName(char *name, int len, vgCUdevice dev)
{
	if (int r = need_init("cuDeviceGetName"))
		return r;
	if (name == nullptr || len <= 0)
		return fail(kInvalidValue, "cuDeviceGetName", "name is NULL or len <= 0");
	if (int r = check_device("cuDeviceGetName", dev))
		return r;
	snprintf(name, (size_t)len, "NVIDIA H200 (vggo CPU stand-in)");
	return kSuccess;
}
CHECK_PROTO(cuDeviceGetName);

EXPORT vgCUresult cuDeviceTotalMem_v2(size_t *bytes, vgCUdevice dev)
{
	if (int r = need_init("cuDeviceTotalMem_v2"))
		return r;
	if (bytes == nullptr)
		return fail(kInvalidValue, "cuDeviceTotalMem_v2", "bytes is NULL");
	if (int r = check_device("cuDeviceTotalMem_v2", dev))
		return r;
	*bytes = drv().mem_bytes;
	return kSuccess;
}
CHECK_PROTO(cuDeviceTotalMem_v2);

EXPORT vgCUresult cuDeviceGetAttribute(int *pi, vgCUdevice_attribute attrib, vgCUdevice dev)
{
	if (int r = need_init("cuDeviceGetAttribute"))
		return r;
	if (pi == nullptr)
		return fail(kInvalidValue, "cuDeviceGetAttribute", "pi is NULL");
	if (int r = check_device("cuDeviceGetAttribute", dev))
		return r;
	Driver &d = drv();
	/* Values of CUdevice_attribute (cuda.h:814-): an H200-like device with
	 * d.sms multiprocessors. */
	switch (attrib) {
	case 1: *pi = 1024; break;       // MAX_THREADS_PER_BLOCK
	case 2: *pi = 1024; break;       // MAX_BLOCK_DIM_X
	case 3: *pi = 1024; break;       // MAX_BLOCK_DIM_Y
	case 4: *pi = 64; break;         // MAX_BLOCK_DIM_Z
	case 5: *pi = 2147483647; break; // MAX_GRID_DIM_X
	case 6: *pi = 65535; break;      // MAX_GRID_DIM_Y
	case 7: *pi = 65535; break;      // MAX_GRID_DIM_Z
	case 8: *pi = 49152; break;      // MAX_SHARED_MEMORY_PER_BLOCK
	case 9: *pi = 65536; break;      // TOTAL_CONSTANT_MEMORY
	case 10: *pi = 32; break;        // WARP_SIZE
	case 11: *pi = 2147483647; break; // MAX_PITCH
	case 12: *pi = 65536; break;     // MAX_REGISTERS_PER_BLOCK
	case 13: *pi = 1980000; break;   // CLOCK_RATE (kHz)
	case 14: *pi = 512; break;       // TEXTURE_ALIGNMENT
	case 15: *pi = 1; break;         // GPU_OVERLAP
	case 16: *pi = d.sms; break;     // MULTIPROCESSOR_COUNT
	case 17: *pi = 0; break;         // KERNEL_EXEC_TIMEOUT
	case 18: *pi = 0; break;         // INTEGRATED
	case 19: *pi = 1; break;         // CAN_MAP_HOST_MEMORY
	case 20: *pi = 0; break;         // COMPUTE_MODE (default)
	case 31: *pi = 1; break;         // CONCURRENT_KERNELS
	case 32: *pi = 0; break;         // ECC_ENABLED
	case 33: *pi = dev; break;       // PCI_BUS_ID
	case 34: *pi = 0; break;         // PCI_DEVICE_ID
	case 36: *pi = 2619000; break;   // MEMORY_CLOCK_RATE (kHz)
	case 37: *pi = 6144; break;      // GLOBAL_MEMORY_BUS_WIDTH
	case 38: *pi = 50 << 20; break;  // L2_CACHE_SIZE
	case 39: *pi = 2048; break;      // MAX_THREADS_PER_MULTIPROCESSOR
	case 40: *pi = 2; break;         // ASYNC_ENGINE_COUNT
	case 41: *pi = 1; break;         // UNIFIED_ADDRESSING
	case 50: *pi = 0; break;         // PCI_DOMAIN_ID
	case 75: *pi = d.cc / 10; break; // COMPUTE_CAPABILITY_MAJOR
	case 76: *pi = d.cc % 10; break; // COMPUTE_CAPABILITY_MINOR
	case 78: *pi = 1; break;         // STREAM_PRIORITIES_SUPPORTED
	case 81: *pi = 233472; break;    // MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
	case 82: *pi = 65536; break;     // MAX_REGISTERS_PER_MULTIPROCESSOR
	case 83: *pi = 0; break;         // MANAGED_MEMORY (not modelled)
	case 84: *pi = 0; break;         // MULTI_GPU_BOARD
	case 97: *pi = 232448; break;    // MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
	case 106: *pi = 32; break;       // MAX_BLOCKS_PER_MULTIPROCESSOR
	default:
		return fail(kInvalidValue, "cuDeviceGetAttribute",
			"attribute " + std::to_string(attrib) + " is unknown or not modelled by the CPU stand-in");
	}
	return kSuccess;
}
CHECK_PROTO(cuDeviceGetAttribute);

/* ---- primary contexts ---- */

EXPORT vgCUresult cuDevicePrimaryCtxRetain(vgCUcontext *pctx, vgCUdevice dev)
{
	if (int r = need_init("cuDevicePrimaryCtxRetain"))
		return r;
	if (pctx == nullptr)
		return fail(kInvalidValue, "cuDevicePrimaryCtxRetain", "pctx is NULL");
	if (int r = check_device("cuDevicePrimaryCtxRetain", dev))
		return r;
	Driver &d = drv();
	Context *c;
	{
		std::lock_guard<std::mutex> g(d.mu);
		if (!d.primary[dev]) {
			d.primary[dev] = std::make_unique<Context>();
			d.primary[dev]->handle = d.new_handle();
			d.primary[dev]->device = dev;
		}
		c = d.primary[dev].get();
	}
	std::lock_guard<std::mutex> life(c->life);
	std::lock_guard<std::mutex> g(d.mu);
	if (c->refcount++ == 0) {
		/* Activation: the per-session knobs and counters start afresh. */
		read_knobs(&d.knobs);
		c->active = true;
		c->allocs = c->launches = c->cublas_calls = c->cudnn_calls = 0;
		c->launch_serial = 0;
		std::lock_guard<std::mutex> e(c->epoch_mu);
		c->epoch = 0;
	}
	*pctx = reinterpret_cast<vgCUcontext>(c->handle);
	return kSuccess;
}
CHECK_PROTO(cuDevicePrimaryCtxRetain);

EXPORT vgCUresult cuDevicePrimaryCtxRelease_v2(vgCUdevice dev)
{
	if (int r = need_init("cuDevicePrimaryCtxRelease_v2"))
		return r;
	if (int r = check_device("cuDevicePrimaryCtxRelease_v2", dev))
		return r;
	Driver &d = drv();
	Context *c;
	{
		std::lock_guard<std::mutex> g(d.mu);
		c = d.primary[dev].get();
	}
	if (c == nullptr)
		return fail(kInvalidContext, "cuDevicePrimaryCtxRelease_v2", "the primary context was never retained");
	std::lock_guard<std::mutex> life(c->life);
	{
		std::lock_guard<std::mutex> g(d.mu);
		if (c->refcount == 0)
			return fail(kInvalidContext, "cuDevicePrimaryCtxRelease_v2", "the primary context is not retained");
		if (--c->refcount > 0)
			return kSuccess;
		/* cuda.h cuDevicePrimaryCtxRelease: at 0 the context is reset; it
		 * stays current on threads that had it current. */
		c->active = false;
	}
	reset_context(c);
	return kSuccess;
}
CHECK_PROTO(cuDevicePrimaryCtxRelease_v2);

EXPORT vgCUresult cuDevicePrimaryCtxSetFlags_v2(vgCUdevice dev, unsigned int flags)
{
	if (int r = need_init("cuDevicePrimaryCtxSetFlags_v2"))
		return r;
	if (int r = check_device("cuDevicePrimaryCtxSetFlags_v2", dev))
		return r;
	/* CUctx_flags (cuda.h:385-401): at most one scheduling mode of SPIN 1,
	 * YIELD 2, BLOCKING_SYNC 4; the other bits within CU_CTX_FLAGS_MASK. */
	unsigned sched = flags & 0x07;
	if ((sched & (sched - 1)) != 0 || (flags & ~0xFFu) != 0)
		return fail(kInvalidValue, "cuDevicePrimaryCtxSetFlags_v2", "bad flags " + hex(flags));
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	if (!d.primary[dev]) {
		d.primary[dev] = std::make_unique<Context>();
		d.primary[dev]->handle = d.new_handle();
		d.primary[dev]->device = dev;
	}
	d.primary[dev]->flags = flags;
	return kSuccess;
}
CHECK_PROTO(cuDevicePrimaryCtxSetFlags_v2);

EXPORT vgCUresult cuCtxSetCurrent(vgCUcontext ctx)
{
	if (int r = need_init("cuCtxSetCurrent"))
		return r;
	if (ctx == nullptr) {
		t_ctx = nullptr;
		return kSuccess;
	}
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	for (auto &c : d.primary)
		if (c && c->handle == reinterpret_cast<uintptr_t>(ctx)) {
			if (!c->active)
				return fail(kInvalidContext, "cuCtxSetCurrent", "the primary context has been released and reset");
			t_ctx = c.get();
			return kSuccess;
		}
	return fail(kInvalidContext, "cuCtxSetCurrent", hex(reinterpret_cast<uintptr_t>(ctx)) + " is not a context");
}
CHECK_PROTO(cuCtxSetCurrent);

EXPORT vgCUresult cuCtxGetCurrent(vgCUcontext *pctx)
{
	if (int r = need_init("cuCtxGetCurrent"))
		return r;
	if (pctx == nullptr)
		return fail(kInvalidValue, "cuCtxGetCurrent", "pctx is NULL");
	*pctx = t_ctx ? reinterpret_cast<vgCUcontext>(t_ctx->handle) : nullptr;
	return kSuccess;
}
CHECK_PROTO(cuCtxGetCurrent);

EXPORT vgCUresult cuCtxSynchronize(void)
{
	Context *c;
	if (int r = need_ctx("cuCtxSynchronize", &c))
		return r;
	drain_all(c);
	if (int e = c->sticky.load()) {
		std::lock_guard<std::mutex> g(drv().mu);
		return fail(e, "cuCtxSynchronize", c->sticky_why);
	}
	return kSuccess;
}
CHECK_PROTO(cuCtxSynchronize);

/* ---- memory ---- */

EXPORT vgCUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total)
{
	Context *c;
	if (int r = need_ctx("cuMemGetInfo_v2", &c))
		return r;
	if (free_bytes == nullptr || total == nullptr)
		return fail(kInvalidValue, "cuMemGetInfo_v2", "free or total is NULL");
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	*total = d.mem_bytes;
	*free_bytes = d.mem_bytes - d.used[c->device];
	return kSuccess;
}
CHECK_PROTO(cuMemGetInfo_v2);

EXPORT vgCUresult cuMemAlloc_v2(vgCUdeviceptr *dptr, size_t bytesize)
{
	const char *call = "cuMemAlloc_v2";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	if (dptr == nullptr)
		return fail(kInvalidValue, call, "dptr is NULL");
	if (bytesize == 0)
		return fail(kInvalidValue, call, "bytesize is 0");
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	if (++c->allocs == d.knobs.fail_alloc)
		return fail(kOutOfMemory, call, "VGGO_STANDIN_FAIL_ALLOC=" + std::to_string(d.knobs.fail_alloc) +
			": this allocation fails by request");
	if (bytesize > d.mem_bytes - d.used[c->device])
		return fail(kOutOfMemory, call, std::to_string(bytesize) + " bytes requested, " +
			std::to_string(d.mem_bytes - d.used[c->device]) + " of " + std::to_string(d.mem_bytes) +
			" free (VGGO_STANDIN_MEMORY_MB)");
	size_t user = (bytesize + kAlign - 1) / kAlign * kAlign;
	size_t span = (user + kPage - 1) / kPage * kPage;
	size_t maplen = span + 2 * kPage;
	void *m = mmap(nullptr, maplen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return fail(kOutOfMemory, call, "mmap of " + std::to_string(maplen) + " bytes failed");
	char *body = static_cast<char *>(m) + kPage;
	if (mprotect(body, span, PROT_READ | PROT_WRITE) != 0) {
		munmap(m, maplen);
		return fail(kOutOfMemory, call, "mprotect failed");
	}
	/* cuda.h cuMemAlloc: "The memory is not cleared": poison it. */
	fill_poison(body, span);
	Alloc a;
	a.base = reinterpret_cast<uintptr_t>(body) + (span - user);
	a.size = bytesize;
	a.map = reinterpret_cast<uintptr_t>(m);
	a.maplen = maplen;
	a.ctx = c;
	a.live = true;
	a.serial = ++d.alloc_serial;
	d.allocs[a.base] = a;
	d.used[c->device] += bytesize;
	*dptr = a.base;
	return kSuccess;
}
CHECK_PROTO(cuMemAlloc_v2);

EXPORT vgCUresult cuMemFree_v2(vgCUdeviceptr dptr)
{
	const char *call = "cuMemFree_v2";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	Driver &d = drv();
	int inflight;
	{
		std::lock_guard<std::mutex> g(d.mu);
		const Alloc *a = find_alloc_locked(dptr);
		if (a == nullptr)
			return fail(kInvalidValue, call, hex(dptr) + " is not device memory (a host pointer, or never allocated)");
		if (a->base != dptr)
			return fail(kInvalidValue, call, hex(dptr) + " is not the base of " + alloc_name(*a));
		if (!a->live)
			return fail(kInvalidValue, call, "double free of " + alloc_name(*a));
		if (a->ctx != c)
			return fail(kInvalidValue, call, alloc_name(*a) + " belongs to another context");
		inflight = a->inflight;
	}
	/* Freeing memory that queued work still uses is legal (the driver
	 * synchronises), but usually a missing stream synchronisation: wait for
	 * the context's work, and say so. */
	if (inflight > 0) {
		note(std::string(call) + ": " + hex(dptr) + " is freed while " + std::to_string(inflight) +
			" queued operation(s) still use it; waiting for them (missing stream synchronisation?)");
		drain_all(c);
	}
	std::lock_guard<std::mutex> g(d.mu);
	auto it = d.allocs.find(dptr);
	if (it == d.allocs.end() || !it->second.live)
		return fail(kInvalidValue, call, "double free of " + hex(dptr));
	Alloc &a = it->second;
	a.live = false;
	d.used[c->device] -= a.size;
	char *body = reinterpret_cast<char *>(a.map) + kPage;
	size_t span = a.maplen - 2 * kPage;
	mprotect(body, span, PROT_NONE);
	madvise(body, span, MADV_DONTNEED);
	d.quarantine.push_back(a.base);
	d.quarantine_bytes += a.maplen;
	while (d.quarantine.size() > kQuarantineMax || d.quarantine_bytes > kQuarantineSpan) {
		auto q = d.allocs.find(d.quarantine.front());
		d.quarantine.pop_front();
		if (q != d.allocs.end()) {
			d.quarantine_bytes -= q->second.maplen;
			unmap_alloc(q->second);
			d.allocs.erase(q);
		}
	}
	return kSuccess;
}
CHECK_PROTO(cuMemFree_v2);

EXPORT vgCUresult cuMemAllocHost_v2(void **pp, size_t bytesize)
{
	const char *call = "cuMemAllocHost_v2";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	if (pp == nullptr)
		return fail(kInvalidValue, call, "pp is NULL");
	if (bytesize == 0)
		return fail(kInvalidValue, call, "bytesize is 0");
	size_t span = (bytesize + kPage - 1) / kPage * kPage;
	size_t maplen = span + 2 * kPage;
	void *m = mmap(nullptr, maplen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return fail(kOutOfMemory, call, "mmap of " + std::to_string(maplen) + " bytes failed");
	char *body = static_cast<char *>(m) + kPage;
	if (mprotect(body, span, PROT_READ | PROT_WRITE) != 0) {
		munmap(m, maplen);
		return fail(kOutOfMemory, call, "mprotect failed");
	}
	fill_poison(body, span);
	Pinned p;
	p.base = reinterpret_cast<uintptr_t>(body);
	p.size = bytesize;
	p.map = reinterpret_cast<uintptr_t>(m);
	p.maplen = maplen;
	p.ctx = c;
	std::lock_guard<std::mutex> g(drv().mu);
	drv().pinned[p.base] = p;
	*pp = body;
	return kSuccess;
}
CHECK_PROTO(cuMemAllocHost_v2);

EXPORT vgCUresult cuMemFreeHost(void *p)
{
	const char *call = "cuMemFreeHost";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	auto it = d.pinned.find(reinterpret_cast<uintptr_t>(p));
	if (it == d.pinned.end()) {
		if (find_pinned_locked(reinterpret_cast<uintptr_t>(p)))
			return fail(kInvalidValue, call, hex(reinterpret_cast<uintptr_t>(p)) + " is inside, not the start of, a pinned buffer");
		return fail(kInvalidValue, call, hex(reinterpret_cast<uintptr_t>(p)) + " did not come from cuMemAllocHost (or was freed)");
	}
	munmap(reinterpret_cast<void *>(it->second.map), it->second.maplen);
	d.pinned.erase(it);
	return kSuccess;
}
CHECK_PROTO(cuMemFreeHost);

namespace {

enum class Dir { HtoD, DtoH, DtoD };

/* All the copies. Async: on hStream; a pinned host side is read or written
 * when the copy executes; a pageable source is staged at the call and a
 * pageable destination makes the call wait (CUDA "API synchronization
 * behavior"). Sync: on the legacy stream, waited for. */
int copy(const char *call, Dir dir, uintptr_t dst, uintptr_t src, size_t n, vgCUstream h, bool async)
{
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	Driver &d = drv();
	std::shared_ptr<Stream> s;
	Op op;
	op.what = call;
	bool wait = !async;
	{
		std::lock_guard<std::mutex> g(d.mu);
		if (async) {
			if (int r = find_stream_locked(c, h, call, &s))
				return r;
		} else {
			s = legacy_locked(c);
		}
		if (n == 0)
			return kSuccess;
		uintptr_t db = 0, sb = 0;
		bool pinned = false;
		switch (dir) {
		case Dir::HtoD:
			if (src == 0)
				return fail(kInvalidValue, call, "srcHost is NULL");
			if (int r = check_range_locked(c, dst, n, call, "dstDevice", &db))
				return r;
			if (int r = classify_host_locked(src, n, call, "srcHost", &pinned))
				return r;
			op.uses = {db};
			if (pinned || !async) {
				op.run = [dst, src, n](std::string *) {
					memcpy(reinterpret_cast<void *>(dst), reinterpret_cast<const void *>(src), n);
					return 0;
				};
			} else {
				auto staged = std::make_shared<std::string>(reinterpret_cast<const char *>(src), n);
				op.run = [dst, staged](std::string *) {
					memcpy(reinterpret_cast<void *>(dst), staged->data(), staged->size());
					return 0;
				};
			}
			break;
		case Dir::DtoH:
			if (dst == 0)
				return fail(kInvalidValue, call, "dstHost is NULL");
			if (int r = check_range_locked(c, src, n, call, "srcDevice", &sb))
				return r;
			if (int r = classify_host_locked(dst, n, call, "dstHost", &pinned))
				return r;
			op.uses = {sb};
			if (!pinned)
				wait = true;
			op.run = [dst, src, n](std::string *) {
				memcpy(reinterpret_cast<void *>(dst), reinterpret_cast<const void *>(src), n);
				return 0;
			};
			break;
		case Dir::DtoD:
			if (int r = check_range_locked(c, dst, n, call, "dstDevice", &db))
				return r;
			if (int r = check_range_locked(c, src, n, call, "srcDevice", &sb))
				return r;
			op.uses = {db, sb};
			op.run = [dst, src, n](std::string *) {
				memmove(reinterpret_cast<void *>(dst), reinterpret_cast<const void *>(src), n);
				return 0;
			};
			break;
		}
	}
	return submit(c, s, std::move(op), wait, call);
}

int memset32(const char *call, uintptr_t dst, unsigned ui, size_t n, vgCUstream h, bool async)
{
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	Driver &d = drv();
	std::shared_ptr<Stream> s;
	Op op;
	op.what = call;
	{
		std::lock_guard<std::mutex> g(d.mu);
		if (async) {
			if (int r = find_stream_locked(c, h, call, &s))
				return r;
		} else {
			s = legacy_locked(c);
		}
		/* cuda.h cuMemsetD32: "dstDevice ... must be 4-byte aligned"; N
		 * counts 32-bit words. */
		if (dst % 4 != 0)
			return fail(kInvalidValue, call, "dstDevice " + hex(dst) + " is not 4-byte aligned");
		if (n == 0)
			return kSuccess;
		if (n > SIZE_MAX / 4)
			return fail(kInvalidValue, call, "N is too large");
		uintptr_t db;
		if (int r = check_range_locked(c, dst, n * 4, call, "dstDevice", &db))
			return r;
		op.uses = {db};
		op.run = [dst, ui, n](std::string *) {
			uint32_t *w = reinterpret_cast<uint32_t *>(dst);
			for (size_t i = 0; i < n; i++)
				w[i] = ui;
			return 0;
		};
	}
	return submit(c, s, std::move(op), !async, call);
}

} // namespace

EXPORT vgCUresult cuMemcpyHtoD_v2(vgCUdeviceptr dstDevice, const void *srcHost, size_t ByteCount)
{
	return copy("cuMemcpyHtoD_v2", Dir::HtoD, dstDevice, reinterpret_cast<uintptr_t>(srcHost), ByteCount, nullptr, false);
}
CHECK_PROTO(cuMemcpyHtoD_v2);

EXPORT vgCUresult cuMemcpyDtoH_v2(void *dstHost, vgCUdeviceptr srcDevice, size_t ByteCount)
{
	return copy("cuMemcpyDtoH_v2", Dir::DtoH, reinterpret_cast<uintptr_t>(dstHost), srcDevice, ByteCount, nullptr, false);
}
CHECK_PROTO(cuMemcpyDtoH_v2);

EXPORT vgCUresult cuMemcpyDtoD_v2(vgCUdeviceptr dstDevice, vgCUdeviceptr srcDevice, size_t ByteCount)
{
	return copy("cuMemcpyDtoD_v2", Dir::DtoD, dstDevice, srcDevice, ByteCount, nullptr, false);
}
CHECK_PROTO(cuMemcpyDtoD_v2);

EXPORT vgCUresult cuMemcpyHtoDAsync_v2(vgCUdeviceptr dstDevice, const void *srcHost, size_t ByteCount, vgCUstream hStream)
{
	return copy("cuMemcpyHtoDAsync_v2", Dir::HtoD, dstDevice, reinterpret_cast<uintptr_t>(srcHost), ByteCount, hStream, true);
}
CHECK_PROTO(cuMemcpyHtoDAsync_v2);

EXPORT vgCUresult cuMemcpyDtoHAsync_v2(void *dstHost, vgCUdeviceptr srcDevice, size_t ByteCount, vgCUstream hStream)
{
	return copy("cuMemcpyDtoHAsync_v2", Dir::DtoH, reinterpret_cast<uintptr_t>(dstHost), srcDevice, ByteCount, hStream, true);
}
CHECK_PROTO(cuMemcpyDtoHAsync_v2);

EXPORT vgCUresult cuMemcpyDtoDAsync_v2(vgCUdeviceptr dstDevice, vgCUdeviceptr srcDevice, size_t ByteCount, vgCUstream hStream)
{
	return copy("cuMemcpyDtoDAsync_v2", Dir::DtoD, dstDevice, srcDevice, ByteCount, hStream, true);
}
CHECK_PROTO(cuMemcpyDtoDAsync_v2);

EXPORT vgCUresult cuMemsetD32_v2(vgCUdeviceptr dstDevice, unsigned int ui, size_t N)
{
	return memset32("cuMemsetD32_v2", dstDevice, ui, N, nullptr, false);
}
CHECK_PROTO(cuMemsetD32_v2);

EXPORT vgCUresult cuMemsetD32Async(vgCUdeviceptr dstDevice, unsigned int ui, size_t N, vgCUstream hStream)
{
	return memset32("cuMemsetD32Async", dstDevice, ui, N, hStream, true);
}
CHECK_PROTO(cuMemsetD32Async);

/* ---- streams ---- */

EXPORT vgCUresult cuStreamCreate(vgCUstream *phStream, unsigned int Flags)
{
	const char *call = "cuStreamCreate";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	if (phStream == nullptr)
		return fail(kInvalidValue, call, "phStream is NULL");
	/* CUstream_flags (cuda.h): CU_STREAM_DEFAULT 0, CU_STREAM_NON_BLOCKING 1. */
	if (Flags > 1)
		return fail(kInvalidValue, call, "flags " + hex(Flags) + " are neither CU_STREAM_DEFAULT nor CU_STREAM_NON_BLOCKING");
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	for (auto it = c->retired.begin(); it != c->retired.end();) {
		if ((*it)->finished.load()) {
			if ((*it)->worker.joinable())
				(*it)->worker.join();
			it = c->retired.erase(it);
		} else {
			++it;
		}
	}
	uintptr_t h = d.new_handle();
	c->streams[h] = start_stream(c, h, Flags, false);
	*phStream = reinterpret_cast<vgCUstream>(h);
	return kSuccess;
}
CHECK_PROTO(cuStreamCreate);

EXPORT vgCUresult cuStreamSynchronize(vgCUstream hStream)
{
	const char *call = "cuStreamSynchronize";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	std::shared_ptr<Stream> s;
	uint64_t seq;
	{
		std::lock_guard<std::mutex> g(drv().mu);
		if (int r = find_stream_locked(c, hStream, call, &s))
			return r;
		if (s->legacy) {
			/* The legacy stream waits for earlier work of blocking streams:
			 * a marker op carries those dependencies. */
			Op op;
			op.what = "cuStreamSynchronize marker";
			op.run = [](std::string *) { return 0; };
			seq = enqueue_locked(c, s, std::move(op));
		} else {
			std::lock_guard<std::mutex> sg(s->mu);
			seq = s->enqueued;
		}
	}
	kick(c);
	s->wait_for(seq);
	if (int e = c->sticky.load()) {
		std::lock_guard<std::mutex> g(drv().mu);
		return fail(e, call, c->sticky_why);
	}
	return kSuccess;
}
CHECK_PROTO(cuStreamSynchronize);

EXPORT vgCUresult cuStreamDestroy_v2(vgCUstream hStream)
{
	const char *call = "cuStreamDestroy_v2";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	std::lock_guard<std::mutex> g(drv().mu);
	auto it = c->streams.find(reinterpret_cast<uintptr_t>(hStream));
	if (hStream == nullptr || it == c->streams.end())
		return fail(kInvalidHandle, call, hex(reinterpret_cast<uintptr_t>(hStream)) + " is not a live stream of the current context");
	/* cuda.h cuStreamDestroy: "In case the device is still doing work in the
	 * stream hStream when cuStreamDestroy() is called, the function will
	 * return immediately and the resources associated with hStream will be
	 * released automatically once the device has completed all work". */
	std::shared_ptr<Stream> s = it->second;
	c->streams.erase(it);
	{
		std::lock_guard<std::mutex> sg(s->mu);
		s->closing = true;
	}
	s->cv.notify_all();
	c->retired.push_back(s);
	return kSuccess;
}
CHECK_PROTO(cuStreamDestroy_v2);

/* ---- events ---- */

EXPORT vgCUresult cuEventCreate(vgCUevent *phEvent, unsigned int Flags)
{
	const char *call = "cuEventCreate";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	if (phEvent == nullptr)
		return fail(kInvalidValue, call, "phEvent is NULL");
	/* CUevent_flags (cuda.h:472-477): BLOCKING_SYNC 1, DISABLE_TIMING 2,
	 * INTERPROCESS 4 "CU_EVENT_DISABLE_TIMING must be set". */
	if ((Flags & ~7u) != 0 || ((Flags & 4) && !(Flags & 2)))
		return fail(kInvalidValue, call, "bad flags " + hex(Flags));
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	auto e = std::make_shared<Event>();
	e->handle = d.new_handle();
	e->ctx = c;
	e->flags = Flags;
	c->events[e->handle] = e;
	*phEvent = reinterpret_cast<vgCUevent>(e->handle);
	return kSuccess;
}
CHECK_PROTO(cuEventCreate);

EXPORT vgCUresult cuEventRecord(vgCUevent hEvent, vgCUstream hStream)
{
	const char *call = "cuEventRecord";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	std::lock_guard<std::mutex> g(drv().mu);
	std::shared_ptr<Event> e;
	std::shared_ptr<Stream> s;
	if (int r = find_event_locked(c, hEvent, call, &e))
		return r;
	if (int r = find_stream_locked(c, hStream, call, &s))
		return r;
	/* The event captures the stream's work so far: a marker op, whose
	 * completion completes this record (a later record overwrites). */
	uint64_t gen;
	{
		std::lock_guard<std::mutex> eg(e->mu);
		gen = ++e->generation;
		e->recorded = true;
		e->done = false;
		e->stream = s;
	}
	Op op;
	op.what = "cuEventRecord marker";
	std::weak_ptr<Event> we = e;
	op.run = [we, gen](std::string *) {
		if (auto ev = we.lock()) {
			std::lock_guard<std::mutex> eg(ev->mu);
			if (ev->generation == gen) {
				ev->done = true;
				ev->time_ms = now_ms();
			}
		}
		return 0;
	};
	uint64_t seq = enqueue_locked(c, s, std::move(op));
	std::lock_guard<std::mutex> eg(e->mu);
	if (e->generation == gen)
		e->seq = seq;
	return kSuccess;
}
CHECK_PROTO(cuEventRecord);

EXPORT vgCUresult cuEventSynchronize(vgCUevent hEvent)
{
	const char *call = "cuEventSynchronize";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	std::shared_ptr<Stream> s;
	uint64_t seq = 0;
	{
		std::lock_guard<std::mutex> g(drv().mu);
		std::shared_ptr<Event> e;
		if (int r = find_event_locked(c, hEvent, call, &e))
			return r;
		std::lock_guard<std::mutex> eg(e->mu);
		/* Never recorded: complete (cuda.h cuEventSynchronize). */
		if (!e->recorded)
			return kSuccess;
		s = e->stream;
		seq = e->seq;
	}
	kick(c);
	s->wait_for(seq);
	if (int e = c->sticky.load()) {
		std::lock_guard<std::mutex> g(drv().mu);
		return fail(e, call, c->sticky_why);
	}
	return kSuccess;
}
CHECK_PROTO(cuEventSynchronize);

EXPORT vgCUresult cuEventElapsedTime(float *pMilliseconds, vgCUevent hStart, vgCUevent hEnd)
{
	const char *call = "cuEventElapsedTime";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	if (pMilliseconds == nullptr)
		return fail(kInvalidValue, call, "pMilliseconds is NULL");
	std::lock_guard<std::mutex> g(drv().mu);
	std::shared_ptr<Event> a, b;
	if (int r = find_event_locked(c, hStart, call, &a))
		return r;
	if (int r = find_event_locked(c, hEnd, call, &b))
		return r;
	/* cuda.h cuEventElapsedTime: not recorded or DISABLE_TIMING ->
	 * CUDA_ERROR_INVALID_HANDLE; not yet complete -> CUDA_ERROR_NOT_READY. */
	std::scoped_lock eg(a->mu, b->mu);
	if (!a->recorded || !b->recorded)
		return fail(kInvalidHandle, call, "an event has not been recorded");
	if ((a->flags | b->flags) & 2)
		return fail(kInvalidHandle, call, "an event was created with CU_EVENT_DISABLE_TIMING");
	if (!a->done || !b->done)
		return fail(kNotReady, call, "an event has not completed yet");
	*pMilliseconds = (float)(b->time_ms - a->time_ms);
	return kSuccess;
}
CHECK_PROTO(cuEventElapsedTime);

EXPORT vgCUresult cuEventDestroy_v2(vgCUevent hEvent)
{
	const char *call = "cuEventDestroy_v2";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	std::lock_guard<std::mutex> g(drv().mu);
	auto it = c->events.find(reinterpret_cast<uintptr_t>(hEvent));
	if (hEvent == nullptr || it == c->events.end())
		return fail(kInvalidHandle, call, hex(reinterpret_cast<uintptr_t>(hEvent)) + " is not a live event of the current context");
	c->events.erase(it);
	return kSuccess;
}
CHECK_PROTO(cuEventDestroy_v2);

/* ---- modules and launches ---- */

EXPORT vgCUresult cuModuleLoadDataEx(vgCUmodule *module, const void *image, unsigned int numOptions, vgCUjit_option *options, void **optionValues)
{
	const char *call = "cuModuleLoadDataEx";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	if (module == nullptr || image == nullptr)
		return fail(kInvalidValue, call, "module or image is NULL");
	if (numOptions > 0 && (options == nullptr || optionValues == nullptr))
		return fail(kInvalidValue, call, "numOptions > 0 with NULL options or optionValues");
	/* CUjit_option (cuda.h:1300-1667): ERROR_LOG_BUFFER 5 is a char*, its
	 * size ERROR_LOG_BUFFER_SIZE_BYTES 6 an unsigned int carried in the
	 * pointer slot, which on return holds the bytes written. The info log
	 * (3, 4) stays empty; other known options have no effect here. */
	char *log = nullptr;
	size_t log_size = 0;
	int log_size_slot = -1, info_size_slot = -1;
	char *info = nullptr;
	for (unsigned i = 0; i < numOptions; i++) {
		switch (options[i]) {
		case 3:
			info = static_cast<char *>(optionValues[i]);
			break;
		case 4:
			info_size_slot = (int)i;
			break;
		case 5:
			log = static_cast<char *>(optionValues[i]);
			break;
		case 6:
			log_size = (unsigned)reinterpret_cast<uintptr_t>(optionValues[i]);
			log_size_slot = (int)i;
			break;
		default:
			if (options[i] < 0 || options[i] > 40)
				return fail(kInvalidValue, call, "unknown JIT option " + std::to_string(options[i]));
		}
	}
	if (info && info_size_slot >= 0 && (unsigned)reinterpret_cast<uintptr_t>(optionValues[info_size_slot]) > 0)
		info[0] = '\0';
	if (info_size_slot >= 0)
		optionValues[info_size_slot] = reinterpret_cast<void *>(uintptr_t(0));
	std::string why, label;
	void *dl = nullptr;
	const vgsk_module_info *mi = nullptr;
	int r = load_image(image, &why, &dl, &mi, &label);
	size_t written = 0;
	if (r != kSuccess && log && log_size > 0) {
		written = std::min(why.size(), log_size - 1);
		memcpy(log, why.data(), written);
		log[written] = '\0';
	} else if (log && log_size > 0) {
		log[0] = '\0';
	}
	if (log_size_slot >= 0)
		optionValues[log_size_slot] = reinterpret_cast<void *>(uintptr_t(written));
	if (r != kSuccess)
		return fail(r, call, why);
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	auto m = std::make_shared<Module>();
	m->handle = d.new_handle();
	m->ctx = c;
	m->dl = dl;
	m->info = mi;
	m->label = label;
	c->modules[m->handle] = m;
	*module = reinterpret_cast<vgCUmodule>(m->handle);
	return kSuccess;
}
CHECK_PROTO(cuModuleLoadDataEx);

EXPORT vgCUresult cuModuleUnload(vgCUmodule hmod)
{
	const char *call = "cuModuleUnload";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	std::lock_guard<std::mutex> g(drv().mu);
	auto it = c->modules.find(reinterpret_cast<uintptr_t>(hmod));
	if (hmod == nullptr || it == c->modules.end())
		return fail(kInvalidHandle, call, hex(reinterpret_cast<uintptr_t>(hmod)) + " is not a loaded module of the current context");
	/* Its functions become invalid; queued launches keep the code loaded
	 * until they have run. */
	for (auto &kv : it->second->functions)
		c->functions.erase(kv.second);
	c->modules.erase(it);
	return kSuccess;
}
CHECK_PROTO(cuModuleUnload);

EXPORT vgCUresult cuModuleGetFunction(vgCUfunction *hfunc, vgCUmodule hmod, const char *name)
{
	const char *call = "cuModuleGetFunction";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	if (hfunc == nullptr || name == nullptr)
		return fail(kInvalidValue, call, "hfunc or name is NULL");
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	auto it = c->modules.find(reinterpret_cast<uintptr_t>(hmod));
	if (hmod == nullptr || it == c->modules.end())
		return fail(kInvalidHandle, call, hex(reinterpret_cast<uintptr_t>(hmod)) + " is not a loaded module of the current context");
	std::shared_ptr<Module> m = it->second;
	auto f = m->functions.find(name);
	if (f != m->functions.end()) {
		*hfunc = reinterpret_cast<vgCUfunction>(f->second);
		return kSuccess;
	}
	const vgsk_module_info *mi = m->info;
	for (unsigned i = 0; i < mi->nkernels; i++) {
		const vgsk_kernel_info &k = mi->kernels[i];
		if (strcmp(k.name, name) != 0)
			continue;
		auto fn = std::make_shared<Function>();
		fn->handle = d.new_handle();
		fn->module = m;
		fn->kernel = &k;
		fn->static_shared = (size_t)(k.shared_end - k.shared_begin) + (size_t)(mi->shared_end - mi->shared_begin);
		c->functions[fn->handle] = fn;
		m->functions[name] = fn->handle;
		*hfunc = reinterpret_cast<vgCUfunction>(fn->handle);
		return kSuccess;
	}
	/* cuda.h cuModuleGetFunction: "If no function of that name exists,
	 * cuModuleGetFunction() returns CUDA_ERROR_NOT_FOUND". */
	return fail(kNotFound, call, std::string("no kernel named ") + name + " in module " + m->label +
		" (only extern \"C\" __global__ functions are visible)");
}
CHECK_PROTO(cuModuleGetFunction);

EXPORT vgCUresult cuLaunchKernel(vgCUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ,
	unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes,
	vgCUstream hStream, void **kernelParams, void **extra)
{
	const char *call = "cuLaunchKernel";
	Context *c;
	if (int r = need_ctx(call, &c))
		return r;
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	auto fit = c->functions.find(reinterpret_cast<uintptr_t>(f));
	if (f == nullptr || fit == c->functions.end())
		return fail(kInvalidHandle, call, hex(reinterpret_cast<uintptr_t>(f)) + " is not a function of a loaded module of the current context");
	std::shared_ptr<Function> fn = fit->second;
	const vgsk_kernel_info &k = *fn->kernel;
	std::string kname = std::string("kernel ") + k.name;
	/* The limits of spec 1.1 (the H200's cuDeviceGetAttribute values). */
	if (gridDimX == 0 || gridDimY == 0 || gridDimZ == 0 || blockDimX == 0 || blockDimY == 0 || blockDimZ == 0)
		return fail(kInvalidValue, call, kname + ": a grid or block dimension is 0");
	if (blockDimX > 1024 || blockDimY > 1024 || blockDimZ > 64 ||
		(uint64_t)blockDimX * blockDimY * blockDimZ > 1024)
		return fail(kInvalidValue, call, kname + ": block (" + std::to_string(blockDimX) + "," + std::to_string(blockDimY) +
			"," + std::to_string(blockDimZ) + ") exceeds 1024 threads or the per-dimension limits 1024, 1024, 64");
	if (gridDimX > 2147483647u || gridDimY > 65535 || gridDimZ > 65535)
		return fail(kInvalidValue, call, kname + ": grid exceeds 2^31-1, 65535, 65535");
	if (fn->static_shared + sharedMemBytes > 48 * 1024)
		return fail(kInvalidValue, call, kname + ": " + std::to_string(fn->static_shared) + " bytes of static plus " +
			std::to_string(sharedMemBytes) + " of dynamic shared memory exceed 48 KiB");
	if (kernelParams != nullptr && extra != nullptr)
		return fail(kInvalidValue, call, kname + ": both kernelParams and extra are given");
	std::shared_ptr<Stream> s;
	if (int r = find_stream_locked(c, hStream, call, &s))
		return r;

	/* Copy the parameters now, by the kernel's own sizes: the caller may
	 * reuse its buffers as soon as the call returns. */
	auto l = std::make_shared<Launch>();
	size_t total = 0;
	std::vector<size_t> off(k.nparams);
	for (unsigned i = 0; i < k.nparams; i++) {
		size_t a = std::max(1u, k.param_align[i]);
		total = (total + a - 1) / a * a;
		off[i] = total;
		total += k.param_size[i];
	}
	l->args.reset(new unsigned char[total + 16]);
	unsigned char *buf = l->args.get() + (16 - reinterpret_cast<uintptr_t>(l->args.get()) % 16) % 16;
	if (k.nparams > 0 && kernelParams == nullptr && extra == nullptr)
		return fail(kInvalidValue, call, kname + " takes " + std::to_string(k.nparams) + " parameters; kernelParams and extra are NULL");
	if (kernelParams != nullptr) {
		for (unsigned i = 0; i < k.nparams; i++) {
			if (kernelParams[i] == nullptr)
				return fail(kInvalidValue, call, kname + ": kernelParams[" + std::to_string(i) + "] is NULL");
			memcpy(buf + off[i], kernelParams[i], k.param_size[i]);
		}
	} else if (extra != nullptr) {
		/* CU_LAUNCH_PARAM_BUFFER_POINTER 1, _BUFFER_SIZE 2, _END 0
		 * (cuda.h:5334-5371): one packed buffer, natural alignment. */
		const void *pbuf = nullptr;
		size_t psize = SIZE_MAX;
		for (int i = 0; extra[i] != nullptr; i += 2) {
			uintptr_t key = reinterpret_cast<uintptr_t>(extra[i]);
			if (key == 1)
				pbuf = extra[i + 1];
			else if (key == 2)
				psize = *static_cast<size_t *>(extra[i + 1]);
			else
				return fail(kInvalidValue, call, kname + ": unknown extra key " + hex(key));
		}
		if (pbuf == nullptr || psize == SIZE_MAX)
			return fail(kInvalidValue, call, kname + ": extra needs CU_LAUNCH_PARAM_BUFFER_POINTER and _SIZE");
		if (psize < total)
			return fail(kInvalidValue, call, kname + ": the parameter buffer holds " + std::to_string(psize) +
				" bytes, the kernel takes " + std::to_string(total));
		memcpy(buf, pbuf, total);
	}
	/* Pointer parameters must be NULL or point into (or one past the end
	 * of) a live device or pinned allocation. A real driver would run the
	 * kernel and fault at the first access (700); the stand-in says which
	 * parameter at the call, because a CPU kernel could read host memory
	 * without faulting. */
	std::vector<uintptr_t> uses;
	for (unsigned i = 0; i < k.nparams; i++) {
		l->argv.push_back(buf + off[i]);
		if (!k.param_is_pointer[i])
			continue;
		uintptr_t p;
		memcpy(&p, buf + off[i], sizeof p);
		if (p == 0)
			continue;
		const Alloc *a = find_alloc_locked(p);
		if (a == nullptr && p > 0)
			a = find_alloc_locked(p - 1); // one past the end
		bool in = a && a->live && a->ctx == c && p >= a->base && p <= a->base + a->size;
		if (in) {
			if (std::find(uses.begin(), uses.end(), a->base) == uses.end())
				uses.push_back(a->base);
			continue;
		}
		if (find_pinned_locked(p) != nullptr)
			continue;
		std::string what = a ? (a->live ? "outside " : "in freed ") + alloc_name(*a) : "not device memory (a host pointer?)";
		return fail(kInvalidValue, call, kname + ": parameter " + std::to_string(i) + " (" + hex(p) + ") is " + what);
	}
	l->fn = fn;
	l->grid = {gridDimX, gridDimY, gridDimZ};
	l->block = {blockDimX, blockDimY, blockDimZ};
	l->shared_bytes = sharedMemBytes;
	l->lazy = d.knobs.lazy_threads;
	l->seed = d.knobs.seed * 0x9E3779B97F4A7C15ull + ++c->launch_serial;
	Op op;
	op.what = kname;
	op.uses = uses;
	if (++c->launches == d.knobs.fail_launch) {
		/* VGGO_STANDIN_FAIL_LAUNCH: the launch is accepted, and its
		 * execution fails as a kernel fault does: sticky 719, reported by
		 * the next synchronisation and every call after it. */
		long n = d.knobs.fail_launch;
		op.run = [n](std::string *why) {
			*why = "VGGO_STANDIN_FAIL_LAUNCH=" + std::to_string(n) + ": this launch fails by request";
			return (int)kLaunchFailed;
		};
	} else {
		op.run = [l](std::string *why) { return run_launch(*l, why); };
	}
	enqueue_locked(c, s, std::move(op));
	return kSuccess;
}
CHECK_PROTO(cuLaunchKernel);

/* ---- error names ---- */

EXPORT vgCUresult cuGetErrorName(vgCUresult error, const char **pStr)
{
	if (pStr == nullptr)
		return kInvalidValue;
	for (const auto &e : vgsi_error_texts)
		if (e.code == error) {
			*pStr = e.name;
			return kSuccess;
		}
	/* cuda.h cuGetErrorName: unknown code -> CUDA_ERROR_INVALID_VALUE and
	 * *pStr = NULL. */
	*pStr = nullptr;
	return kInvalidValue;
}
CHECK_PROTO(cuGetErrorName);

EXPORT vgCUresult cuGetErrorString(vgCUresult error, const char **pStr)
{
	if (pStr == nullptr)
		return kInvalidValue;
	for (const auto &e : vgsi_error_texts)
		if (e.code == error) {
			*pStr = e.text;
			return kSuccess;
		}
	*pStr = nullptr;
	return kInvalidValue;
}
CHECK_PROTO(cuGetErrorString);

/* ---- the stand-in interface (standin.h) ---- */

EXPORT int vgsi_ctx_current(void)
{
	Context *c = t_ctx;
	return c != nullptr && c->active ? 1 : 0;
}

EXPORT int vgsi_check_device_range(uint64_t ptr, size_t bytes, const char *what)
{
	Context *c;
	const char *w = what ? what : "device range";
	if (int r = need_ctx(w, &c))
		return r;
	std::lock_guard<std::mutex> g(drv().mu);
	return check_range_locked(c, ptr, bytes, w, "pointer", nullptr);
}

EXPORT int vgsi_enqueue(void *stream, int (*fn)(void *arg), void *arg, void (*free_arg)(void *arg))
{
	/* On an error nothing is queued and the caller keeps arg (free_arg is
	 * not called); once queued, the worker calls free_arg after fn, or
	 * instead of it when a sticky error skips the work. */
	Context *c;
	if (int r = need_ctx("vgsi_enqueue", &c))
		return r;
	if (fn == nullptr)
		return fail(kInvalidValue, "vgsi_enqueue", "fn is NULL");
	std::lock_guard<std::mutex> g(drv().mu);
	std::shared_ptr<Stream> s;
	if (int e = find_stream_locked(c, static_cast<vgCUstream>(stream), "vgsi_enqueue", &s))
		return e;
	std::shared_ptr<void> holder(arg, [free_arg](void *a) {
		if (free_arg)
			free_arg(a);
	});
	Op op;
	op.what = "work queued by the stand-in cuBLAS/cuDNN";
	op.run = [fn, holder](std::string *why) {
		int rc = fn(holder.get());
		if (rc != 0)
			*why = "failed with CUresult " + std::to_string(rc);
		return rc;
	};
	enqueue_locked(c, s, std::move(op));
	return kSuccess;
}

EXPORT int vgsi_stream_sync(void *stream)
{
	return cuStreamSynchronize(static_cast<vgCUstream>(stream));
}

EXPORT int vgsi_fault(const char *lib)
{
	Context *c = t_ctx;
	if (c == nullptr || lib == nullptr)
		return 0;
	Driver &d = drv();
	std::lock_guard<std::mutex> g(d.mu);
	long n = 0;
	const char *knob = nullptr;
	if (strcmp(lib, "cublas") == 0 && ++c->cublas_calls == d.knobs.fail_cublas)
		n = d.knobs.fail_cublas, knob = "VGGO_STANDIN_FAIL_CUBLAS";
	else if (strcmp(lib, "cudnn") == 0 && ++c->cudnn_calls == d.knobs.fail_cudnn)
		n = d.knobs.fail_cudnn, knob = "VGGO_STANDIN_FAIL_CUDNN";
	if (knob == nullptr)
		return 0;
	/* Logged (VGGO_STANDIN_LOG) as the other injected faults are, so that
	 * a test can tell a fault that fired from one past the last call. */
	if (!d.knobs.log_path.empty())
		append_file(d.knobs.log_path, std::string(knob) + "=" + std::to_string(n) + ": this " + lib +
			" call fails by request\n");
	return 1;
}

EXPORT void vgsi_track(const void *obj, const char *kind)
{
	Context *c = t_ctx;
	if (c == nullptr || obj == nullptr)
		return;
	std::lock_guard<std::mutex> g(drv().mu);
	if (c->active)
		c->tracked[obj] = kind ? kind : "object";
}

EXPORT void vgsi_untrack(const void *obj)
{
	std::lock_guard<std::mutex> g(drv().mu);
	for (auto &c : drv().primary)
		if (c)
			c->tracked.erase(obj);
}

EXPORT const char *vgsi_last_error(void) { return t_last_error.c_str(); }

EXPORT int vgsi_cc(void)
{
	Context *c = t_ctx;
	return c != nullptr && c->active ? drv().cc : 0;
}

/* standin.h's prototypes are the ones defined here. */
static_assert(std::is_same_v<decltype(&vgsi_enqueue), int (*)(void *, int (*)(void *), void *, void (*)(void *))>);
