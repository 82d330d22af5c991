/*
 * exec.cc: how the stand-in driver executes work.
 *
 * Streams. Each stream has a worker thread that runs its FIFO in order,
 * asynchronously to the host. The legacy default stream gets its implicit
 * synchronisation from dependencies recorded at enqueue time: an op on it
 * waits for the work queued before on every blocking stream (flags 0), and
 * an op on a blocking stream waits for the legacy stream's earlier work
 * (CUDA "stream synchronization behavior"); CU_STREAM_NON_BLOCKING streams
 * take part in neither. A failing op sets the context's sticky error; later
 * ops of the context are skipped, as on a GPU after a fault.
 *
 * Kernels. One block runs at a time, process-wide, on a pool of OS threads
 * (grown to the largest block seen, never shrunk): blockDim.x*y*z of them
 * each run the kernel as one CUDA thread. __syncthreads is a real barrier
 * that also detects divergence: a thread that returns while others wait,
 * or threads waiting at different __syncthreads. Blocks run in an order
 * shuffled from VGGO_STANDIN_SEED and the launch number.
 *
 * Faults. Device memory is host memory with PROT_NONE guard pages, so an
 * out-of-bounds access in a kernel (or in queued cuBLAS/cuDNN work) raises
 * SIGSEGV on a pool or stream thread. A handler recognises those threads
 * (by kernel thread id, without locks or allocation) and siglongjmps back to
 * the point where that thread entered the work; the launch fails with
 * CUDA_ERROR_ILLEGAL_ADDRESS naming the kernel, thread, block and address.
 * Faults on any other thread are passed to the previous handler (the Go
 * runtime's), as cgo requires of a C signal handler. The jump skips the
 * destructors of the faulting frames and leaves any lock they held: safe for
 * the project's kernels (plain loads and stores), documented as a limit for
 * kernels that call into libc.
 */
#include <linux/futex.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "driver_internal.h"

namespace vgsi {

/* ---- the fault handler's thread table ---- */

struct FaultSlot {
	std::atomic<long> tid{0};
	std::atomic<int> armed{0};
	sigjmp_buf jb;
	volatile int signo = 0;
	volatile uintptr_t addr = 0;
};

struct Faults {
	static constexpr int kSlots = 4096;
	FaultSlot slot[kSlots];
	std::atomic<int> high{0};
	struct sigaction old[NSIG];
};

namespace {

thread_local FaultSlot *t_slot = nullptr;
thread_local unsigned t_tid = 0; // the CUDA thread index of a pool thread
thread_local void *t_altstack = nullptr;
constexpr size_t kAltStack = 64 * 1024;

long gettid_() { return syscall(SYS_gettid); }

void futex_wait(std::atomic<uint32_t> *w, uint32_t expect)
{
	syscall(SYS_futex, reinterpret_cast<uint32_t *>(w), FUTEX_WAIT_PRIVATE, expect, nullptr, nullptr, 0);
}

void futex_wake(std::atomic<uint32_t> *w, int n)
{
	syscall(SYS_futex, reinterpret_cast<uint32_t *>(w), FUTEX_WAKE_PRIVATE, n, nullptr, nullptr, 0);
}

void on_fault(int sig, siginfo_t *si, void *uc)
{
	Faults *f = drv().faults;
	long me = gettid_();
	int hi = f->high.load();
	for (int i = 0; i < hi; i++) {
		FaultSlot &s = f->slot[i];
		if (s.tid.load(std::memory_order_relaxed) == me && s.armed.load()) {
			s.armed.store(0);
			s.signo = sig;
			s.addr = reinterpret_cast<uintptr_t>(si->si_addr);
			siglongjmp(s.jb, 1);
		}
	}
	const struct sigaction &o = f->old[sig];
	if (o.sa_flags & SA_SIGINFO) {
		if (o.sa_sigaction) {
			o.sa_sigaction(sig, si, uc);
			return;
		}
	} else if (o.sa_handler != SIG_DFL && o.sa_handler != SIG_IGN) {
		o.sa_handler(sig);
		return;
	}
	/* No handler before ours: restore the default action; the faulting
	 * instruction runs again and the process dies as it would have. */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, nullptr);
}

/* Every stand-in worker thread: asynchronous signals blocked (they belong
 * to the process's own threads), an alternate signal stack (so a kernel's
 * stack overflow is reported, not fatal), a fault slot. */
void worker_begin()
{
	sigset_t s;
	sigfillset(&s);
	for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS})
		sigdelset(&s, sig);
	pthread_sigmask(SIG_BLOCK, &s, nullptr);
	void *st = mmap(nullptr, kAltStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st != MAP_FAILED) {
		stack_t ss;
		ss.ss_sp = st;
		ss.ss_size = kAltStack;
		ss.ss_flags = 0;
		if (sigaltstack(&ss, nullptr) == 0)
			t_altstack = st;
		else
			munmap(st, kAltStack);
	}
	Faults *f = drv().faults;
	long me = gettid_();
	for (int i = 0; i < Faults::kSlots; i++) {
		long zero = 0;
		if (f->slot[i].tid.compare_exchange_strong(zero, me)) {
			t_slot = &f->slot[i];
			int hi = f->high.load();
			while (hi < i + 1 && !f->high.compare_exchange_weak(hi, i + 1)) {
			}
			break;
		}
	}
}

