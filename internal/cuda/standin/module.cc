/*
 * module.cc: cuModuleLoadDataEx's image handling (see image.h): which
 * images this device accepts, and loading the host shared object inside one
 * through a memfd and dlopen.
 *
 * Acceptance follows NVIDIA's rules (CUDA C++ Programming Guide, "Binary
 * Compatibility"): a CUBIN for sm_XY runs on devices of the same major
 * version X with minor version >= Y, else CUDA_ERROR_NO_BINARY_FOR_GPU; PTX
 * is JIT-compiled for the device when its .target is not newer than the
 * device (else CUDA_ERROR_INVALID_PTX) and its .version is one this driver
 * knows (else CUDA_ERROR_UNSUPPORTED_PTX_VERSION). Anything else is
 * CUDA_ERROR_INVALID_IMAGE.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver_internal.h"
#include "image.h"

namespace vgsi {

namespace {

std::string arch_text(int a) { return "sm_" + std::to_string(a); }

int dlopen_bytes(const char *data, size_t n, const std::string &label, std::string *log, void **out)
{
	int fd = memfd_create(label.c_str(), MFD_CLOEXEC);
	if (fd < 0) {
		*log = "memfd_create failed: " + std::string(strerror(errno));
		return kInvalidImage;
	}
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, data + done, n - done);
		if (w <= 0) {
			close(fd);
			*log = "writing the module failed: " + std::string(strerror(errno));
			return kInvalidImage;
		}
		done += (size_t)w;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	close(fd);
	if (h == nullptr) {
		const char *e = dlerror();
		*log = "the module's code does not load: " + std::string(e ? e : "dlopen failed");
		return kInvalidImage;
	}
	*out = h;
	return kSuccess;
}

} // namespace

void dlclose_module(void *dl) { dlclose(dl); }

int load_image(const void *image, std::string *log, void **dl, const vgsk_module_info **info, std::string *label)
{
	const int cc = drv().cc;
	const char *p = static_cast<const char *>(image);
	std::string so;
	const char *data;
	size_t n;
	int arch;
	if (memcmp(p, kImageMagic, sizeof kImageMagic) == 0) {
		ImageHeader h;
		memcpy(&h, p, sizeof h);
		if (h.version != kImageVersion) {
			*log = "a stand-in CUBIN of format version " + std::to_string(h.version) + ", this driver reads " +
				std::to_string(kImageVersion);
			return kInvalidImage;
		}
		arch = (int)h.arch;
		if (arch / 10 != cc / 10 || arch % 10 > cc % 10) {
			*log = "the CUBIN is for " + arch_text(arch) + "; this device is " + arch_text(cc) +
				" (a CUBIN runs only on its own major version, same or newer minor)";
			return kNoBinaryForGpu;
		}
		data = p + sizeof h;
		n = h.so_bytes;
		*label = "cubin-" + arch_text(arch);
	} else if (memcmp(p, "\x7f" "ELF", 4) == 0) {
		*log = "an ELF image (a real NVIDIA CUBIN?): the CPU stand-in runs only what the stand-in NVRTC compiled";
		return kNoBinaryForGpu;
	} else {
		/* PTX: NUL-terminated text (cuda.h cuModuleLoadData: "a pointer to
		 * a NULL-terminated string containing PTX"). */
		const char *end = p; /* the text runs to its NUL */
		const char *ver = end ? strstr(p, ".version ") : nullptr;
		const char *tgt = end ? strstr(p, ".target ") : nullptr;
		if (ver == nullptr || tgt == nullptr) {
			*log = "the image is neither a stand-in CUBIN nor PTX text (.version and .target missing)";
			return kInvalidImage;
		}
		int vmaj = 0, vmin = 0;
		if (sscanf(ver, ".version %d.%d", &vmaj, &vmin) != 2) {
			*log = "malformed .version directive";
			return kInvalidPtx;
		}
		if (vmaj > kPtxIsaMajor || (vmaj == kPtxIsaMajor && vmin > kPtxIsaMinor)) {
			*log = "PTX ISA " + std::to_string(vmaj) + "." + std::to_string(vmin) + " is newer than this driver's " +
				std::to_string(kPtxIsaMajor) + "." + std::to_string(kPtxIsaMinor);
			return kUnsupportedPtxVersion;
		}
		if (sscanf(tgt, ".target sm_%d", &arch) != 1) {
			*log = "malformed .target directive";
			return kInvalidPtx;
		}
		if (arch > cc) {
			*log = "ptxas fatal: the PTX .target " + arch_text(arch) + " is newer than this device (" + arch_text(cc) + ")";
			return kInvalidPtx;
		}
		const char *b = strstr(p, kPtxBegin);
		const char *e = b ? strstr(b, kPtxEnd) : nullptr;
		if (b == nullptr || e == nullptr) {
			*log = "PTX without the stand-in's module: the CPU stand-in cannot JIT-compile real PTX";
			return kInvalidPtx;
		}
		std::string text;
		for (const char *l = strchr(b, '\n'); l && l < e; l = strchr(l + 1, '\n')) {
			const char *q = l + 1;
			if (strncmp(q, kPtxLine, strlen(kPtxLine)) == 0) {
				const char *le = strchr(q, '\n');
				text.append(q + strlen(kPtxLine), le ? (size_t)(le - q) - strlen(kPtxLine) : strlen(q));
			}
		}
		if (!base64_decode(text.data(), text.size(), &so) || so.empty()) {
			*log = "the PTX's embedded module is corrupt";
			return kInvalidPtx;
		}
		data = so.data();
		n = so.size();
		*label = "ptx-" + arch_text(arch) + "-jit-" + arch_text(cc);
	}
	if (n < 4 || memcmp(data, "\x7f" "ELF", 4) != 0) {
		*log = "the image's module is not a shared object";
		return kInvalidImage;
	}
	void *h = nullptr;
	if (int r = dlopen_bytes(data, n, "vggo-standin-" + *label, log, &h))
		return r;
	using getter = const vgsk_module_info *(*)(void);
	getter g = reinterpret_cast<getter>(dlsym(h, "vgsk_module"));
	const vgsk_module_info *mi = g ? g() : nullptr;
	if (mi == nullptr || mi->abi_version != vgsk_abi_version) {
		dlclose(h);
		*log = mi ? "the module was built for another stand-in kernel ABI" : "the shared object is not a stand-in module";
		return kInvalidImage;
	}
	if ((int)mi->arch != arch) {
		dlclose(h);
		*log = "the module was compiled for " + arch_text((int)mi->arch) + " but labelled " + arch_text(arch);
		return kInvalidImage;
	}
	*dl = h;
	*info = mi;
	return kSuccess;
}

} // namespace vgsi
