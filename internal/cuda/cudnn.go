//go:build linux && cgo

package cuda

/*
#include "decl.h"
#include <stdint.h>

#define P(x) ((void *)(uintptr_t)(x))
typedef vgCudnnTensorDesc TD;
typedef vgCudnnFilterDesc FD;
typedef vgCudnnConvDesc CD;
typedef vgCUdeviceptr DP;
static size_t vgc_cudnnGetVersion(void *f) { return ((vg_pfn_cudnnGetVersion)f)(); }
static size_t vgc_cudnnGetCudartVersion(void *f) { return ((vg_pfn_cudnnGetCudartVersion)f)(); }
static const char *vgc_cudnnGetErrorString(void *f, int s) { return ((vg_pfn_cudnnGetErrorString)f)(s); }
static int vgc_cudnnCreate(void *f, vgCudnnHandle *h) { return ((vg_pfn_cudnnCreate)f)(h); }
static int vgc_cudnnDestroy(void *f, vgCudnnHandle h) { return ((vg_pfn_cudnnDestroy)f)(h); }
static int vgc_cudnnSetStream(void *f, vgCudnnHandle h, vgCUstream s) { return ((vg_pfn_cudnnSetStream)f)(h, s); }
static int vgc_cudnnCreateTensorDescriptor(void *f, TD *d) { return ((vg_pfn_cudnnCreateTensorDescriptor)f)(d); }
static int vgc_cudnnSetTensor4dDescriptor(void *f, TD d, int fmt, int dt, int n, int c, int h, int w) { return ((vg_pfn_cudnnSetTensor4dDescriptor)f)(d, fmt, dt, n, c, h, w); }
static int vgc_cudnnDestroyTensorDescriptor(void *f, TD d) { return ((vg_pfn_cudnnDestroyTensorDescriptor)f)(d); }
static int vgc_cudnnCreateFilterDescriptor(void *f, FD *d) { return ((vg_pfn_cudnnCreateFilterDescriptor)f)(d); }
static int vgc_cudnnSetFilter4dDescriptor(void *f, FD d, int dt, int fmt, int k, int c, int h, int w) { return ((vg_pfn_cudnnSetFilter4dDescriptor)f)(d, dt, fmt, k, c, h, w); }
static int vgc_cudnnDestroyFilterDescriptor(void *f, FD d) { return ((vg_pfn_cudnnDestroyFilterDescriptor)f)(d); }
static int vgc_cudnnCreateConvolutionDescriptor(void *f, CD *d) { return ((vg_pfn_cudnnCreateConvolutionDescriptor)f)(d); }
static int vgc_cudnnSetConvolution2dDescriptor(void *f, CD d, int ph, int pw, int u, int v, int dh, int dw, int mode, int dt) { return ((vg_pfn_cudnnSetConvolution2dDescriptor)f)(d, ph, pw, u, v, dh, dw, mode, dt); }
static int vgc_cudnnSetConvolutionMathType(void *f, CD d, int m) { return ((vg_pfn_cudnnSetConvolutionMathType)f)(d, m); }
static int vgc_cudnnDestroyConvolutionDescriptor(void *f, CD d) { return ((vg_pfn_cudnnDestroyConvolutionDescriptor)f)(d); }
static int vgc_maxCount(void *f, vgCudnnHandle h, int *n) { return ((vg_pfn_cudnnGetConvolutionForwardAlgorithmMaxCount)f)(h, n); }
static int vgc_cudnnGetConvolutionForwardAlgorithm_v7(void *f, vgCudnnHandle h, TD x, FD w, CD c, TD y, int req, int *ret, vgCudnnConvFwdAlgoPerf *p) { return ((vg_pfn_cudnnGetConvolutionForwardAlgorithm_v7)f)(h, x, w, c, y, req, ret, p); }
static int vgc_cudnnFindConvolutionForwardAlgorithm(void *f, vgCudnnHandle h, TD x, FD w, CD c, TD y, int req, int *ret, vgCudnnConvFwdAlgoPerf *p) { return ((vg_pfn_cudnnFindConvolutionForwardAlgorithm)f)(h, x, w, c, y, req, ret, p); }
static int vgc_cudnnGetConvolutionForwardWorkspaceSize(void *f, vgCudnnHandle h, TD x, FD w, CD c, TD y, int algo, size_t *n) { return ((vg_pfn_cudnnGetConvolutionForwardWorkspaceSize)f)(h, x, w, c, y, algo, n); }
static int vgc_cudnnConvolutionForward(void *f, vgCudnnHandle h, float alpha, TD xd, DP x, FD wd, DP w, CD c, int algo, DP ws, size_t wsn, float beta, TD yd, DP y) { return ((vg_pfn_cudnnConvolutionForward)f)(h, &alpha, xd, P(x), wd, P(w), c, algo, P(ws), wsn, &beta, yd, P(y)); }
static int vgc_cudnnGetConvolutionBackwardDataAlgorithm_v7(void *f, vgCudnnHandle h, FD w, TD dy, CD c, TD dx, int req, int *ret, vgCudnnConvBwdDataAlgoPerf *p) { return ((vg_pfn_cudnnGetConvolutionBackwardDataAlgorithm_v7)f)(h, w, dy, c, dx, req, ret, p); }
static int vgc_cudnnFindConvolutionBackwardDataAlgorithm(void *f, vgCudnnHandle h, FD w, TD dy, CD c, TD dx, int req, int *ret, vgCudnnConvBwdDataAlgoPerf *p) { return ((vg_pfn_cudnnFindConvolutionBackwardDataAlgorithm)f)(h, w, dy, c, dx, req, ret, p); }
static int vgc_cudnnGetConvolutionBackwardDataWorkspaceSize(void *f, vgCudnnHandle h, FD w, TD dy, CD c, TD dx, int algo, size_t *n) { return ((vg_pfn_cudnnGetConvolutionBackwardDataWorkspaceSize)f)(h, w, dy, c, dx, algo, n); }
static int vgc_cudnnConvolutionBackwardData(void *f, vgCudnnHandle h, float alpha, FD wd, DP w, TD dyd, DP dy, CD c, int algo, DP ws, size_t wsn, float beta, TD dxd, DP dx) { return ((vg_pfn_cudnnConvolutionBackwardData)f)(h, &alpha, wd, P(w), dyd, P(dy), c, algo, P(ws), wsn, &beta, dxd, P(dx)); }
static int vgc_cudnnGetConvolutionBackwardFilterAlgorithm_v7(void *f, vgCudnnHandle h, TD x, TD dy, CD c, FD dw, int req, int *ret, vgCudnnConvBwdFilterAlgoPerf *p) { return ((vg_pfn_cudnnGetConvolutionBackwardFilterAlgorithm_v7)f)(h, x, dy, c, dw, req, ret, p); }
static int vgc_cudnnFindConvolutionBackwardFilterAlgorithm(void *f, vgCudnnHandle h, TD x, TD dy, CD c, FD dw, int req, int *ret, vgCudnnConvBwdFilterAlgoPerf *p) { return ((vg_pfn_cudnnFindConvolutionBackwardFilterAlgorithm)f)(h, x, dy, c, dw, req, ret, p); }
static int vgc_cudnnGetConvolutionBackwardFilterWorkspaceSize(void *f, vgCudnnHandle h, TD x, TD dy, CD c, FD dw, int algo, size_t *n) { return ((vg_pfn_cudnnGetConvolutionBackwardFilterWorkspaceSize)f)(h, x, dy, c, dw, algo, n); }
static int vgc_cudnnConvolutionBackwardFilter(void *f, vgCudnnHandle h, float alpha, TD xd, DP x, TD dyd, DP dy, CD c, int algo, DP ws, size_t wsn, float beta, FD dwd, DP dw) { return ((vg_pfn_cudnnConvolutionBackwardFilter)f)(h, &alpha, xd, P(x), dyd, P(dy), c, algo, P(ws), wsn, &beta, dwd, P(dw)); }
static int vgc_cudnnConvolutionBackwardBias(void *f, vgCudnnHandle h, float alpha, TD dyd, DP dy, float beta, TD dbd, DP db) { return ((vg_pfn_cudnnConvolutionBackwardBias)f)(h, &alpha, dyd, P(dy), &beta, dbd, P(db)); }
static int vgc_cudnnCreateActivationDescriptor(void *f, vgCudnnActivationDesc *d) { return ((vg_pfn_cudnnCreateActivationDescriptor)f)(d); }
static int vgc_cudnnSetActivationDescriptor(void *f, vgCudnnActivationDesc d, int mode, int nan, double coef) { return ((vg_pfn_cudnnSetActivationDescriptor)f)(d, mode, nan, coef); }
static int vgc_cudnnDestroyActivationDescriptor(void *f, vgCudnnActivationDesc d) { return ((vg_pfn_cudnnDestroyActivationDescriptor)f)(d); }
static int vgc_cudnnActivationForward(void *f, vgCudnnHandle h, vgCudnnActivationDesc ad, float alpha, TD xd, DP x, float beta, TD yd, DP y) { return ((vg_pfn_cudnnActivationForward)f)(h, ad, &alpha, xd, P(x), &beta, yd, P(y)); }
static int vgc_cudnnActivationBackward(void *f, vgCudnnHandle h, vgCudnnActivationDesc ad, float alpha, TD yd, DP y, TD dyd, DP dy, TD xd, DP x, float beta, TD dxd, DP dx) { return ((vg_pfn_cudnnActivationBackward)f)(h, ad, &alpha, yd, P(y), dyd, P(dy), xd, P(x), &beta, dxd, P(dx)); }
*/
import "C"