void worker_end()
{
	if (t_slot) {
		t_slot->armed.store(0);
		t_slot->tid.store(0);
		t_slot = nullptr;
	}
	if (t_altstack) {
		stack_t ss;
		memset(&ss, 0, sizeof ss);
		ss.ss_flags = SS_DISABLE;
		sigaltstack(&ss, nullptr);
		munmap(t_altstack, kAltStack);
		t_altstack = nullptr;
	}
}

const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	default: return "signal";
	}
}

/* The CUresult of a fault: an access outside mapped memory is
 * CUDA_ERROR_ILLEGAL_ADDRESS; an arithmetic trap (integer division by zero,
 * which the GPU does not trap) an unspecified launch failure. */
int fault_code(int sig) { return sig == SIGSEGV || sig == SIGBUS ? kIllegalAddress : kLaunchFailed; }

std::string fault_text(int sig, uintptr_t addr)
{
	if (sig == SIGSEGV || sig == SIGBUS)
		return std::string(signal_name(sig)) + ": illegal access to " + describe_address(addr);
	return std::string(signal_name(sig)) + " (arithmetic exception)";
}

/* Runs op.run with the fault slot armed; 0 or the op's code. */
__attribute__((noinline)) int run_op_guarded(Op &op, std::string *why)
{
	FaultSlot *s = t_slot;
	if (s == nullptr)
		return op.run(why);
	if (sigsetjmp(s->jb, 1) != 0) {
		*why = fault_text(s->signo, s->addr);
		return fault_code(s->signo);
	}
	s->armed.store(1);
	int rc = op.run(why);
	s->armed.store(0);
	return rc;
}

std::string dim_text(const vgsk_dim &d)
{
	return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," + std::to_string(d.z) + ")";
}

} // namespace

/* ---- streams ---- */

void Stream::loop()
{
	worker_begin();
	Driver &d = drv();
	for (;;) {
		Op op;
		{
			std::unique_lock<std::mutex> lk(mu);
			cv.wait(lk, [&] { return !queue.empty() || closing; });
			if (queue.empty())
				break;
			op = std::move(queue.front());
			queue.pop_front();
		}
		if (op.defer) {
			std::unique_lock<std::mutex> lk(ctx->epoch_mu);
			ctx->epoch_cv.wait(lk, [&] { return ctx->epoch > op.epoch; });
		}
		for (auto &dep : op.deps)
			dep.first->wait_for(dep.second);
		op.deps.clear();
		if (op.delay_us > 0)
			std::this_thread::sleep_for(std::chrono::microseconds(op.delay_us));
		std::string why;
		int rc = 0;
		if (ctx->sticky.load() == 0)
			rc = run_op_guarded(op, &why);
		op.run = nullptr; // releases what the op holds (vgsi free_arg)
		if (rc != 0)
			set_sticky(ctx, rc, op.what + ": " + why);
		if (!op.uses.empty()) {
			std::lock_guard<std::mutex> g(d.mu);
			for (uintptr_t b : op.uses) {
				auto it = d.allocs.find(b);
				if (it != d.allocs.end() && it->second.inflight > 0)
					it->second.inflight--;
			}
		}
		{
			std::lock_guard<std::mutex> lk(mu);
			completed = op.seq;
		}
		cv.notify_all();
	}
	worker_end();
	finished.store(true);
}

