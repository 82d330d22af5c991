/*
 * image.h: the module images of the stand-in NVRTC, as the stand-in
 * cuModuleLoadDataEx reads them.
 *
 *  - "CUBIN" (nvrtcGetCUBIN, real architectures sm_XX only): an ImageHeader
 *    naming the architecture, followed by the host shared object.
 *  - "PTX" (nvrtcGetPTX, always): PTX-looking text with .version, .target
 *    and one .entry per kernel, as NVIDIA's, with the same shared object in
 *    base64 between two marker comment lines, so that a PTX image (from a
 *    compute_XX target) can be "JIT compiled" by the driver: the driver
 *    accepts it for any device at least as new as its .target, as NVIDIA's
 *    driver JITs PTX forward.
 */
#ifndef VGSI_IMAGE_H
#define VGSI_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <string>

namespace vgsi {

/* The NVRTC version the stand-in reports, and the PTX ISA it writes: CUDA
 * 13.0 writes PTX ISA 9.0. The stand-in driver (13000) JITs PTX up to 9.0,
 * and rejects newer with CUDA_ERROR_UNSUPPORTED_PTX_VERSION. */
constexpr int kNvrtcMajor = 13, kNvrtcMinor = 0;
constexpr int kPtxIsaMajor = 9, kPtxIsaMinor = 0;

constexpr char kImageMagic[8] = {'V', 'G', 'S', 'K', 'C', 'U', 'B', 'N'};
constexpr uint32_t kImageVersion = 1;

struct ImageHeader {
	char magic[8];
	uint32_t version;
	uint32_t arch;     /* sm_XX: 10*major + minor */
	uint64_t so_bytes; /* bytes of shared object after the header */
	char producer[48]; /* NUL-terminated, for humans */
};
static_assert(sizeof(ImageHeader) == 72, "ImageHeader layout");

constexpr const char *kPtxBegin = "// vggo-standin-module-begin";
constexpr const char *kPtxEnd = "// vggo-standin-module-end";
constexpr const char *kPtxLine = "//@";

inline const char *base64_alphabet()
{
	return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

/* base64 of data, in lines of 76 characters each prefixed by kPtxLine. */
inline std::string base64_lines(const unsigned char *p, size_t n)
{
	const char *a = base64_alphabet();
	std::string out, line;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		line += a[(v >> 18) & 63];
		line += a[(v >> 12) & 63];
		line += i + 1 < n ? a[(v >> 6) & 63] : '=';
		line += i + 2 < n ? a[v & 63] : '=';
		if (line.size() >= 76) {
			out += std::string(kPtxLine) + line + "\n";
			line.clear();
		}
	}
	if (!line.empty())
		out += std::string(kPtxLine) + line + "\n";
	return out;
}

/* Decodes base64 text, ignoring whitespace; false on any other character. */
inline bool base64_decode(const char *s, size_t n, std::string *out)
{
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=')
			break;
		const char *pos = strchr(base64_alphabet(), c);
		if (pos == nullptr || c == '\0')
			return false;
		acc = (acc << 6) | (uint32_t)(pos - base64_alphabet());
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->push_back((char)((acc >> bits) & 0xFF));
		}
	}
	return true;
}

} // namespace vgsi

#endif