import (
	"unsafe"

	"github.com/vggo/vggo/internal/dl"
)

// CUDNN is cuDNN 9's legacy API (libcudnn.so.9 and its sub-libraries),
// loaded at run time. Its calls use the context current on the calling OS
// thread (see Driver). A DNNHandle must never be used by two threads at once.
type CUDNN struct {
	lib *lib
}

// DNNHandle is a cuDNN handle (cudnnHandle_t).
type DNNHandle struct{ h C.vgCudnnHandle }

// TensorDesc is a cudnnTensorDescriptor_t.
type TensorDesc struct{ h C.vgCudnnTensorDesc }

// FilterDesc is a cudnnFilterDescriptor_t.
type FilterDesc struct{ h C.vgCudnnFilterDesc }

// ConvDesc is a cudnnConvolutionDescriptor_t.
type ConvDesc struct{ h C.vgCudnnConvDesc }

// ActivationDesc is a cudnnActivationDescriptor_t.
type ActivationDesc struct{ h C.vgCudnnActivationDesc }

// The cuDNN enum values the binding uses (cuDNN 9 numbering).
const (
	DataFloat        = C.VG_CUDNN_DATA_FLOAT
	TensorNCHW       = C.VG_CUDNN_TENSOR_NCHW
	CrossCorrelation = C.VG_CUDNN_CROSS_CORRELATION // what every DL framework calls convolution
	NotPropagateNaN  = C.VG_CUDNN_NOT_PROPAGATE_NAN
	PropagateNaN     = C.VG_CUDNN_PROPAGATE_NAN
	ActivationReLU   = C.VG_CUDNN_ACTIVATION_RELU
)