void Stream::wait_for(uint64_t seq)
{
	std::unique_lock<std::mutex> lk(mu);
	cv.wait(lk, [&] { return completed >= seq; });
}

std::shared_ptr<Stream> start_stream(Context *ctx, uintptr_t handle, unsigned flags, bool legacy)
{
	auto s = std::make_shared<Stream>();
	s->handle = handle;
	s->ctx = ctx;
	s->flags = flags;
	s->legacy = legacy;
	Stream *raw = s.get();
	s->worker = std::thread([raw] { raw->loop(); });
	return s;
}

uint64_t enqueue_locked(Context *ctx, const std::shared_ptr<Stream> &s, Op op)
{
	Driver &d = drv();
	auto add_dep = [&op](const std::shared_ptr<Stream> &t) {
		std::lock_guard<std::mutex> lk(t->mu);
		if (t->enqueued > t->completed)
			op.deps.emplace_back(t, t->enqueued);
	};
	if (s->legacy) {
		for (auto &kv : ctx->streams)
			if (kv.second->flags == 0)
				add_dep(kv.second);
		for (auto &r : ctx->retired)
			if (r->flags == 0)
				add_dep(r);
	} else if (s->flags == 0 && ctx->legacy) {
		add_dep(ctx->legacy);
	}
	op.delay_us = d.knobs.delay_us;
	op.defer = d.knobs.defer;
	{
		std::lock_guard<std::mutex> lk(ctx->epoch_mu);
		op.epoch = ctx->epoch;
	}
	for (uintptr_t b : op.uses) {
		auto it = d.allocs.find(b);
		if (it != d.allocs.end())
			it->second.inflight++;
	}
	uint64_t seq;
	{
		std::lock_guard<std::mutex> lk(s->mu);
		seq = op.seq = ++s->enqueued;
		s->queue.push_back(std::move(op));
	}
	s->cv.notify_all();
	return seq;
}

void kick(Context *ctx)
{
	if (!drv().knobs.defer)
		return;
	{
		std::lock_guard<std::mutex> lk(ctx->epoch_mu);
		if (ctx->epoch != UINT64_MAX)
			ctx->epoch++;
	}
	ctx->epoch_cv.notify_all();
}

std::vector<std::shared_ptr<Stream>> all_streams_locked(Context *ctx)
{
	std::vector<std::shared_ptr<Stream>> out;
	if (ctx->legacy)
		out.push_back(ctx->legacy);
	for (auto &kv : ctx->streams)
		out.push_back(kv.second);
	for (auto &r : ctx->retired)
		out.push_back(r);
	return out;
}

void drain_all(Context *ctx)
{
	std::vector<std::shared_ptr<Stream>> streams;
	{
		std::lock_guard<std::mutex> g(drv().mu);
		streams = all_streams_locked(ctx);
	}
	kick(ctx);
	for (auto &s : streams) {
		uint64_t seq;
		{
			std::lock_guard<std::mutex> lk(s->mu);
			seq = s->enqueued;
		}
		s->wait_for(seq);
	}
}

void stop_stream(const std::shared_ptr<Stream> &s)
{
	{
		std::lock_guard<std::mutex> lk(s->mu);
		s->closing = true;
	}
	s->cv.notify_all();
	if (s->worker.joinable())
		s->worker.join();
}

/* ---- the block engine ---- */

