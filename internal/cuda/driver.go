//go:build linux && cgo

package cuda

/*
#include <stdint.h>
#include <stdlib.h>
#include "decl.h"

static int vgc_cuInit(void *f, unsigned int flags) { return ((vg_pfn_cuInit)f)(flags); }
static int vgc_cuDriverGetVersion(void *f, int *v) { return ((vg_pfn_cuDriverGetVersion)f)(v); }
static int vgc_cuDeviceGetCount(void *f, int *n) { return ((vg_pfn_cuDeviceGetCount)f)(n); }
static int vgc_cuDeviceGet(void *f, vgCUdevice *d, int ordinal) { return ((vg_pfn_cuDeviceGet)f)(d, ordinal); }
static int vgc_cuDeviceGetName(void *f, char *name, int len, vgCUdevice d) { return ((vg_pfn_cuDeviceGetName)f)(name, len, d); }
static int vgc_cuDeviceTotalMem_v2(void *f, size_t *b, vgCUdevice d) { return ((vg_pfn_cuDeviceTotalMem_v2)f)(b, d); }
static int vgc_cuDeviceGetAttribute(void *f, int *v, int a, vgCUdevice d) { return ((vg_pfn_cuDeviceGetAttribute)f)(v, a, d); }
static int vgc_cuDevicePrimaryCtxRetain(void *f, vgCUcontext *c, vgCUdevice d) { return ((vg_pfn_cuDevicePrimaryCtxRetain)f)(c, d); }
static int vgc_cuDevicePrimaryCtxRelease_v2(void *f, vgCUdevice d) { return ((vg_pfn_cuDevicePrimaryCtxRelease_v2)f)(d); }
static int vgc_cuDevicePrimaryCtxSetFlags_v2(void *f, vgCUdevice d, unsigned int fl) { return ((vg_pfn_cuDevicePrimaryCtxSetFlags_v2)f)(d, fl); }
static int vgc_cuCtxSetCurrent(void *f, vgCUcontext c) { return ((vg_pfn_cuCtxSetCurrent)f)(c); }
static int vgc_cuCtxGetCurrent(void *f, vgCUcontext *c) { return ((vg_pfn_cuCtxGetCurrent)f)(c); }
static int vgc_cuCtxSynchronize(void *f) { return ((vg_pfn_cuCtxSynchronize)f)(); }
static int vgc_cuMemGetInfo_v2(void *f, size_t *fr, size_t *t) { return ((vg_pfn_cuMemGetInfo_v2)f)(fr, t); }
static int vgc_cuMemAlloc_v2(void *f, vgCUdeviceptr *p, size_t n) { return ((vg_pfn_cuMemAlloc_v2)f)(p, n); }
static int vgc_cuMemFree_v2(void *f, vgCUdeviceptr p) { return ((vg_pfn_cuMemFree_v2)f)(p); }
static int vgc_cuMemAllocHost_v2(void *f, void **p, size_t n) { return ((vg_pfn_cuMemAllocHost_v2)f)(p, n); }
static int vgc_cuMemFreeHost(void *f, void *p) { return ((vg_pfn_cuMemFreeHost)f)(p); }
static int vgc_cuMemcpyHtoD_v2(void *f, vgCUdeviceptr d, const void *s, size_t n) { return ((vg_pfn_cuMemcpyHtoD_v2)f)(d, s, n); }
static int vgc_cuMemcpyDtoH_v2(void *f, void *d, vgCUdeviceptr s, size_t n) { return ((vg_pfn_cuMemcpyDtoH_v2)f)(d, s, n); }
static int vgc_cuMemcpyDtoD_v2(void *f, vgCUdeviceptr d, vgCUdeviceptr s, size_t n) { return ((vg_pfn_cuMemcpyDtoD_v2)f)(d, s, n); }
static int vgc_cuMemcpyHtoDAsync_v2(void *f, vgCUdeviceptr d, const void *s, size_t n, vgCUstream st) { return ((vg_pfn_cuMemcpyHtoDAsync_v2)f)(d, s, n, st); }
static int vgc_cuMemcpyDtoHAsync_v2(void *f, void *d, vgCUdeviceptr s, size_t n, vgCUstream st) { return ((vg_pfn_cuMemcpyDtoHAsync_v2)f)(d, s, n, st); }
static int vgc_cuMemcpyDtoDAsync_v2(void *f, vgCUdeviceptr d, vgCUdeviceptr s, size_t n, vgCUstream st) { return ((vg_pfn_cuMemcpyDtoDAsync_v2)f)(d, s, n, st); }
static int vgc_cuMemsetD32_v2(void *f, vgCUdeviceptr d, unsigned int v, size_t n) { return ((vg_pfn_cuMemsetD32_v2)f)(d, v, n); }
static int vgc_cuMemsetD32Async(void *f, vgCUdeviceptr d, unsigned int v, size_t n, vgCUstream st) { return ((vg_pfn_cuMemsetD32Async)f)(d, v, n, st); }
static int vgc_cuStreamCreate(void *f, vgCUstream *s, unsigned int fl) { return ((vg_pfn_cuStreamCreate)f)(s, fl); }
static int vgc_cuStreamSynchronize(void *f, vgCUstream s) { return ((vg_pfn_cuStreamSynchronize)f)(s); }
static int vgc_cuStreamDestroy_v2(void *f, vgCUstream s) { return ((vg_pfn_cuStreamDestroy_v2)f)(s); }
static int vgc_cuEventCreate(void *f, vgCUevent *e, unsigned int fl) { return ((vg_pfn_cuEventCreate)f)(e, fl); }
static int vgc_cuEventRecord(void *f, vgCUevent e, vgCUstream s) { return ((vg_pfn_cuEventRecord)f)(e, s); }
static int vgc_cuEventSynchronize(void *f, vgCUevent e) { return ((vg_pfn_cuEventSynchronize)f)(e); }
static int vgc_cuEventElapsedTime(void *f, float *ms, vgCUevent a, vgCUevent b) { return ((vg_pfn_cuEventElapsedTime)f)(ms, a, b); }
static int vgc_cuEventDestroy_v2(void *f, vgCUevent e) { return ((vg_pfn_cuEventDestroy_v2)f)(e); }
static int vgc_cuModuleUnload(void *f, vgCUmodule m) { return ((vg_pfn_cuModuleUnload)f)(m); }
static int vgc_cuModuleGetFunction(void *f, vgCUfunction *fn, vgCUmodule m, const char *name) { return ((vg_pfn_cuModuleGetFunction)f)(fn, m, name); }

// The JIT error log goes to a caller buffer, so a bad image says why.
static int vgc_cuModuleLoadDataEx(void *f, vgCUmodule *m, const void *image, char *log, size_t logSize) {
	vgCUjit_option opts[2] = { VG_CU_JIT_ERROR_LOG_BUFFER, VG_CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES };
	void *vals[2] = { log, (void *)(uintptr_t)logSize };
	return ((vg_pfn_cuModuleLoadDataEx)f)(m, image, 2, opts, vals);
}

// kernelParams must point at each argument's value for the duration of the
// launch call (the driver copies them): args is the caller's packed argument
// block, offsets the start of each argument in it.
static int vgc_cuLaunchKernel(void *f, vgCUfunction fn, unsigned int gx, unsigned int gy, unsigned int gz,
		unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared, vgCUstream st,
		char *args, const int *offsets, int nargs) {
	void *params[64];
	if (nargs > 64) return VG_CUDA_ERROR_INVALID_VALUE;
	for (int i = 0; i < nargs; i++) params[i] = args + offsets[i];
	return ((vg_pfn_cuLaunchKernel)f)(fn, gx, gy, gz, bx, by, bz, shared, st, params, NULL);
}

static const char *vgc_errName(void *f, int code) {
	const char *s = NULL;
	if (((vg_pfn_cuGetErrorName)f)(code, &s) != 0) return NULL;
	return s;
}
*/
import "C"

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/vggo/vggo/internal/dl"
)

