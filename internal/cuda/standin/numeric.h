// numeric.h: the helpers the stand-in cuBLAS and cuDNN share: how many
// threads a job may use, the loop that splits a job over them, and the TF32
// and fp16 roundings of the tensor-op math modes.

#ifndef VGGO_STANDIN_NUMERIC_H
#define VGGO_STANDIN_NUMERIC_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace vgsi_numeric {

// threadCount is the number of threads a cuBLAS or cuDNN job may use: up
// to 8 of the hardware's, or VGGO_STANDIN_MATH_THREADS (1..64).
inline int threadCount() {
	static const int n = [] {
		if (const char *e = std::getenv("VGGO_STANDIN_MATH_THREADS")) {
			int v = std::atoi(e);
			if (v >= 1) {
				return std::min(v, 64);
			}
		}
		unsigned hw = std::thread::hardware_concurrency();
		return static_cast<int>(std::clamp(hw, 1u, 8u));
	}();
	return n;
}

// parallelFor runs body(lo, hi) over [0, n) split in contiguous chunks, on
// up to threadCount() threads when the work (n * costPerItem) is large.
template <typename F>
inline void parallelFor(int64_t n, double costPerItem, F body) {
	int t = threadCount();
	double work = static_cast<double>(n) * costPerItem;
	if (work < 2e6) {
		t = 1;
	}
	t = static_cast<int>(std::min<int64_t>(t, n));
	if (t <= 1) {
		if (n > 0) {
			body(int64_t{0}, n);
		}
		return;
	}
	std::vector<std::thread> pool;
	pool.reserve(t - 1);
	int64_t chunk = (n + t - 1) / t;
	for (int i = 1; i < t; i++) {
		int64_t lo = i * chunk, hi = std::min(n, lo + chunk);
		if (lo >= hi) {
			break;
		}
		try {
			pool.emplace_back([=] { body(lo, hi); });
		} catch (...) {  // no thread to be had: do that chunk here
			body(lo, hi);
		}
	}
	body(0, std::min(n, chunk));
	for (auto &th : pool) {
		th.join();
	}
}

// tf32 rounds an fp32 value to TF32: 1 sign, 8 exponent and 10 explicit
// mantissa bits, round to nearest, ties to even; Inf and NaN unchanged, an
// overflow of the largest finite values rounds to Inf as in IEEE arithmetic.
inline float tf32(float f) {
	uint32_t u;
	std::memcpy(&u, &f, 4);
	if ((u & 0x7f800000u) == 0x7f800000u) {
		return f;
	}
	u += 0x0fffu + ((u >> 13) & 1u);
	u &= 0xffffe000u;
	std::memcpy(&f, &u, 4);
	return f;
}

// fp16 rounds an fp32 value to the nearest IEEE half (ties to even): in the
// normal range that is the same 10-bit mantissa rounding as TF32; above 65504
// (from the halfway point 65520) it overflows to Inf; below 2^-14 it is a
// multiple of the subnormal quantum 2^-24.
inline float fp16(float f) {
	if (!std::isfinite(f)) {
		return f;
	}
	float a = std::fabs(f);
	if (a >= 65520.0f) {
		return std::copysign(INFINITY, f);
	}
	if (a < 6.103515625e-05f) {
		const float q = 5.9604644775390625e-08f;
		return std::copysign(std::nearbyint(a / q) * q, f);
	}
	return tf32(f);
}

}  // namespace vgsi_numeric

#endif
