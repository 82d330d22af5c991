//go:build linux && cgo

package cuda

/*
#include <stdlib.h>
#include "decl.h"

static const char *vgc_nvrtcGetErrorString(void *f, int r) { return ((vg_pfn_nvrtcGetErrorString)f)(r); }
static int vgc_nvrtcVersion(void *f, int *a, int *b) { return ((vg_pfn_nvrtcVersion)f)(a, b); }
static int vgc_nvrtcGetNumSupportedArchs(void *f, int *n) { return ((vg_pfn_nvrtcGetNumSupportedArchs)f)(n); }
static int vgc_nvrtcGetSupportedArchs(void *f, int *a) { return ((vg_pfn_nvrtcGetSupportedArchs)f)(a); }
static int vgc_nvrtcCreateProgram(void *f, vgNvrtcProgram *p, const char *src, const char *name) { return ((vg_pfn_nvrtcCreateProgram)f)(p, src, name, 0, NULL, NULL); }
static int vgc_nvrtcCompileProgram(void *f, vgNvrtcProgram p, int n, char **opts) { return ((vg_pfn_nvrtcCompileProgram)f)(p, n, (const char *const *)opts); }
static int vgc_size(void *f, vgNvrtcProgram p, size_t *n) { return ((vg_pfn_nvrtcGetPTXSize)f)(p, n); }
static int vgc_get(void *f, vgNvrtcProgram p, char *out) { return ((vg_pfn_nvrtcGetPTX)f)(p, out); }
static int vgc_nvrtcDestroyProgram(void *f, vgNvrtcProgram *p) { return ((vg_pfn_nvrtcDestroyProgram)f)(p); }
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/vggo/vggo/internal/dl"
)

// NVRTC is the CUDA run-time compiler (libnvrtc.so.13 or .12): it compiles
// CUDA C source for a given architecture and needs no GPU and no context.
//
// Why NVRTC at run time rather than PTX shipped in the module: the binary
// targets the device's own sm_XX (a CUBIN, which needs no driver JIT and so
// no driver newer than the compiler); NVRTC comes in the same CUDA packages
// as cuBLAS, so it adds no dependency; there are no generated artefacts to
// keep in sync with the sources; and CI compiles every kernel with the real
// NVRTC. Compiling takes well under a second and happens once per process
// and architecture (the caller caches the result).
type NVRTC struct {
	lib *lib
}

// The NVRTC functions, by index into NVRTC's function table.
const (
	nvrtcGetErrorString = iota
	nvrtcVersion
	nvrtcGetNumSupportedArchs
	nvrtcGetSupportedArchs
	nvrtcCreateProgram
	nvrtcCompileProgram
	nvrtcGetProgramLogSize
	nvrtcGetProgramLog
	nvrtcGetPTXSize
	nvrtcGetPTX
	nvrtcGetCUBINSize
	nvrtcGetCUBIN
	nvrtcDestroyProgram
	nvrtcSymCount
)

// nvrtcSyms is NVRTC's function table: the dlsym name of each index.
var nvrtcSyms = [nvrtcSymCount]symbol{
	nvrtcGetErrorString:       {"nvrtcGetErrorString", required},
	nvrtcVersion:              {"nvrtcVersion", required},
	nvrtcGetNumSupportedArchs: {"nvrtcGetNumSupportedArchs", required},
	nvrtcGetSupportedArchs:    {"nvrtcGetSupportedArchs", required},
	nvrtcCreateProgram:        {"nvrtcCreateProgram", required},
	nvrtcCompileProgram:       {"nvrtcCompileProgram", required},
	nvrtcGetProgramLogSize:    {"nvrtcGetProgramLogSize", required},
	nvrtcGetProgramLog:        {"nvrtcGetProgramLog", required},
	nvrtcGetPTXSize:           {"nvrtcGetPTXSize", required},
	nvrtcGetPTX:               {"nvrtcGetPTX", required},
	nvrtcGetCUBINSize:         {"nvrtcGetCUBINSize", required},
	nvrtcGetCUBIN:             {"nvrtcGetCUBIN", required},
	nvrtcDestroyProgram:       {"nvrtcDestroyProgram", required},
}

// NVRTCSymbols lists the dlsym names of LoadNVRTC's table, in index order.
func NVRTCSymbols() []string { return names(nvrtcSyms[:]) }

// nvrtcSpec: libnvrtc loads libnvrtc-builtins.so.<major>.<minor> itself; the
// copy next to it is opened first so that lookup finds it.
//
// NoDelete (for libnvrtc and its builtins): Close drops the handles but the
// libraries stay mapped, as libcuda does; unloading and reloading these large
// libraries (static runtime pieces, atexit handlers, thread-local
// destructors) for every backend is a known source of crashes.
func nvrtcSpec(majors []int) libSpec {
	s := libSpec{pipDirs: []string{"cu13/lib", "cuda_nvrtc/lib"}, toolkit: true, flags: dl.Now | dl.Local | dl.NoDelete}
	for _, m := range majors {
		s.sonames = append(s.sonames, fmt.Sprintf("libnvrtc.so.%d", m))
	}
	s.preload = func(dir, so string) ([]string, []string) {
		return nil, existing(dir, "libnvrtc-builtins"+so[len("libnvrtc"):]+".*")
	}
	return s
}

// LoadNVRTC finds libnvrtc and resolves every symbol in NVRTCSymbols.
func LoadNVRTC(opts ...Option) (*NVRTC, error) {
	c := newConfig(opts)
	l, err := c.open(nvrtcSpec(c.majors), nvrtcSyms[:])
	if err != nil {
		return nil, err
	}
	return &NVRTC{lib: l}, nil
}

// Path is where libnvrtc was loaded from.
func (n *NVRTC) Path() string { return n.lib.path }

// Close closes the library handles.
func (n *NVRTC) Close() error { return n.lib.close() }

func (n *NVRTC) check(call int, r C.int) error {
	if r == 0 {
		return nil
	}
	e := &Error{Lib: "nvrtc", Call: nvrtcSyms[call].name, Code: int(r)}
	if s := C.vgc_nvrtcGetErrorString(n.lib.fn[nvrtcGetErrorString], r); s != nil {
		e.Name = C.GoString(s)
	}
	return e
}

// Version is nvrtcVersion.
func (n *NVRTC) Version() (major, minor int, err error) {
	var a, b C.int
	err = n.check(nvrtcVersion, C.vgc_nvrtcVersion(n.lib.fn[nvrtcVersion], &a, &b))
	return int(a), int(b), err
}

// SupportedArchs lists the sm_XX numbers this NVRTC compiles for, ascending.
func (n *NVRTC) SupportedArchs() ([]int, error) {
	var cnt C.int
	if err := n.check(nvrtcGetNumSupportedArchs, C.vgc_nvrtcGetNumSupportedArchs(n.lib.fn[nvrtcGetNumSupportedArchs], &cnt)); err != nil || cnt == 0 {
		return nil, err
	}
	a := make([]C.int, cnt)
	if err := n.check(nvrtcGetSupportedArchs, C.vgc_nvrtcGetSupportedArchs(n.lib.fn[nvrtcGetSupportedArchs], &a[0])); err != nil {
		return nil, err
	}
	out := make([]int, len(a))
	for i, v := range a {
		out[i] = int(v)
	}
	return out, nil
}

// Compiled is a compiled CUDA program.
type Compiled struct {
	// PTX is the PTX text (without the trailing NUL).
	PTX []byte
	// CUBIN is the device binary; empty for a virtual (compute_XX) target.
	CUBIN []byte
	// Log is the compiler's log: warnings, or errors on failure.
	Log string
}

// Image is what to load with Driver.ModuleLoadData: the CUBIN when there is
// one, else the PTX.
func (c Compiled) Image() []byte {
	if len(c.CUBIN) > 0 {
		return c.CUBIN
	}
	return c.PTX
}

// Compile compiles src (named name in messages) with the given NVRTC options.
// A compile error is an *Error whose Msg holds the log.
func (n *NVRTC) Compile(src, name string, options ...string) (Compiled, error) {
	csrc, cname := C.CString(src), C.CString(name)
	defer C.free(unsafe.Pointer(csrc))
	defer C.free(unsafe.Pointer(cname))
	var prog C.vgNvrtcProgram
	if err := n.check(nvrtcCreateProgram, C.vgc_nvrtcCreateProgram(n.lib.fn[nvrtcCreateProgram], &prog, csrc, cname)); err != nil {
		return Compiled{}, err
	}
	defer C.vgc_nvrtcDestroyProgram(n.lib.fn[nvrtcDestroyProgram], &prog)

	copts := C.malloc(C.size_t(len(options)+1) * C.size_t(unsafe.Sizeof(uintptr(0))))
	defer C.free(copts)
	optv := unsafe.Slice((**C.char)(copts), len(options)+1)
	for i, o := range options {
		optv[i] = C.CString(o)
		defer C.free(unsafe.Pointer(optv[i]))
	}
	r := C.vgc_nvrtcCompileProgram(n.lib.fn[nvrtcCompileProgram], prog, C.int(len(options)), (**C.char)(copts))
	var out Compiled
	log, lerr := n.blob(prog, nvrtcGetProgramLogSize, nvrtcGetProgramLog)
	if lerr != nil {
		return out, lerr
	}
	out.Log = strings.TrimSpace(string(log))
	if err := n.check(nvrtcCompileProgram, r); err != nil {
		err.(*Error).Msg = name + ":\n" + out.Log
		return out, err
	}
	var err error
	if out.PTX, err = n.blob(prog, nvrtcGetPTXSize, nvrtcGetPTX); err != nil {
		return out, err
	}
	out.CUBIN, err = n.blob(prog, nvrtcGetCUBINSize, nvrtcGetCUBIN)
	return out, err
}

// blob reads one of the program's outputs (log, PTX, CUBIN), dropping the
// NUL that NVRTC counts in the text sizes.
func (n *NVRTC) blob(prog C.vgNvrtcProgram, sizeCall, getCall int) ([]byte, error) {
	var size C.size_t
	if err := n.check(sizeCall, C.vgc_size(n.lib.fn[sizeCall], prog, &size)); err != nil || size == 0 {
		return nil, err
	}
	buf := make([]byte, int(size))
	if err := n.check(getCall, C.vgc_get(n.lib.fn[getCall], prog, (*C.char)(unsafe.Pointer(&buf[0])))); err != nil {
		return nil, err
	}
	if getCall != nvrtcGetCUBIN {
		buf = []byte(strings.TrimRight(string(buf), "\x00"))
	}
	return buf, nil
}