// Context is a CUDA context (the device's primary context).
type Context struct{ h C.vgCUcontext }

// Stream is a CUDA stream. The zero Stream is the legacy default stream. It
// is the same C type as cudaStream_t, so it is passed to cuBLAS and cuDNN.
type Stream struct{ h C.vgCUstream }

// Event is a CUDA event.
type Event struct{ h C.vgCUevent }

// Module is a loaded CUBIN or PTX image.
type Module struct{ h C.vgCUmodule }

// Function is a kernel in a Module.
type Function struct{ h C.vgCUfunction }

// Driver is the CUDA driver API, loaded from libcuda.so.1.
//
// Threads: the driver keeps the current context per OS thread, and a
// goroutine may move between OS threads between any two calls. Code that
// calls the driver (and cuBLAS or cuDNN, which use the current context) must
// therefore run on one goroutine that has called runtime.LockOSThread and then
// CtxSetCurrent, and keep that lock while it uses the GPU. The methods here do
// not set the context themselves.
//
// A Driver is safe for concurrent use only in the sense that its function
// table never changes; the CUDA objects it creates follow CUDA's rules.
//
// Optional symbols: the functions of methods the backend does not call are
// optional in the driver's table (a driver without one still loads), and
// such a method returns a *SymbolError, with Optional set, when the loaded
// driver lacks its function.
type Driver struct {
	lib *lib
}