// The math types and determinism constants of dnnmath.go equal decl.h's: a constant index outside
// [1]struct{} does not compile.
var (
	_ = [1]struct{}{}[DNNDefaultMath-C.VG_CUDNN_DEFAULT_MATH]
	_ = [1]struct{}{}[DNNTensorOpMath-C.VG_CUDNN_TENSOR_OP_MATH]
	_ = [1]struct{}{}[DNNTensorOpMathAllowConversion-C.VG_CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION]
	_ = [1]struct{}{}[DNNFMAMath-C.VG_CUDNN_FMA_MATH]
	_ = [1]struct{}{}[DNNNonDeterministic-C.VG_CUDNN_NON_DETERMINISTIC]
	_ = [1]struct{}{}[DNNDeterministic-C.VG_CUDNN_DETERMINISTIC]
	_ = [1]struct{}{}[DNNBwdDataAlgo0-C.VG_CUDNN_CONVOLUTION_BWD_DATA_ALGO_0]
	_ = [1]struct{}{}[DNNBwdFilterAlgo0-C.VG_CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0]
	_ = [1]struct{}{}[DNNBwdFilterAlgo3-C.VG_CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3]
)

// AlgoPerf is one entry of a cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t
// result, best first.
type AlgoPerf struct {
	Algo        int
	Status      int // 0 when the algorithm can run this problem
	TimeMs      float32
	Memory      uint64 // workspace bytes
	Determinism int    // 1 when deterministic
	MathType    int    // pass to SetConvolutionMathType before using Algo
}

// The cuDNN functions, by index into CUDNN's function table.
const (
	dnnGetVersion = iota
	dnnGetCudartVersion
	dnnGetErrorString
	dnnCreate
	dnnDestroy
	dnnSetStream
	dnnCreateTensor
	dnnSetTensor4d
	dnnDestroyTensor
	dnnCreateFilter
	dnnSetFilter4d
	dnnDestroyFilter
	dnnCreateConv
	dnnSetConv2d
	dnnSetConvMathType
	dnnDestroyConv
	dnnFwdMaxCount
	dnnFwdGet
	dnnFwdFind
	dnnFwdWorkspace
	dnnFwd
	dnnBwdDataMaxCount
	dnnBwdDataGet
	dnnBwdDataFind
	dnnBwdDataWorkspace
	dnnBwdData
	dnnBwdFilterMaxCount
	dnnBwdFilterGet
	dnnBwdFilterFind
	dnnBwdFilterWorkspace
	dnnBwdFilter
	dnnBwdBias
	dnnCreateActivation
	dnnSetActivation
	dnnDestroyActivation
	dnnActivationFwd
	dnnActivationBwd
	cudnnSymCount
)

