// fake_vgsi.cc: a test-only libcuda.so.1 implementing standin.h for the
// tests of the stand-in cuBLAS and cuDNN (see standin_test.cc). One context,
// one registry of allocations, queued work run at once (or, in deferred mode,
// at the next synchronisation), fault injection driven by fake_fail_call.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "fake_vgsi.h"
#include "standin.h"

namespace {

std::recursive_mutex mu;
std::map<uintptr_t, size_t> allocs;  // base -> bytes
std::set<void *> streams;
std::map<const void *, std::string> tracked;
struct Job {
	int (*fn)(void *);
	void *arg;
	void (*free_arg)(void *);
};
std::deque<Job> queue;
int current = 1, cc = 90, deferred = 0, sticky = 0, jobs = 0, syncs = 0;
std::map<std::string, int> failAt;  // lib -> countdown (1 = next call fails)
thread_local std::string lastError;

int runOne(const Job &j) {
	int r = j.fn(j.arg);
	jobs++;
	if (j.free_arg != nullptr) {
		j.free_arg(j.arg);
	}
	if (r != 0 && sticky == 0) {
		sticky = r;
	}
	return r;
}

}  // namespace

extern "C" {

void *fake_alloc(size_t bytes) {
	size_t n = (bytes + 255) / 256 * 256;
	if (n == 0) {
		n = 256;
	}
	void *p = std::aligned_alloc(256, n);
	uint32_t poison = 0x7FC00001u;
	for (size_t i = 0; i + 4 <= n; i += 4) {
		std::memcpy(static_cast<char *>(p) + i, &poison, 4);
	}
	std::lock_guard<std::recursive_mutex> lk(mu);
	allocs[reinterpret_cast<uintptr_t>(p)] = bytes;
	return p;
}

void fake_free(void *p) {
	std::lock_guard<std::recursive_mutex> lk(mu);
	allocs.erase(reinterpret_cast<uintptr_t>(p));
	std::free(p);
}

void *fake_stream_create(void) {
	std::lock_guard<std::recursive_mutex> lk(mu);
	void *s = std::malloc(1);
	streams.insert(s);
	return s;
}

void fake_set_current(int c) { current = c; }
void fake_set_cc(int c) { cc = c; }
void fake_set_deferred(int d) { deferred = d; }

int fake_drain(void) {
	std::lock_guard<std::recursive_mutex> lk(mu);
	while (!queue.empty()) {
		Job j = queue.front();
		queue.pop_front();
		runOne(j);
	}
	return sticky;
}

void fake_fail_call(const char *lib, int nth) { failAt[lib] = nth; }
int fake_live_objects(void) { return static_cast<int>(tracked.size()); }
int fake_jobs_run(void) { return jobs; }
int fake_syncs(void) { return syncs; }
int fake_sticky(void) { return sticky; }
void fake_clear_sticky(void) { sticky = 0; }

int vgsi_ctx_current(void) { return current; }

int vgsi_check_device_range(uint64_t ptr, size_t bytes, const char *what) {
	if (bytes == 0) {
		return 0;
	}
	if (!current) {
		lastError = std::string(what) + ": no current context";
		return 201;
	}
	std::lock_guard<std::recursive_mutex> lk(mu);
	auto it = allocs.upper_bound(static_cast<uintptr_t>(ptr));
	if (it != allocs.begin()) {
		--it;
		if (ptr >= it->first && ptr + bytes <= it->first + it->second) {
			return 0;
		}
	}
	lastError = std::string(what) + ": range outside every live allocation";
	return 1;
}

int vgsi_enqueue(void *stream, int (*fn)(void *arg), void *arg, void (*free_arg)(void *arg)) {
	std::lock_guard<std::recursive_mutex> lk(mu);
	if (stream != nullptr && streams.count(stream) == 0) {
		lastError = "vgsi_enqueue: unknown stream";
		return 400;
	}
	if (sticky != 0) {
		return sticky;
	}
	Job j{fn, arg, free_arg};
	if (deferred) {
		queue.push_back(j);
		return 0;
	}
	runOne(j);
	return 0;
}

int vgsi_stream_sync(void *stream) {
	(void)stream;
	syncs++;
	return fake_drain();
}

int vgsi_fault(const char *lib) {
	std::lock_guard<std::recursive_mutex> lk(mu);
	auto it = failAt.find(lib);
	if (it == failAt.end() || it->second <= 0) {
		return 0;
	}
	if (--it->second == 0) {
		return 1;
	}
	return 0;
}

void vgsi_track(const void *obj, const char *kind) {
	std::lock_guard<std::recursive_mutex> lk(mu);
	tracked[obj] = kind;
}

void vgsi_untrack(const void *obj) {
	std::lock_guard<std::recursive_mutex> lk(mu);
	tracked.erase(obj);
}

const char *vgsi_last_error(void) { return lastError.c_str(); }

int vgsi_cc(void) { return current ? cc : 0; }

}  // extern "C"