// LoadDriver opens libcuda.so.1 (from the directories in the options and
// EnvPath, then the system search; never the CUDA toolkit's stubs) and
// resolves every driver function the binding uses. It does not call cuInit.
func LoadDriver(opts ...Option) (*Driver, error) {
	c := newConfig(opts)
	spec := libSpec{sonames: []string{"libcuda.so.1"}, flags: dl.Now | dl.Local | dl.NoDelete}
	l, err := c.open(spec, driverSyms[:])
	if err != nil {
		return nil, err
	}
	return &Driver{lib: l}, nil
}

// Path is where libcuda was loaded from.
func (d *Driver) Path() string { return d.lib.path }

// Close closes the library handle. libcuda itself stays mapped (it was
// opened RTLD_NODELETE), since the driver does not support being unloaded
// while contexts may exist.
func (d *Driver) Close() error { return d.lib.close() }

// The driver functions, by index into Driver's function table.
const (
	cuInit = iota
	cuDriverGetVersion
	cuDeviceGetCount
	cuDeviceGet
	cuDeviceGetName
	cuDeviceTotalMem
	cuDeviceGetAttribute
	cuDevicePrimaryCtxRetain
	cuDevicePrimaryCtxRelease
	cuDevicePrimaryCtxSetFlags
	cuCtxSetCurrent
	cuCtxGetCurrent
	cuCtxSynchronize
	cuMemGetInfo
	cuMemAlloc
	cuMemFree
	cuMemAllocHost
	cuMemFreeHost
	cuMemcpyHtoD
	cuMemcpyDtoH
	cuMemcpyDtoD
	cuMemcpyHtoDAsync
	cuMemcpyDtoHAsync
	cuMemcpyDtoDAsync
	cuMemsetD32
	cuMemsetD32Async
	cuStreamCreate
	cuStreamSynchronize
	cuStreamDestroy
	cuEventCreate
	cuEventRecord
	cuEventSynchronize
	cuEventElapsedTime
	cuEventDestroy
	cuModuleLoadDataEx
	cuModuleUnload
	cuModuleGetFunction
	cuLaunchKernel
	cuGetErrorName
	cuGetErrorString
	driverSymCount
)