// cudnnSyms is cuDNN's function table: the dlsym name of each index.
var cudnnSyms = [cudnnSymCount]symbol{
	dnnGetVersion:         {"cudnnGetVersion", required},
	dnnGetCudartVersion:   {"cudnnGetCudartVersion", required},
	dnnGetErrorString:     {"cudnnGetErrorString", required},
	dnnCreate:             {"cudnnCreate", required},
	dnnDestroy:            {"cudnnDestroy", required},
	dnnSetStream:          {"cudnnSetStream", required},
	dnnCreateTensor:       {"cudnnCreateTensorDescriptor", required},
	dnnSetTensor4d:        {"cudnnSetTensor4dDescriptor", required},
	dnnDestroyTensor:      {"cudnnDestroyTensorDescriptor", required},
	dnnCreateFilter:       {"cudnnCreateFilterDescriptor", required},
	dnnSetFilter4d:        {"cudnnSetFilter4dDescriptor", required},
	dnnDestroyFilter:      {"cudnnDestroyFilterDescriptor", required},
	dnnCreateConv:         {"cudnnCreateConvolutionDescriptor", required},
	dnnSetConv2d:          {"cudnnSetConvolution2dDescriptor", required},
	dnnSetConvMathType:    {"cudnnSetConvolutionMathType", required},
	dnnDestroyConv:        {"cudnnDestroyConvolutionDescriptor", required},
	dnnFwdMaxCount:        {"cudnnGetConvolutionForwardAlgorithmMaxCount", required},
	dnnFwdGet:             {"cudnnGetConvolutionForwardAlgorithm_v7", required},
	dnnFwdFind:            {"cudnnFindConvolutionForwardAlgorithm", required},
	dnnFwdWorkspace:       {"cudnnGetConvolutionForwardWorkspaceSize", required},
	dnnFwd:                {"cudnnConvolutionForward", required},
	dnnBwdDataMaxCount:    {"cudnnGetConvolutionBackwardDataAlgorithmMaxCount", required},
	dnnBwdDataGet:         {"cudnnGetConvolutionBackwardDataAlgorithm_v7", required},
	dnnBwdDataFind:        {"cudnnFindConvolutionBackwardDataAlgorithm", required},
	dnnBwdDataWorkspace:   {"cudnnGetConvolutionBackwardDataWorkspaceSize", required},
	dnnBwdData:            {"cudnnConvolutionBackwardData", required},
	dnnBwdFilterMaxCount:  {"cudnnGetConvolutionBackwardFilterAlgorithmMaxCount", required},
	dnnBwdFilterGet:       {"cudnnGetConvolutionBackwardFilterAlgorithm_v7", required},
	dnnBwdFilterFind:      {"cudnnFindConvolutionBackwardFilterAlgorithm", required},
	dnnBwdFilterWorkspace: {"cudnnGetConvolutionBackwardFilterWorkspaceSize", required},
	dnnBwdFilter:          {"cudnnConvolutionBackwardFilter", required},
	dnnBwdBias:            {"cudnnConvolutionBackwardBias", required},
	dnnCreateActivation:   {"cudnnCreateActivationDescriptor", required},
	dnnSetActivation:      {"cudnnSetActivationDescriptor", required},
	dnnDestroyActivation:  {"cudnnDestroyActivationDescriptor", required},
	dnnActivationFwd:      {"cudnnActivationForward", required},
	dnnActivationBwd:      {"cudnnActivationBackward", required},
}

// CUDNNSymbols lists the dlsym names of LoadCUDNN's table, in index order.
func CUDNNSymbols() []string { return names(cudnnSyms[:]) }

// cudnnSpec: libcudnn.so.9 is a shim that dlopens its sub-libraries by
// soname. When it is found in a directory, the sub-libraries of the legacy
// API (graph, ops, cnn) are opened from that directory first, so those
// lookups find the loaded copies; the engine libraries are opened when they
// load (engines_runtime_compiled needs libcuda.so.1, absent without a GPU).
//
// NoDelete (for the shim and every sub-library): Close drops the handles but
// the libraries stay mapped, as libcuda does. cuDNN's libraries link the CUDA
// runtime statically and register atexit handlers and thread-local
// destructors; unloading and reloading them for every backend (the
// conformance suites create dozens) is a known source of crashes.
func cudnnSpec() libSpec {
	return libSpec{
		sonames: []string{"libcudnn.so.9"},
		pipDirs: []string{"cudnn/lib"},
		toolkit: true,
		flags:   dl.Now | dl.Local | dl.NoDelete,
		preload: func(dir, _ string) ([]string, []string) {
			return existing(dir, "libcudnn_graph.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9"),
				existing(dir, "libcudnn_engines_precompiled.so.9", "libcudnn_engines_runtime_compiled.so.9",
					"libcudnn_heuristic.so.9", "libcudnn_adv.so.9")
		},
	}
}