struct Block {
	const vgsk_module_info *mod = nullptr;
	const vgsk_kernel_info *k = nullptr;
	void *const *argv = nullptr;
	vgsk_dim bdim{}, bidx{};
	unsigned n = 0;
	bool lazy = false;
	std::vector<uint32_t> order;        // claim number -> thread index
	std::atomic<unsigned> next{0};      // CUDA threads claimed
	std::atomic<uint32_t> remaining{0}; // CUDA threads not finished (futex word)
	std::atomic<bool> open{false};      // pool threads may join
	std::atomic<unsigned> inside{0};    // pool threads in the block

	/* mu guards arrivals; waiters sleep on gen (a futex word), which the
	 * last arrival and a failure advance. */
	std::mutex mu;
	std::atomic<uint32_t> gen{0};
	unsigned arrived = 0;
	const char *site = nullptr;
	unsigned site_tid = 0;
	/* Threads that have left the kernel, and whether any thread has reached
	 * a barrier in this block. Both sequentially consistent: a thread
	 * arriving at a barrier sets barrier_used, then reads exited; an exiting
	 * thread increments exited, then reads barrier_used; so of a concurrent
	 * exit and arrival at least one sees the other, and a block without
	 * barriers finishes without taking mu. */
	std::atomic<unsigned> exited{0};
	std::atomic<bool> barrier_used{false};
	std::atomic<unsigned> exit_tid{~0u}; // the first thread to return
	std::atomic<bool> failed{false};
	int code = 0;
	std::string why;

	std::string tid_text(unsigned t) const
	{
		vgsk_dim d = {t % bdim.x, (t / bdim.x) % bdim.y, t / (bdim.x * bdim.y)};
		return "thread " + dim_text(d);
	}
	void release_all()
	{
		gen.fetch_add(1);
		futex_wake(&gen, INT32_MAX);
	}
	void fail_locked(int c, const std::string &w)
	{
		if (!failed.load()) {
			code = c;
			why = w;
			failed.store(true);
		}
		release_all();
	}
	int barrier(unsigned t, const char *s);
	void wait_turn();
	void thread_exit(unsigned t, int rc, const std::string &fault, int fault_code);
};

/* __syncthreads: every thread of the block must arrive at the same call;
 * a thread that has returned can never arrive, so the block has diverged
 * (CUDA C++ Programming Guide: __syncthreads in conditional code is allowed
 * only if the condition is uniform across the block). */
int Block::barrier(unsigned t, const char *s)
{
	std::unique_lock<std::mutex> lk(mu);
	barrier_used.store(true);
	if (failed.load())
		return 1;
	if (exited.load() > 0) {
		fail_locked(kLaunchFailed, tid_text(t) + " waits at __syncthreads (" + s + ") but " + tid_text(exit_tid.load()) +
			" has returned: the barrier can never complete (divergent __syncthreads)");
		return 1;
	}
	if (arrived == 0) {
		site = s;
		site_tid = t;
	} else if (site != s && strcmp(site, s) != 0) {
		fail_locked(kLaunchFailed, tid_text(t) + " waits at __syncthreads (" + s + ") while " + tid_text(site_tid) +
			" waits at another one (" + site + "): divergent __syncthreads");
		return 1;
	}
	if (++arrived == n) {
		arrived = 0;
		release_all();
		return 0;
	}
	uint32_t g = gen.load();
	lk.unlock();
	wait_turn();
	while (gen.load() == g)
		futex_wait(&gen, g);
	return failed.load() ? 1 : 0;
}

void Block::thread_exit(unsigned t, int rc, const std::string &fault, int fcode)
{
	if (rc == 0) {
		unsigned none = ~0u;
		exit_tid.compare_exchange_strong(none, t);
	}
	exited.fetch_add(1);
	if (rc == 0 && !barrier_used.load())
		return;
	std::lock_guard<std::mutex> lk(mu);
	if (rc == 3) {
		fail_locked(fcode, tid_text(t) + ": " + fault);
	} else if (rc == 2) {
		fail_locked(kLaunchFailed, tid_text(t) + " threw a C++ exception");
	} else if (rc == 0 && arrived > 0) {
		fail_locked(kLaunchFailed, tid_text(t) + " returned while " + std::to_string(arrived) +
			" thread(s) wait at __syncthreads (" + site + "): divergent __syncthreads");
	}
}