// driverSyms is the driver's function table: the dlsym name of each index.
// The optional ones are calls the backend does not make (the synchronous
// copies and memset, CtxGetCurrent, CtxSynchronize, MemGetInfo,
// EventElapsedTime): a driver without one still loads, and only calling that
// method fails, with a *SymbolError.
var driverSyms = [driverSymCount]symbol{
	cuInit:                     {"cuInit", required},
	cuDriverGetVersion:         {"cuDriverGetVersion", required},
	cuDeviceGetCount:           {"cuDeviceGetCount", required},
	cuDeviceGet:                {"cuDeviceGet", required},
	cuDeviceGetName:            {"cuDeviceGetName", required},
	cuDeviceTotalMem:           {"cuDeviceTotalMem_v2", required},
	cuDeviceGetAttribute:       {"cuDeviceGetAttribute", required},
	cuDevicePrimaryCtxRetain:   {"cuDevicePrimaryCtxRetain", required},
	cuDevicePrimaryCtxRelease:  {"cuDevicePrimaryCtxRelease_v2", required},
	cuDevicePrimaryCtxSetFlags: {"cuDevicePrimaryCtxSetFlags_v2", required},
	cuCtxSetCurrent:            {"cuCtxSetCurrent", required},
	cuCtxGetCurrent:            {"cuCtxGetCurrent", optional},
	cuCtxSynchronize:           {"cuCtxSynchronize", optional},
	cuMemGetInfo:               {"cuMemGetInfo_v2", optional},
	cuMemAlloc:                 {"cuMemAlloc_v2", required},
	cuMemFree:                  {"cuMemFree_v2", required},
	cuMemAllocHost:             {"cuMemAllocHost_v2", required},
	cuMemFreeHost:              {"cuMemFreeHost", required},
	cuMemcpyHtoD:               {"cuMemcpyHtoD_v2", optional},
	cuMemcpyDtoH:               {"cuMemcpyDtoH_v2", optional},
	cuMemcpyDtoD:               {"cuMemcpyDtoD_v2", optional},
	cuMemcpyHtoDAsync:          {"cuMemcpyHtoDAsync_v2", required},
	cuMemcpyDtoHAsync:          {"cuMemcpyDtoHAsync_v2", required},
	cuMemcpyDtoDAsync:          {"cuMemcpyDtoDAsync_v2", optional},
	cuMemsetD32:                {"cuMemsetD32_v2", optional},
	cuMemsetD32Async:           {"cuMemsetD32Async", required},
	cuStreamCreate:             {"cuStreamCreate", required},
	cuStreamSynchronize:        {"cuStreamSynchronize", required},
	cuStreamDestroy:            {"cuStreamDestroy_v2", required},
	cuEventCreate:              {"cuEventCreate", required},
	cuEventRecord:              {"cuEventRecord", required},
	cuEventSynchronize:         {"cuEventSynchronize", required},
	cuEventElapsedTime:         {"cuEventElapsedTime", optional},
	cuEventDestroy:             {"cuEventDestroy_v2", required},
	cuModuleLoadDataEx:         {"cuModuleLoadDataEx", required},
	cuModuleUnload:             {"cuModuleUnload", required},
	cuModuleGetFunction:        {"cuModuleGetFunction", required},
	cuLaunchKernel:             {"cuLaunchKernel", required},
	cuGetErrorName:             {"cuGetErrorName", required},
	cuGetErrorString:           {"cuGetErrorString", required},
}

// DriverSymbols lists the dlsym names of LoadDriver's table, in index order.
func DriverSymbols() []string { return names(driverSyms[:]) }

func (d *Driver) fn(i int) unsafe.Pointer { return d.lib.fn[i] }

func (d *Driver) check(call int, r C.int) error {
	if r == 0 {
		return nil
	}
	e := &Error{Lib: "cuda", Call: driverSyms[call].name, Code: int(r), Name: "CUDA_ERROR_UNKNOWN_CODE"}
	if s := C.vgc_errName(d.fn(cuGetErrorName), r); s != nil {
		e.Name = C.GoString(s)
	}
	if s := C.vgc_errName(d.fn(cuGetErrorString), r); s != nil {
		e.Msg = C.GoString(s)
	}
	return e
}

// Init calls cuInit(0); it must precede every other call but DriverVersion.
func (d *Driver) Init() error { return d.check(cuInit, C.vgc_cuInit(d.fn(cuInit), 0)) }

// DriverVersion is cuDriverGetVersion: 1000*major + 10*minor, e.g. 13000.
func (d *Driver) DriverVersion() (int, error) {
	var v C.int
	err := d.check(cuDriverGetVersion, C.vgc_cuDriverGetVersion(d.fn(cuDriverGetVersion), &v))
	return int(v), err
}

// DeviceCount is cuDeviceGetCount.
func (d *Driver) DeviceCount() (int, error) {
	var n C.int
	err := d.check(cuDeviceGetCount, C.vgc_cuDeviceGetCount(d.fn(cuDeviceGetCount), &n))
	return int(n), err
}

// Device is a CUDA device handle (CUdevice).
type Device int32

// DeviceGet is cuDeviceGet.
func (d *Driver) DeviceGet(ordinal int) (Device, error) {
	var dev C.vgCUdevice
	err := d.check(cuDeviceGet, C.vgc_cuDeviceGet(d.fn(cuDeviceGet), &dev, C.int(ordinal)))
	return Device(dev), err
}

// DeviceName is cuDeviceGetName.
func (d *Driver) DeviceName(dev Device) (string, error) {
	buf := make([]byte, 256)
	r := C.vgc_cuDeviceGetName(d.fn(cuDeviceGetName), (*C.char)(unsafe.Pointer(&buf[0])), C.int(len(buf)), C.vgCUdevice(dev))
	if err := d.check(cuDeviceGetName, r); err != nil {
		return "", err
	}
	return C.GoString((*C.char)(unsafe.Pointer(&buf[0]))), nil
}

