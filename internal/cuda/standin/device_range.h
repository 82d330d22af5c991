// device_range.h: the device-pointer argument check that the stand-in cuBLAS
// and cuDNN share. Each library passes its own status code and its own fail
// (which records and prints the message in that library's words).

#ifndef VGGO_STANDIN_DEVICE_RANGE_H
#define VGGO_STANDIN_DEVICE_RANGE_H

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "standin.h"

namespace vgsi_range {

// check asks libcuda whether [p, p+bytes) is device memory of the current
// context, naming the argument "call what" in libcuda's last-error text. It
// returns 0, or fail(status, call, message) when the range is not.
template <typename Fail>
int check(const char *call, const char *what, const void *p, size_t bytes, int status, Fail fail) {
	if (bytes == 0) {
		return 0;
	}
	char name[112];
	std::snprintf(name, sizeof name, "%s %s", call, what);
	if (int r = vgsi_check_device_range(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)), bytes, name); r != 0) {
		return fail(status, call, "%s: %zu bytes at %p are not device memory of the current context (CUDA error %d: %s)",
		            what, bytes, p, r, vgsi_last_error());
	}
	return 0;
}

}  // namespace vgsi_range

#endif