// LoadCUDNN finds libcudnn.so.9 (with its sub-libraries), then resolves
// every symbol in CUDNNSymbols. Use the cuDNN built for the same CUDA major
// as cuBLAS (nvidia-cudnn-cu13 with CUDA 13).
func LoadCUDNN(opts ...Option) (*CUDNN, error) {
	c := newConfig(opts)
	l, err := c.open(cudnnSpec(), cudnnSyms[:])
	if err != nil {
		return nil, err
	}
	return &CUDNN{lib: l}, nil
}

// Path is where libcudnn was loaded from.
func (d *CUDNN) Path() string { return d.lib.path }

// Close closes the library handles; destroy handles and descriptors first.
func (d *CUDNN) Close() error { return d.lib.close() }

// Version is cudnnGetVersion: major*10000 + minor*100 + patch for cuDNN 9.
func (d *CUDNN) Version() int {
	return int(C.vgc_cudnnGetVersion(d.lib.fn[dnnGetVersion]))
}

// CudartVersion is cudnnGetCudartVersion: the CUDA runtime cuDNN was built
// with and links statically, 1000*major + 10*minor (13020 for 13.2). Its
// major must be one the driver supports, and cuBLAS's: cuDNN loads the
// cuBLASLt and NVRTC of that major at run time.
func (d *CUDNN) CudartVersion() int {
	return int(C.vgc_cudnnGetCudartVersion(d.lib.fn[dnnGetCudartVersion]))
}

func (d *CUDNN) check(call int, r C.int) error {
	if r == 0 {
		return nil
	}
	e := &Error{Lib: "cudnn", Call: cudnnSyms[call].name, Code: int(r)}
	if s := C.vgc_cudnnGetErrorString(d.lib.fn[dnnGetErrorString], r); s != nil {
		e.Name = C.GoString(s)
	}
	return e
}

func (d *CUDNN) fn(i int) unsafe.Pointer { return d.lib.fn[i] }

// Create is cudnnCreate, in the current context.
func (d *CUDNN) Create() (DNNHandle, error) {
	var h C.vgCudnnHandle
	err := d.check(dnnCreate, C.vgc_cudnnCreate(d.fn(dnnCreate), &h))
	return DNNHandle{h}, err
}

// Destroy is cudnnDestroy.
func (d *CUDNN) Destroy(h DNNHandle) error {
	return d.check(dnnDestroy, C.vgc_cudnnDestroy(d.fn(dnnDestroy), h.h))
}

// SetStream is cudnnSetStream.
func (d *CUDNN) SetStream(h DNNHandle, s Stream) error {
	return d.check(dnnSetStream, C.vgc_cudnnSetStream(d.fn(dnnSetStream), h.h, s.h))
}

// NewTensor4d creates a float NCHW tensor descriptor (cudnnCreateTensorDescriptor
// + cudnnSetTensor4dDescriptor).
func (d *CUDNN) NewTensor4d(n, c, h, w int) (TensorDesc, error) {
	var t C.vgCudnnTensorDesc
	if err := d.check(dnnCreateTensor, C.vgc_cudnnCreateTensorDescriptor(d.fn(dnnCreateTensor), &t)); err != nil {
		return TensorDesc{}, err
	}
	r := C.vgc_cudnnSetTensor4dDescriptor(d.fn(dnnSetTensor4d), t, TensorNCHW, DataFloat, C.int(n), C.int(c), C.int(h), C.int(w))
	if err := d.check(dnnSetTensor4d, r); err != nil {
		C.vgc_cudnnDestroyTensorDescriptor(d.fn(dnnDestroyTensor), t)
		return TensorDesc{}, err
	}
	return TensorDesc{t}, nil
}

// DestroyTensor is cudnnDestroyTensorDescriptor.
func (d *CUDNN) DestroyTensor(t TensorDesc) error {
	return d.check(dnnDestroyTensor, C.vgc_cudnnDestroyTensorDescriptor(d.fn(dnnDestroyTensor), t.h))
}