// DeviceTotalMem is cuDeviceTotalMem_v2, in bytes.
func (d *Driver) DeviceTotalMem(dev Device) (uint64, error) {
	var n C.size_t
	err := d.check(cuDeviceTotalMem, C.vgc_cuDeviceTotalMem_v2(d.fn(cuDeviceTotalMem), &n, C.vgCUdevice(dev)))
	return uint64(n), err
}

// DeviceAttribute is a CUdevice_attribute value.
type DeviceAttribute int32

// The device attributes the backend reads.
const (
	AttrMaxThreadsPerBlock     DeviceAttribute = C.VG_CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK
	AttrMultiprocessorCount    DeviceAttribute = C.VG_CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
	AttrComputeCapabilityMajor DeviceAttribute = C.VG_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
	AttrComputeCapabilityMinor DeviceAttribute = C.VG_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
)

// DeviceAttribute is cuDeviceGetAttribute.
func (d *Driver) DeviceAttribute(dev Device, a DeviceAttribute) (int, error) {
	var v C.int
	err := d.check(cuDeviceGetAttribute, C.vgc_cuDeviceGetAttribute(d.fn(cuDeviceGetAttribute), &v, C.int(a), C.vgCUdevice(dev)))
	return int(v), err
}

// ComputeCapability returns 10*major+minor, e.g. 90 for Hopper.
func (d *Driver) ComputeCapability(dev Device) (int, error) {
	major, err := d.DeviceAttribute(dev, AttrComputeCapabilityMajor)
	if err != nil {
		return 0, err
	}
	minor, err := d.DeviceAttribute(dev, AttrComputeCapabilityMinor)
	return 10*major + minor, err
}

// CtxSchedBlockingSync makes synchronizing calls sleep instead of spinning
// (CU_CTX_SCHED_BLOCKING_SYNC), for PrimaryCtxSetFlags.
const CtxSchedBlockingSync = C.VG_CU_CTX_SCHED_BLOCKING_SYNC

// PrimaryCtxSetFlags is cuDevicePrimaryCtxSetFlags_v2; call it before the
// first PrimaryCtxRetain.
func (d *Driver) PrimaryCtxSetFlags(dev Device, flags uint32) error {
	return d.check(cuDevicePrimaryCtxSetFlags, C.vgc_cuDevicePrimaryCtxSetFlags_v2(d.fn(cuDevicePrimaryCtxSetFlags), C.vgCUdevice(dev), C.uint(flags)))
}

// PrimaryCtxRetain is cuDevicePrimaryCtxRetain: the device's primary context,
// the one cuBLAS and cuDNN also use. It does not make it current.
func (d *Driver) PrimaryCtxRetain(dev Device) (Context, error) {
	var c C.vgCUcontext
	err := d.check(cuDevicePrimaryCtxRetain, C.vgc_cuDevicePrimaryCtxRetain(d.fn(cuDevicePrimaryCtxRetain), &c, C.vgCUdevice(dev)))
	return Context{c}, err
}

// PrimaryCtxRelease is cuDevicePrimaryCtxRelease_v2; pair it with each
// PrimaryCtxRetain after destroying everything made in the context.
func (d *Driver) PrimaryCtxRelease(dev Device) error {
	return d.check(cuDevicePrimaryCtxRelease, C.vgc_cuDevicePrimaryCtxRelease_v2(d.fn(cuDevicePrimaryCtxRelease), C.vgCUdevice(dev)))
}

// CtxSetCurrent is cuCtxSetCurrent: binds ctx to the calling OS thread. Call
// it after runtime.LockOSThread, on the goroutine that will use the GPU.
func (d *Driver) CtxSetCurrent(ctx Context) error {
	return d.check(cuCtxSetCurrent, C.vgc_cuCtxSetCurrent(d.fn(cuCtxSetCurrent), ctx.h))
}

// CtxGetCurrent is cuCtxGetCurrent; the zero Context means none is current.
// Its symbol is optional (see Driver).
func (d *Driver) CtxGetCurrent() (Context, error) {
	f, err := d.lib.get(cuCtxGetCurrent)
	if err != nil {
		return Context{}, err
	}
	var c C.vgCUcontext
	err = d.check(cuCtxGetCurrent, C.vgc_cuCtxGetCurrent(f, &c))
	return Context{c}, err
}