struct Engine {
	std::mutex run_mu; // one launch at a time
	std::mutex grow_mu;
	unsigned threads = 0;
	std::atomic<uint32_t> permits{0}; // OS threads asked to join the block
	Block blk;
	vgsk_driver_api api{};

	void grow(unsigned n);
	void release(unsigned k)
	{
		permits.fetch_add(k);
		futex_wake(&permits, (int)k);
	}
};

namespace {

Engine &engine() { return *drv().engine; }

int api_barrier(const char *site) { return engine().blk.barrier(t_tid, site); }

/* Runs one CUDA thread with the fault slot armed: the module's return code
 * (0, 1 aborted, 2 exception) or 3 after a fault (details in the slot). */
__attribute__((noinline)) int run_thread_guarded(const vgsk_module_info *m, const vgsk_kernel_info *k, void *const *argv,
	const vgsk_dim *tid)
{
	FaultSlot *s = t_slot;
	if (s == nullptr)
		return m->run_thread(k, argv, tid);
	if (sigsetjmp(s->jb, 1) != 0)
		return 3;
	s->armed.store(1);
	int rc = m->run_thread(k, argv, tid);
	s->armed.store(0);
	return rc;
}

/* A pool thread: takes a permit, joins the current block while it is open,
 * and runs CUDA threads of it: exactly one in the default mode, as many as
 * are unclaimed in the lazy mode. */
void pool_main()
{
	worker_begin();
	Engine &e = engine();
	for (;;) {
		uint32_t p = e.permits.load();
		for (;;) {
			if (p == 0) {
				futex_wait(&e.permits, 0);
				p = e.permits.load();
				continue;
			}
			if (e.permits.compare_exchange_weak(p, p - 1))
				break;
		}
		Block &b = e.blk;
		b.inside.fetch_add(1);
		if (!b.open.load()) { // a permit left over from a finished block
			b.inside.fetch_sub(1);
			continue;
		}
		unsigned limit = b.lazy ? ~0u : 1u;
		for (unsigned done = 0; done < limit; done++) {
			unsigned c = b.next.fetch_add(1);
			if (c >= b.n)
				break;
			unsigned t = b.order[c];
			t_tid = t;
			vgsk_dim tid = {t % b.bdim.x, (t / b.bdim.x) % b.bdim.y, t / (b.bdim.x * b.bdim.y)};
			int rc = run_thread_guarded(b.mod, b.k, b.argv, &tid);
			std::string fault;
			int fcode = 0;
			if (rc == 3) {
				fault = fault_text(t_slot->signo, t_slot->addr);
				fcode = fault_code(t_slot->signo);
			}
			b.thread_exit(t, rc, fault, fcode);
			if (b.remaining.fetch_sub(1) == 1)
				futex_wake(&b.remaining, 1);
		}
		b.inside.fetch_sub(1);
	}
}

/* A seeded shuffle of [0, n) (Fisher-Yates up to 2^20 elements, a random
 * affine bijection beyond): the order blocks run in, and the order the
 * threads of a block are started in. */
struct Shuffle {
	std::vector<uint32_t> perm;
	uint64_t n, a = 1, c = 0;
	static uint64_t mix(uint64_t &s)
	{
		uint64_t z = (s += 0x9E3779B97F4A7C15ull);
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		return z ^ (z >> 31);
	}
	Shuffle(uint64_t count, uint64_t seed) : n(count)
	{
		if (n <= (1u << 20)) {
			perm.resize(n);
			for (uint64_t i = 0; i < n; i++)
				perm[i] = (uint32_t)i;
			for (uint64_t i = n; i > 1; i--)
				std::swap(perm[i - 1], perm[mix(seed) % i]);
		} else {
			do
				a = mix(seed) % n | 1;
			while (std::__gcd(a, n) != 1);
			c = mix(seed) % n;
		}
	}
	uint64_t operator[](uint64_t i) const
	{
		return perm.empty() ? (uint64_t)(((unsigned __int128)a * i + c) % n) : perm[i];
	}
};

void poison(char *b, char *e)
{
	for (char *p = b; p + 4 <= e; p += 4) {
		uint32_t v = 0x7FC00001;
		memcpy(p, &v, 4);
	}
}

unsigned cpus()
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1u;
}

} // namespace

