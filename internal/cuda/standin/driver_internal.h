/*
 * driver_internal.h: the state of the stand-in CUDA driver (libcuda.so.1),
 * shared by driver.cc (the API), exec.cc (streams, the block engine, fault
 * handling) and module.cc (images, kernels).
 *
 * The driver's process-wide state is one Driver object (drv()), created on
 * first use and never destroyed: like NVIDIA's driver, it lives until the
 * process exits (worker threads may still run when static destructors
 * would). Everything a context owns hangs off its Context.
 */
#ifndef VGSI_DRIVER_INTERNAL_H
#define VGSI_DRIVER_INTERNAL_H

#include <stdint.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kernel_abi.h"

namespace vgsi {

/* CUresult values used here (cuda.h:2743-3445). */
enum Result : int {
	kSuccess = 0,
	kInvalidValue = 1,
	kOutOfMemory = 2,
	kNotInitialized = 3,
	kNoDevice = 100,
	kInvalidDevice = 101,
	kInvalidImage = 200,
	kInvalidContext = 201,
	kNoBinaryForGpu = 209,
	kInvalidPtx = 218,
	kUnsupportedPtxVersion = 222,
	kInvalidHandle = 400,
	kNotFound = 500,
	kNotReady = 600,
	kIllegalAddress = 700,
	kContextIsDestroyed = 709,
	kLaunchFailed = 719,
	kUnknown = 999,
};

/* The driver version the stand-in reports (cuDriverGetVersion): CUDA 13.0,
 * so that kernels/cuda picks the 13 libraries. */
constexpr int kDriverVersion = 13000;

/* Knobs from the environment. The device knobs are read once, by the first
 * successful cuInit; the others each time a primary context becomes active
 * (retain from 0), which also restarts the fault-injection counts, so a test
 * sets them before it retains the context. */
struct Knobs {
	bool verbose = false;        // VGGO_STANDIN_VERBOSE=1: every error to stderr
	std::string log_path;        // VGGO_STANDIN_LOG: every error, appended
	std::string leaks_path;      // VGGO_STANDIN_LEAKS: leak report, appended
	long delay_us = 0;           // VGGO_STANDIN_STREAM_DELAY_US: before each queued op
	bool defer = false;          // VGGO_STANDIN_DEFER=1: queued work waits for a host wait
	long fail_alloc = 0;         // VGGO_STANDIN_FAIL_ALLOC=N
	long fail_launch = 0;        // VGGO_STANDIN_FAIL_LAUNCH=N
	long fail_cublas = 0;        // VGGO_STANDIN_FAIL_CUBLAS=N
	long fail_cudnn = 0;         // VGGO_STANDIN_FAIL_CUDNN=N
	uint64_t seed = 0x5eed;      // VGGO_STANDIN_SEED: block and thread order
	bool lazy_threads = false;   // VGGO_STANDIN_THREADS=lazy: OS threads on demand
};

struct Context;
struct Stream;
struct Module;

/* One device allocation (cuMemAlloc). The mapping is
 * [map, map+maplen) = guard page, readable span, guard page; base is placed
 * at the end of the span (256-byte aligned), so an overrun past the
 * 256-rounded size hits the trailing guard at once. Freed allocations stay
 * in the registry, PROT_NONE, in a bounded quarantine, so a use after free
 * faults and is named as such. */
struct Alloc {
	uintptr_t base = 0;
	size_t size = 0;
	uintptr_t map = 0;
	size_t maplen = 0;
	Context *ctx = nullptr;
	bool live = false;
	uint64_t serial = 0; // allocation number, for messages
	int inflight = 0;    // queued driver operations that use it
};

/* One pinned host allocation (cuMemAllocHost). */
struct Pinned {
	uintptr_t base = 0;
	size_t size = 0;
	uintptr_t map = 0;
	size_t maplen = 0;
	Context *ctx = nullptr;
};

/* One queued operation. run returns 0 or a CUresult and may describe a
 * failure in *why; it executes on the stream's worker thread. deps are
 * (stream, sequence number) pairs to wait for first (the legacy default
 * stream's implicit synchronisation); uses are the allocations it touches
 * (their inflight counts drop when it completes). */
struct Op {
	std::function<int(std::string *why)> run;
	std::vector<std::pair<std::shared_ptr<Stream>, uint64_t>> deps;
	std::vector<uintptr_t> uses;
	uint64_t seq = 0;
	uint64_t epoch = 0;
	long delay_us = 0;
	bool defer = false;
	std::string what; // for messages: "cuMemcpyHtoDAsync_v2", "kernel vgg_x", ...
};

/* A stream: a FIFO executed in order by its own worker thread. */
struct Stream {
	uintptr_t handle = 0; // 0 for the legacy default stream
	Context *ctx = nullptr;
	unsigned flags = 0; // 0 blocking, 1 CU_STREAM_NON_BLOCKING
	bool legacy = false;

	std::mutex mu;
	std::condition_variable cv;
	std::deque<Op> queue;
	uint64_t enqueued = 0;  // sequence number of the last op queued
	uint64_t completed = 0; // of the last op finished
	bool closing = false;
	std::atomic<bool> finished{false};
	std::thread worker;