// CtxSynchronize is cuCtxSynchronize.
// Its symbol is optional (see Driver).
func (d *Driver) CtxSynchronize() error {
	f, err := d.lib.get(cuCtxSynchronize)
	if err != nil {
		return err
	}
	return d.check(cuCtxSynchronize, C.vgc_cuCtxSynchronize(f))
}

// MemGetInfo is cuMemGetInfo_v2: free and total device memory in bytes.
// Its symbol is optional (see Driver).
func (d *Driver) MemGetInfo() (free, total uint64, err error) {
	f, err := d.lib.get(cuMemGetInfo)
	if err != nil {
		return 0, 0, err
	}
	var fr, t C.size_t
	err = d.check(cuMemGetInfo, C.vgc_cuMemGetInfo_v2(f, &fr, &t))
	return uint64(fr), uint64(t), err
}

// DevicePtr is a device address (CUdeviceptr). It is an integer, not a Go
// pointer; offsets may be added to it.
type DevicePtr uint64

// MemAlloc is cuMemAlloc_v2.
func (d *Driver) MemAlloc(bytes uint64) (DevicePtr, error) {
	var p C.vgCUdeviceptr
	err := d.check(cuMemAlloc, C.vgc_cuMemAlloc_v2(d.fn(cuMemAlloc), &p, C.size_t(bytes)))
	return DevicePtr(p), err
}

// MemFree is cuMemFree_v2.
func (d *Driver) MemFree(p DevicePtr) error {
	return d.check(cuMemFree, C.vgc_cuMemFree_v2(d.fn(cuMemFree), C.vgCUdeviceptr(p)))
}

// MemAllocHost is cuMemAllocHost_v2: page-locked host memory, the only kind
// the Async copies may use (Go memory must not be retained by C after a call
// returns). Free it with MemFreeHost.
func (d *Driver) MemAllocHost(bytes uint64) (unsafe.Pointer, error) {
	var p unsafe.Pointer
	err := d.check(cuMemAllocHost, C.vgc_cuMemAllocHost_v2(d.fn(cuMemAllocHost), &p, C.size_t(bytes)))
	return p, err
}

// MemFreeHost is cuMemFreeHost.
func (d *Driver) MemFreeHost(p unsafe.Pointer) error {
	return d.check(cuMemFreeHost, C.vgc_cuMemFreeHost(d.fn(cuMemFreeHost), p))
}

// MemcpyHtoD is cuMemcpyHtoD_v2. src may be Go memory: the call returns only
// once the source has been read.
// Its symbol is optional (see Driver).
func (d *Driver) MemcpyHtoD(dst DevicePtr, src unsafe.Pointer, bytes uint64) error {
	f, err := d.lib.get(cuMemcpyHtoD)
	if err != nil {
		return err
	}
	return d.check(cuMemcpyHtoD, C.vgc_cuMemcpyHtoD_v2(f, C.vgCUdeviceptr(dst), src, C.size_t(bytes)))
}

// MemcpyDtoH is cuMemcpyDtoH_v2. dst may be Go memory.
// Its symbol is optional (see Driver).
func (d *Driver) MemcpyDtoH(dst unsafe.Pointer, src DevicePtr, bytes uint64) error {
	f, err := d.lib.get(cuMemcpyDtoH)
	if err != nil {
		return err
	}
	return d.check(cuMemcpyDtoH, C.vgc_cuMemcpyDtoH_v2(f, dst, C.vgCUdeviceptr(src), C.size_t(bytes)))
}

// MemcpyDtoD is cuMemcpyDtoD_v2.
// Its symbol is optional (see Driver).
func (d *Driver) MemcpyDtoD(dst, src DevicePtr, bytes uint64) error {
	f, err := d.lib.get(cuMemcpyDtoD)
	if err != nil {
		return err
	}
	return d.check(cuMemcpyDtoD, C.vgc_cuMemcpyDtoD_v2(f, C.vgCUdeviceptr(dst), C.vgCUdeviceptr(src), C.size_t(bytes)))
}

// MemcpyHtoDAsync is cuMemcpyHtoDAsync_v2. src must come from MemAllocHost
// and stay untouched until the stream has been synchronized.
func (d *Driver) MemcpyHtoDAsync(dst DevicePtr, src unsafe.Pointer, bytes uint64, s Stream) error {
	return d.check(cuMemcpyHtoDAsync, C.vgc_cuMemcpyHtoDAsync_v2(d.fn(cuMemcpyHtoDAsync), C.vgCUdeviceptr(dst), src, C.size_t(bytes), s.h))
}