void Engine::grow(unsigned n)
{
	std::lock_guard<std::mutex> g(grow_mu);
	while (threads < n) {
		std::thread(pool_main).detach();
		threads++;
	}
}

void Block::wait_turn()
{
	/* Lazy mode: a CUDA thread about to wait at a barrier hands its OS
	 * thread's place to one more OS thread while CUDA threads of the block
	 * have not started, so the barrier can complete. */
	if (lazy && next.load() < n)
		engine().release(1);
}

int run_launch(Launch &l, std::string *why)
{
	Engine &e = engine();
	std::lock_guard<std::mutex> g(e.run_mu);
	e.api.barrier = api_barrier;
	const vgsk_module_info *mi = l.fn->module->info;
	const vgsk_kernel_info *k = l.fn->kernel;
	unsigned n = l.block.x * l.block.y * l.block.z;
	const unsigned first = l.lazy ? std::min(n, cpus()) : n;
	e.grow(n + cpus());
	uint64_t nb = (uint64_t)l.grid.x * l.grid.y * l.grid.z;
	uint64_t seed = l.seed;
	Shuffle order(nb, seed);
	for (uint64_t i = 0; i < nb; i++) {
		uint64_t bl = order[i];
		vgsk_dim bi = {(unsigned)(bl % l.grid.x), (unsigned)(bl / l.grid.x % l.grid.y),
			(unsigned)(bl / ((uint64_t)l.grid.x * l.grid.y))};
		/* Shared memory is not initialised on the device: NaN words. */
		poison(k->shared_begin, k->shared_end);
		poison(mi->shared_begin, mi->shared_end);
		mi->set_block(&bi, &l.block, &l.grid, &e.api);
		Block &b = e.blk;
		{
			std::lock_guard<std::mutex> lk(b.mu);
			b.mod = mi;
			b.k = k;
			b.argv = l.argv.data();
			b.bdim = l.block;
			b.bidx = bi;
			b.n = n;
			b.lazy = l.lazy;
			Shuffle threads(n, Shuffle::mix(seed));
			b.order = std::move(threads.perm);
			b.next.store(0);
			b.remaining.store(n);
			b.arrived = 0;
			b.exited.store(0);
			b.barrier_used.store(false);
			b.exit_tid.store(~0u);
			b.site = nullptr;
			b.failed.store(false);
			b.code = 0;
			b.why.clear();
		}
		b.open.store(true);
		e.release(first);
		/* Lazy mode: a block that makes no progress for 5 ms gets more OS
		 * threads (doubling, up to one per CUDA thread), so that threads
		 * that wait for each other without __syncthreads (spin loops, legal
		 * since Volta's independent thread scheduling) all get to run. */
		unsigned granted = first;
		uint32_t r, last = n + 1;
		while ((r = b.remaining.load()) != 0) {
			if (!l.lazy) {
				futex_wait(&b.remaining, r);
				continue;
			}
			struct timespec ts = {0, 5 * 1000 * 1000};
			syscall(SYS_futex, reinterpret_cast<uint32_t *>(&b.remaining), FUTEX_WAIT_PRIVATE, r, &ts, nullptr, 0);
			if (b.remaining.load() == r && r == last && granted < n && b.next.load() < n) {
				unsigned add = std::min(n - granted, granted);
				granted += add;
				e.release(add);
			}
			last = r;
		}
		b.open.store(false);
		while (b.inside.load() != 0)
			std::this_thread::yield();
		if (b.failed.load()) {
			*why = "block " + dim_text(bi) + " of grid " + dim_text(l.grid) + ", block size " + dim_text(l.block) + ": " + b.why;
			return b.code;
		}
	}
	return 0;
}

void install_fault_handler()
{
	Driver &d = drv();
	d.faults = new Faults;
	d.engine = new Engine;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (int sig : {SIGSEGV, SIGBUS, SIGFPE})
		sigaction(sig, &sa, &d.faults->old[sig]);
}

} // namespace vgsi