// NewFilter4d creates a float NCHW filter descriptor for k output channels
// (cudnnSetFilter4dDescriptor takes the data type before the format).
func (d *CUDNN) NewFilter4d(k, c, h, w int) (FilterDesc, error) {
	var f C.vgCudnnFilterDesc
	if err := d.check(dnnCreateFilter, C.vgc_cudnnCreateFilterDescriptor(d.fn(dnnCreateFilter), &f)); err != nil {
		return FilterDesc{}, err
	}
	r := C.vgc_cudnnSetFilter4dDescriptor(d.fn(dnnSetFilter4d), f, DataFloat, TensorNCHW, C.int(k), C.int(c), C.int(h), C.int(w))
	if err := d.check(dnnSetFilter4d, r); err != nil {
		C.vgc_cudnnDestroyFilterDescriptor(d.fn(dnnDestroyFilter), f)
		return FilterDesc{}, err
	}
	return FilterDesc{f}, nil
}

// DestroyFilter is cudnnDestroyFilterDescriptor.
func (d *CUDNN) DestroyFilter(f FilterDesc) error {
	return d.check(dnnDestroyFilter, C.vgc_cudnnDestroyFilterDescriptor(d.fn(dnnDestroyFilter), f.h))
}

// NewConv2d creates a float cross-correlation descriptor with no dilation
// and the given math type (DNNFMAMath for exact FP32, DNNDefaultMath to allow
// TF32 where cuDNN chooses).
func (d *CUDNN) NewConv2d(padH, padW, strideH, strideW int, mathType int) (ConvDesc, error) {
	var c C.vgCudnnConvDesc
	if err := d.check(dnnCreateConv, C.vgc_cudnnCreateConvolutionDescriptor(d.fn(dnnCreateConv), &c)); err != nil {
		return ConvDesc{}, err
	}
	r := C.vgc_cudnnSetConvolution2dDescriptor(d.fn(dnnSetConv2d), c, C.int(padH), C.int(padW), C.int(strideH), C.int(strideW), 1, 1, CrossCorrelation, DataFloat)
	err := d.check(dnnSetConv2d, r)
	if err == nil {
		err = d.SetConvMathType(ConvDesc{c}, mathType)
	}
	if err != nil {
		C.vgc_cudnnDestroyConvolutionDescriptor(d.fn(dnnDestroyConv), c)
		return ConvDesc{}, err
	}
	return ConvDesc{c}, nil
}

// SetConvMathType is cudnnSetConvolutionMathType.
func (d *CUDNN) SetConvMathType(c ConvDesc, mathType int) error {
	return d.check(dnnSetConvMathType, C.vgc_cudnnSetConvolutionMathType(d.fn(dnnSetConvMathType), c.h, C.int(mathType)))
}

// DestroyConv is cudnnDestroyConvolutionDescriptor.
func (d *CUDNN) DestroyConv(c ConvDesc) error {
	return d.check(dnnDestroyConv, C.vgc_cudnnDestroyConvolutionDescriptor(d.fn(dnnDestroyConv), c.h))
}

func (d *CUDNN) maxCount(call int, h DNNHandle) (int, error) {
	var n C.int
	err := d.check(call, C.vgc_maxCount(d.fn(call), h.h, &n))
	return int(n), err
}

func perfs(p []C.struct_vgCudnnConvAlgoPerf_s, n C.int) []AlgoPerf {
	out := make([]AlgoPerf, int(n))
	for i := range out {
		out[i] = AlgoPerf{Algo: int(p[i].algo), Status: int(p[i].status), TimeMs: float32(p[i].time),
			Memory: uint64(p[i].memory), Determinism: int(p[i].determinism), MathType: int(p[i].mathType)}
	}
	return out
}

// ConvForwardAlgos ranks forward algorithms: with find, by running them
// (cudnnFindConvolutionForwardAlgorithm); otherwise by heuristics
// (cudnnGetConvolutionForwardAlgorithm_v7).
func (d *CUDNN) ConvForwardAlgos(h DNNHandle, x TensorDesc, w FilterDesc, c ConvDesc, y TensorDesc, find bool) ([]AlgoPerf, error) {
	max, err := d.maxCount(dnnFwdMaxCount, h)
	if err != nil || max == 0 {
		return nil, err
	}
	p := make([]C.struct_vgCudnnConvAlgoPerf_s, max)
	var n C.int
	if find {
		err = d.check(dnnFwdFind, C.vgc_cudnnFindConvolutionForwardAlgorithm(d.fn(dnnFwdFind), h.h, x.h, w.h, c.h, y.h, C.int(max), &n, &p[0]))
	} else {
		err = d.check(dnnFwdGet, C.vgc_cudnnGetConvolutionForwardAlgorithm_v7(d.fn(dnnFwdGet), h.h, x.h, w.h, c.h, y.h, C.int(max), &n, &p[0]))
	}
	return perfs(p, n), err
}