// MemcpyDtoHAsync is cuMemcpyDtoHAsync_v2. dst must come from MemAllocHost.
func (d *Driver) MemcpyDtoHAsync(dst unsafe.Pointer, src DevicePtr, bytes uint64, s Stream) error {
	return d.check(cuMemcpyDtoHAsync, C.vgc_cuMemcpyDtoHAsync_v2(d.fn(cuMemcpyDtoHAsync), dst, C.vgCUdeviceptr(src), C.size_t(bytes), s.h))
}

// MemcpyDtoDAsync is cuMemcpyDtoDAsync_v2.
// Its symbol is optional (see Driver).
func (d *Driver) MemcpyDtoDAsync(dst, src DevicePtr, bytes uint64, s Stream) error {
	f, err := d.lib.get(cuMemcpyDtoDAsync)
	if err != nil {
		return err
	}
	return d.check(cuMemcpyDtoDAsync, C.vgc_cuMemcpyDtoDAsync_v2(f, C.vgCUdeviceptr(dst), C.vgCUdeviceptr(src), C.size_t(bytes), s.h))
}

// MemsetD32 is cuMemsetD32_v2: n 32-bit words set to value (use
// math.Float32bits for a float).
// Its symbol is optional (see Driver).
func (d *Driver) MemsetD32(dst DevicePtr, value uint32, n uint64) error {
	f, err := d.lib.get(cuMemsetD32)
	if err != nil {
		return err
	}
	return d.check(cuMemsetD32, C.vgc_cuMemsetD32_v2(f, C.vgCUdeviceptr(dst), C.uint(value), C.size_t(n)))
}

// MemsetD32Async is cuMemsetD32Async.
func (d *Driver) MemsetD32Async(dst DevicePtr, value uint32, n uint64, s Stream) error {
	return d.check(cuMemsetD32Async, C.vgc_cuMemsetD32Async(d.fn(cuMemsetD32Async), C.vgCUdeviceptr(dst), C.uint(value), C.size_t(n), s.h))
}

// StreamNonBlocking makes a stream that does not synchronize with the legacy
// default stream (CU_STREAM_NON_BLOCKING).
const StreamNonBlocking = C.VG_CU_STREAM_NON_BLOCKING

// StreamCreate is cuStreamCreate.
func (d *Driver) StreamCreate(flags uint32) (Stream, error) {
	var s C.vgCUstream
	err := d.check(cuStreamCreate, C.vgc_cuStreamCreate(d.fn(cuStreamCreate), &s, C.uint(flags)))
	return Stream{s}, err
}

// StreamSynchronize is cuStreamSynchronize.
func (d *Driver) StreamSynchronize(s Stream) error {
	return d.check(cuStreamSynchronize, C.vgc_cuStreamSynchronize(d.fn(cuStreamSynchronize), s.h))
}

// StreamDestroy is cuStreamDestroy_v2.
func (d *Driver) StreamDestroy(s Stream) error {
	return d.check(cuStreamDestroy, C.vgc_cuStreamDestroy_v2(d.fn(cuStreamDestroy), s.h))
}

// EventDisableTiming makes a cheaper event that EventElapsedTime rejects.
const EventDisableTiming = C.VG_CU_EVENT_DISABLE_TIMING

// EventCreate is cuEventCreate.
func (d *Driver) EventCreate(flags uint32) (Event, error) {
	var e C.vgCUevent
	err := d.check(cuEventCreate, C.vgc_cuEventCreate(d.fn(cuEventCreate), &e, C.uint(flags)))
	return Event{e}, err
}

// EventRecord is cuEventRecord.
func (d *Driver) EventRecord(e Event, s Stream) error {
	return d.check(cuEventRecord, C.vgc_cuEventRecord(d.fn(cuEventRecord), e.h, s.h))
}

// EventSynchronize is cuEventSynchronize.
func (d *Driver) EventSynchronize(e Event) error {
	return d.check(cuEventSynchronize, C.vgc_cuEventSynchronize(d.fn(cuEventSynchronize), e.h))
}