	void loop();
	void wait_for(uint64_t seq);
};

/* An event. A record enqueues a marker op; the event is complete when the
 * marker has run. */
struct Event {
	uintptr_t handle = 0;
	Context *ctx = nullptr;
	unsigned flags = 0;
	std::mutex mu;
	bool recorded = false;
	uint64_t generation = 0; // which record the marker belongs to
	std::shared_ptr<Stream> stream;
	uint64_t seq = 0;
	bool done = false;
	double time_ms = 0; // completion time of the marker
};

/* A loaded module: the dlopen'ed shared object of a stand-in image. */
struct Module {
	uintptr_t handle = 0;
	Context *ctx = nullptr;
	void *dl = nullptr;
	const vgsk_module_info *info = nullptr;
	std::string label;
	std::map<std::string, uintptr_t> functions; // name -> CUfunction
	~Module();
};

struct Function {
	uintptr_t handle = 0;
	std::shared_ptr<Module> module;
	const vgsk_kernel_info *kernel = nullptr;
	size_t static_shared = 0;
};

/* A device's primary context. The object (and its handle) is created on the
 * first retain and kept for the process, as the driver keeps its primary
 * contexts; "active" says whether it is initialised. */
struct Context {
	uintptr_t handle = 0;
	int device = 0;
	int refcount = 0;
	unsigned flags = 0;
	bool active = false;
	std::mutex life; // serialises retain and release (reset)

	std::shared_ptr<Stream> legacy; // created on first use
	std::map<uintptr_t, std::shared_ptr<Stream>> streams;
	std::vector<std::shared_ptr<Stream>> retired; // destroyed, maybe still draining
	std::map<uintptr_t, std::shared_ptr<Event>> events;
	std::map<uintptr_t, std::shared_ptr<Module>> modules;
	std::map<uintptr_t, std::shared_ptr<Function>> functions;
	std::map<const void *, std::string> tracked; // vgsi_track

	/* The sticky error of a fault in queued work (0 none). */
	std::atomic<int> sticky{0};
	std::string sticky_why;

	/* VGGO_STANDIN_DEFER: ops queued in epoch e run once epoch > e. */
	std::mutex epoch_mu;
	std::condition_variable epoch_cv;
	uint64_t epoch = 0;

	long allocs = 0, launches = 0, cublas_calls = 0, cudnn_calls = 0;
	uint64_t launch_serial = 0;
};

struct Driver {
	std::mutex mu; // guards everything below
	std::atomic<bool> inited{false};
	int ndev = 1;
	int cc = 90;
	int sms = 4;
	size_t mem_bytes = size_t(8) << 30;
	Knobs knobs;

	std::vector<std::unique_ptr<Context>> primary; // per device, once retained
	std::vector<size_t> used;                      // device bytes allocated, per device

	std::map<uintptr_t, Alloc> allocs; // by base, live and quarantined
	std::deque<uintptr_t> quarantine;
	size_t quarantine_bytes = 0;
	uint64_t alloc_serial = 0;
	std::map<uintptr_t, Pinned> pinned;

	/* Handles are addresses in a reserved PROT_NONE region: never
	 * dereferenced, never reused, never in the Go heap. */
	uintptr_t handle_base = 0;
	uint64_t handle_next = 1;
	uintptr_t new_handle();

	struct Engine *engine = nullptr; // the block engine (exec.cc)
	struct Faults *faults = nullptr; // the fault handler's thread table (exec.cc)
};

Driver &drv();

/* Records an error: the calling thread's last-error text (vgsi_last_error),
 * stderr when VGGO_STANDIN_VERBOSE=1, the VGGO_STANDIN_LOG file. Returns
 * code. */
int fail(int code, const char *call, const std::string &why);
void note(const std::string &line); // stderr + log file, always
void append_file(const std::string &path, const std::string &text);
std::string hex(uintptr_t v);

/* The current context of the calling thread. */
Context *&current();

/* Sets the sticky error of ctx (the first one wins). */
void set_sticky(Context *ctx, int code, const std::string &why);

/* Streams. */
std::shared_ptr<Stream> start_stream(Context *ctx, uintptr_t handle, unsigned flags, bool legacy);
/* Enqueues op on s with the legacy-stream dependencies; caller holds
 * drv().mu. Returns the op's sequence number. */
uint64_t enqueue_locked(Context *ctx, const std::shared_ptr<Stream> &s, Op op);
/* Lets deferred work run (VGGO_STANDIN_DEFER) before a host wait. */
void kick(Context *ctx);
/* Waits until every stream of ctx has drained (drv().mu not held). */
void drain_all(Context *ctx);
std::vector<std::shared_ptr<Stream>> all_streams_locked(Context *ctx);
void stop_stream(const std::shared_ptr<Stream> &s); // close and join

/* Fault handling (exec.cc). Installs the SIGSEGV/SIGBUS/SIGFPE handler. */
void install_fault_handler();

/* The block engine (exec.cc). */
struct Launch {
	std::shared_ptr<Function> fn;
	vgsk_dim grid{}, block{};
	unsigned shared_bytes = 0;
	bool lazy = false; // VGGO_STANDIN_THREADS=lazy
	std::unique_ptr<unsigned char[]> args; // the copied parameter bytes
	std::vector<void *> argv;              // pointers into args
	uint64_t seed = 0;
};
int run_launch(Launch &l, std::string *why);

/* Describes address a for a fault message: which allocation it is in, past,
 * or freed from (takes drv().mu). */
std::string describe_address(uintptr_t a);

/* Modules (module.cc): parse and load an image; sets *log on failure. */
int load_image(const void *image, std::string *log, void **dl, const vgsk_module_info **info, std::string *label);
void dlclose_module(void *dl);

} // namespace vgsi

#endif