// ConvForwardWorkspace is cudnnGetConvolutionForwardWorkspaceSize.
func (d *CUDNN) ConvForwardWorkspace(h DNNHandle, x TensorDesc, w FilterDesc, c ConvDesc, y TensorDesc, algo int) (uint64, error) {
	var n C.size_t
	err := d.check(dnnFwdWorkspace, C.vgc_cudnnGetConvolutionForwardWorkspaceSize(d.fn(dnnFwdWorkspace), h.h, x.h, w.h, c.h, y.h, C.int(algo), &n))
	return uint64(n), err
}

// ConvForward is cudnnConvolutionForward: y = alpha*conv(x, w) + beta*y.
func (d *CUDNN) ConvForward(h DNNHandle, alpha float32, xd TensorDesc, x DevicePtr, wd FilterDesc, w DevicePtr,
	c ConvDesc, algo int, ws DevicePtr, wsBytes uint64, beta float32, yd TensorDesc, y DevicePtr) error {
	r := C.vgc_cudnnConvolutionForward(d.fn(dnnFwd), h.h, C.float(alpha), xd.h, C.DP(x), wd.h, C.DP(w), c.h, C.int(algo),
		C.DP(ws), C.size_t(wsBytes), C.float(beta), yd.h, C.DP(y))
	return d.check(dnnFwd, r)
}

// ConvBackwardDataAlgos ranks backward-data algorithms (find or heuristics).
func (d *CUDNN) ConvBackwardDataAlgos(h DNNHandle, w FilterDesc, dy TensorDesc, c ConvDesc, dx TensorDesc, find bool) ([]AlgoPerf, error) {
	max, err := d.maxCount(dnnBwdDataMaxCount, h)
	if err != nil || max == 0 {
		return nil, err
	}
	p := make([]C.struct_vgCudnnConvAlgoPerf_s, max)
	var n C.int
	if find {
		err = d.check(dnnBwdDataFind, C.vgc_cudnnFindConvolutionBackwardDataAlgorithm(d.fn(dnnBwdDataFind), h.h, w.h, dy.h, c.h, dx.h, C.int(max), &n, &p[0]))
	} else {
		err = d.check(dnnBwdDataGet, C.vgc_cudnnGetConvolutionBackwardDataAlgorithm_v7(d.fn(dnnBwdDataGet), h.h, w.h, dy.h, c.h, dx.h, C.int(max), &n, &p[0]))
	}
	return perfs(p, n), err
}

// ConvBackwardDataWorkspace is cudnnGetConvolutionBackwardDataWorkspaceSize.
func (d *CUDNN) ConvBackwardDataWorkspace(h DNNHandle, w FilterDesc, dy TensorDesc, c ConvDesc, dx TensorDesc, algo int) (uint64, error) {
	var n C.size_t
	err := d.check(dnnBwdDataWorkspace, C.vgc_cudnnGetConvolutionBackwardDataWorkspaceSize(d.fn(dnnBwdDataWorkspace), h.h, w.h, dy.h, c.h, dx.h, C.int(algo), &n))
	return uint64(n), err
}

// ConvBackwardData is cudnnConvolutionBackwardData: dx = alpha*convᵀ(dy, w) + beta*dx.
func (d *CUDNN) ConvBackwardData(h DNNHandle, alpha float32, wd FilterDesc, w DevicePtr, dyd TensorDesc, dy DevicePtr,
	c ConvDesc, algo int, ws DevicePtr, wsBytes uint64, beta float32, dxd TensorDesc, dx DevicePtr) error {
	r := C.vgc_cudnnConvolutionBackwardData(d.fn(dnnBwdData), h.h, C.float(alpha), wd.h, C.DP(w), dyd.h, C.DP(dy), c.h, C.int(algo),
		C.DP(ws), C.size_t(wsBytes), C.float(beta), dxd.h, C.DP(dx))
	return d.check(dnnBwdData, r)
}

// ConvBackwardFilterAlgos ranks backward-filter algorithms (find or heuristics).
func (d *CUDNN) ConvBackwardFilterAlgos(h DNNHandle, x, dy TensorDesc, c ConvDesc, dw FilterDesc, find bool) ([]AlgoPerf, error) {
	max, err := d.maxCount(dnnBwdFilterMaxCount, h)
	if err != nil || max == 0 {
		return nil, err
	}
	p := make([]C.struct_vgCudnnConvAlgoPerf_s, max)
	var n C.int
	if find {
		err = d.check(dnnBwdFilterFind, C.vgc_cudnnFindConvolutionBackwardFilterAlgorithm(d.fn(dnnBwdFilterFind), h.h, x.h, dy.h, c.h, dw.h, C.int(max), &n, &p[0]))
	} else {
		err = d.check(dnnBwdFilterGet, C.vgc_cudnnGetConvolutionBackwardFilterAlgorithm_v7(d.fn(dnnBwdFilterGet), h.h, x.h, dy.h, c.h, dw.h, C.int(max), &n, &p[0]))
	}
	return perfs(p, n), err
}