// EventElapsedTime is cuEventElapsedTime, in milliseconds. The unsuffixed
// symbol is bound because CUDA 12 drivers before 12.8 lack the _v2 one; the
// prototype is the same.
// Its symbol is optional (see Driver).
func (d *Driver) EventElapsedTime(start, end Event) (float32, error) {
	f, err := d.lib.get(cuEventElapsedTime)
	if err != nil {
		return 0, err
	}
	var ms C.float
	err = d.check(cuEventElapsedTime, C.vgc_cuEventElapsedTime(f, &ms, start.h, end.h))
	return float32(ms), err
}

// EventDestroy is cuEventDestroy_v2.
func (d *Driver) EventDestroy(e Event) error {
	return d.check(cuEventDestroy, C.vgc_cuEventDestroy_v2(d.fn(cuEventDestroy), e.h))
}

// ModuleLoadData is cuModuleLoadDataEx on a CUBIN or PTX image into the
// current context; a JIT failure's log is part of the error.
func (d *Driver) ModuleLoadData(image []byte) (Module, error) {
	if len(image) == 0 {
		return Module{}, &Error{Lib: "cuda", Call: driverSyms[cuModuleLoadDataEx].name, Code: 1, Name: "CUDA_ERROR_INVALID_VALUE", Msg: "empty image"}
	}
	img := C.CBytes(append(image, 0)) // PTX must be NUL-terminated
	defer C.free(img)
	log := make([]byte, 4096)
	var m C.vgCUmodule
	r := C.vgc_cuModuleLoadDataEx(d.fn(cuModuleLoadDataEx), &m, img, (*C.char)(unsafe.Pointer(&log[0])), C.size_t(len(log)))
	if err := d.check(cuModuleLoadDataEx, r); err != nil {
		if s := C.GoString((*C.char)(unsafe.Pointer(&log[0]))); s != "" {
			err.(*Error).Msg += ": " + s
		}
		return Module{}, err
	}
	return Module{m}, nil
}

// ModuleUnload is cuModuleUnload.
func (d *Driver) ModuleUnload(m Module) error {
	return d.check(cuModuleUnload, C.vgc_cuModuleUnload(d.fn(cuModuleUnload), m.h))
}

// ModuleGetFunction is cuModuleGetFunction; name is the extern "C" kernel
// name.
func (d *Driver) ModuleGetFunction(m Module, name string) (Function, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var f C.vgCUfunction
	err := d.check(cuModuleGetFunction, C.vgc_cuModuleGetFunction(d.fn(cuModuleGetFunction), &f, m.h, cname))
	if err != nil {
		err.(*Error).Msg += " (kernel " + name + ")"
	}
	return Function{f}, err
}

// Dim3 is a grid or block size.
type Dim3 struct{ X, Y, Z uint32 }

// Arg is one kernel argument, passed by value.
type Arg struct {
	size int
	bits uint64
}

// ArgPtr passes a device pointer (a T* kernel parameter).
func ArgPtr(p DevicePtr) Arg { return Arg{8, uint64(p)} }

// ArgF32 passes a float.
func ArgF32(v float32) Arg { return Arg{4, uint64(math.Float32bits(v))} }

// ArgI32 passes an int.
func ArgI32(v int32) Arg { return Arg{4, uint64(uint32(v))} }

// ArgU64 passes an unsigned long long (or a long long's bits).
func ArgU64(v uint64) Arg { return Arg{8, v} }

// LaunchKernel is cuLaunchKernel. args must match the kernel's parameters in
// order and type: nothing checks this, as with any CUDA launch.
func (d *Driver) LaunchKernel(f Function, grid, block Dim3, sharedMem uint32, s Stream, args ...Arg) error {
	buf := make([]byte, 8*len(args)+8)
	offs := make([]C.int, len(args)+1)
	for i, a := range args {
		offs[i] = C.int(8 * i)
		if a.size == 4 {
			binary.LittleEndian.PutUint32(buf[8*i:], uint32(a.bits))
		} else {
			binary.LittleEndian.PutUint64(buf[8*i:], a.bits)
		}
	}
	r := C.vgc_cuLaunchKernel(d.fn(cuLaunchKernel), f.h, C.uint(grid.X), C.uint(grid.Y), C.uint(grid.Z),
		C.uint(block.X), C.uint(block.Y), C.uint(block.Z), C.uint(sharedMem), s.h,
		(*C.char)(unsafe.Pointer(&buf[0])), &offs[0], C.int(len(args)))
	return d.check(cuLaunchKernel, r)
}