// ConvBackwardFilterWorkspace is cudnnGetConvolutionBackwardFilterWorkspaceSize.
func (d *CUDNN) ConvBackwardFilterWorkspace(h DNNHandle, x, dy TensorDesc, c ConvDesc, dw FilterDesc, algo int) (uint64, error) {
	var n C.size_t
	err := d.check(dnnBwdFilterWorkspace, C.vgc_cudnnGetConvolutionBackwardFilterWorkspaceSize(d.fn(dnnBwdFilterWorkspace), h.h, x.h, dy.h, c.h, dw.h, C.int(algo), &n))
	return uint64(n), err
}

// ConvBackwardFilter is cudnnConvolutionBackwardFilter: dw = alpha*∂/∂w + beta*dw.
func (d *CUDNN) ConvBackwardFilter(h DNNHandle, alpha float32, xd TensorDesc, x DevicePtr, dyd TensorDesc, dy DevicePtr,
	c ConvDesc, algo int, ws DevicePtr, wsBytes uint64, beta float32, dwd FilterDesc, dw DevicePtr) error {
	r := C.vgc_cudnnConvolutionBackwardFilter(d.fn(dnnBwdFilter), h.h, C.float(alpha), xd.h, C.DP(x), dyd.h, C.DP(dy), c.h, C.int(algo),
		C.DP(ws), C.size_t(wsBytes), C.float(beta), dwd.h, C.DP(dw))
	return d.check(dnnBwdFilter, r)
}

// ConvBackwardBias is cudnnConvolutionBackwardBias: db (1,K,1,1) = alpha*Σ_{n,p,q} dy + beta*db.
// The backend uses it for the bias gradient of convolutions and (with dy as
// (N,Out,1,1)) of dense layers.
func (d *CUDNN) ConvBackwardBias(h DNNHandle, alpha float32, dyd TensorDesc, dy DevicePtr, beta float32, dbd TensorDesc, db DevicePtr) error {
	return d.check(dnnBwdBias, C.vgc_cudnnConvolutionBackwardBias(d.fn(dnnBwdBias), h.h, C.float(alpha), dyd.h, C.DP(dy), C.float(beta), dbd.h, C.DP(db)))
}

// NewActivation creates an activation descriptor (cudnnSetActivationDescriptor).
func (d *CUDNN) NewActivation(mode int, coef float64) (ActivationDesc, error) {
	var a C.vgCudnnActivationDesc
	if err := d.check(dnnCreateActivation, C.vgc_cudnnCreateActivationDescriptor(d.fn(dnnCreateActivation), &a)); err != nil {
		return ActivationDesc{}, err
	}
	if err := d.check(dnnSetActivation, C.vgc_cudnnSetActivationDescriptor(d.fn(dnnSetActivation), a, C.int(mode), NotPropagateNaN, C.double(coef))); err != nil {
		C.vgc_cudnnDestroyActivationDescriptor(d.fn(dnnDestroyActivation), a)
		return ActivationDesc{}, err
	}
	return ActivationDesc{a}, nil
}

// DestroyActivation is cudnnDestroyActivationDescriptor.
func (d *CUDNN) DestroyActivation(a ActivationDesc) error {
	return d.check(dnnDestroyActivation, C.vgc_cudnnDestroyActivationDescriptor(d.fn(dnnDestroyActivation), a.h))
}

// ActivationForward is cudnnActivationForward; x and y may be the same.
func (d *CUDNN) ActivationForward(h DNNHandle, a ActivationDesc, alpha float32, xd TensorDesc, x DevicePtr, beta float32, yd TensorDesc, y DevicePtr) error {
	return d.check(dnnActivationFwd, C.vgc_cudnnActivationForward(d.fn(dnnActivationFwd), h.h, a.h, C.float(alpha), xd.h, C.DP(x), C.float(beta), yd.h, C.DP(y)))
}

// ActivationBackward is cudnnActivationBackward.
func (d *CUDNN) ActivationBackward(h DNNHandle, a ActivationDesc, alpha float32, yd TensorDesc, y DevicePtr, dyd TensorDesc, dy DevicePtr,
	xd TensorDesc, x DevicePtr, beta float32, dxd TensorDesc, dx DevicePtr) error {
	r := C.vgc_cudnnActivationBackward(d.fn(dnnActivationBwd), h.h, a.h, C.float(alpha), yd.h, C.DP(y), dyd.h, C.DP(dy), xd.h, C.DP(x), C.float(beta), dxd.h, C.DP(dx))
	return d.check(dnnActivationBwd, r)
}
