//go:build linux && cgo

package cuda

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vggo/vggo/internal/standintest"
)

// The tests below run the binding against the CPU stand-in libraries of
// internal/cuda/standin (make standin), which reproduce the driver's and
// NVRTC's semantics strictly on a machine without a GPU.

// session is one retain of the stand-in's primary context, current on the
// test's OS thread, with the given stand-in environment knobs. At the end it
// releases the context and, unless allowLeaks, checks that the reset found
// nothing alive.
type session struct {
	t          testing.TB
	dir        string
	drv        *Driver
	dev        Device
	ctx        Context
	leaks      string
	log        string
	allowLeaks bool
}

func newSession(t testing.TB, env map[string]string) *session {
	t.Helper()
	dir := standintest.Dir(t)
	tmp := t.TempDir()
	s := &session{t: t, dir: dir, leaks: filepath.Join(tmp, "leaks.txt"), log: filepath.Join(tmp, "log.txt")}
	t.Setenv("VGGO_STANDIN_LEAKS", s.leaks)
	t.Setenv("VGGO_STANDIN_LOG", s.log)
	for k, v := range env {
		t.Setenv(k, v)
	}
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	d, err := LoadDriver(WithLibraryPath(dir), WithGetenv(noEnv))
	require.NoError(t, err)
	s.drv = d
	require.NoError(t, d.Init())
	s.dev, err = d.DeviceGet(0)
	require.NoError(t, err)
	s.ctx, err = d.PrimaryCtxRetain(s.dev)
	require.NoError(t, err)
	require.NoError(t, d.CtxSetCurrent(s.ctx))
	t.Cleanup(func() {
		assert.NoError(t, d.PrimaryCtxRelease(s.dev))
		if !s.allowLeaks {
			assert.Empty(t, s.readFile(s.leaks), "the context reset found live objects")
		}
		assert.NoError(t, d.Close())
	})
	return s
}

// bind makes the session's context current on t's goroutine, locked to its
// OS thread (a subtest runs on a goroutine of its own, and the current
// context is per OS thread).
func (s *session) bind(t *testing.T) {
	t.Helper()
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	require.NoError(t, s.drv.CtxSetCurrent(s.ctx))
}

func (s *session) readFile(path string) string {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(s.t, err)
	return string(b)
}

func (s *session) alloc(bytes uint64) DevicePtr {
	p, err := s.drv.MemAlloc(bytes)
	require.NoError(s.t, err)
	return p
}

func (s *session) writeF32(p DevicePtr, v []float32) {
	require.NoError(s.t, s.drv.MemcpyHtoD(p, unsafe.Pointer(&v[0]), uint64(4*len(v))))
}

func (s *session) readU32(p DevicePtr, n int) []uint32 {
	out := make([]uint32, n)
	require.NoError(s.t, s.drv.MemcpyDtoH(unsafe.Pointer(&out[0]), p, uint64(4*n)))
	return out
}

func (s *session) readF32(p DevicePtr, n int) []float32 {
	out := make([]float32, n)
	require.NoError(s.t, s.drv.MemcpyDtoH(unsafe.Pointer(&out[0]), p, uint64(4*n)))
	return out
}

func requireCode(t *testing.T, err error, code int) *Error {
	t.Helper()
	var e *Error
	require.ErrorAs(t, err, &e, "want CUDA error %d", code)
	require.Equal(t, code, e.Code, "%v", err)
	return e
}

// testKernels are the stand-in's block-semantics checks, one NVRTC program.
const testKernels = `
extern "C" __global__ void t_reduce(const float *x, float *out, int n)
{
	__shared__ float part[256];
	float s = 0.0f;
	for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
		s += x[i];
	part[threadIdx.x] = s;
	__syncthreads();
	for (unsigned w = blockDim.x / 2; w > 0; w /= 2) {
		if (threadIdx.x < w)
			part[threadIdx.x] += part[threadIdx.x + w];
		__syncthreads();
	}
	if (threadIdx.x == 0)
		atomicAdd(out, part[0]);
}

extern "C" __global__ void t_early_return(float *x)
{
	__shared__ float s[64];
	if (threadIdx.x == 0)
		return;
	s[threadIdx.x] = 1.0f;
	__syncthreads();
	x[threadIdx.x] = s[63 - threadIdx.x];
}

extern "C" __global__ void t_two_barriers(float *x)
{
	if (threadIdx.x % 2)
		__syncthreads();
	else
		__syncthreads();
	x[threadIdx.x] = 1.0f;
}

extern "C" __global__ void t_order(int *counter, int *order)
{
	if (threadIdx.x == 0)
		order[blockIdx.x] = atomicAdd(counter, 1);
}

extern "C" __global__ void t_index(unsigned *out)
{
	unsigned block = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
	unsigned nt = blockDim.x * blockDim.y * blockDim.z;
	unsigned t = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
	out[block * nt + t] = (blockIdx.x << 24) | (blockIdx.y << 20) | (blockIdx.z << 16) | (threadIdx.x << 8) |
		(threadIdx.y << 4) | threadIdx.z;
}

extern "C" __global__ void t_atomics(double *d, float *f, unsigned long long *u)
{
	atomicAdd(d, 0.5);
	atomicAdd(f, 1.0f);
	atomicAdd(u, 1ULL);
}

extern "C" __global__ void t_oob(float *x, long long n)
{
	if (threadIdx.x == 0 && blockIdx.x == 0)
		x[n + 1024] = 1.0f;
}

extern "C" __global__ void t_shared_poison(unsigned *out)
{
	__shared__ unsigned s[32];
	out[threadIdx.x] = s[threadIdx.x];
}

extern "C" __global__ void t_params(float a, double b, int c, long long d, unsigned char e, float f, double *out)
{
	out[0] = a;
	out[1] = b;
	out[2] = c;
	out[3] = (double)d;
	out[4] = e;
	out[5] = f;
}

extern "C" __global__ void t_wait_flag(volatile int *flag, float *x)
{
	while (*flag == 0) {
	}
	x[0] = 42.0f;
}

// Half of the block spins until the last thread sets the flag: threads of a
// block that wait for each other without __syncthreads, legal since Volta.
extern "C" __global__ void t_spin(volatile int *flag, float *x)
{
	if (threadIdx.x < blockDim.x / 2) {
		while (*flag == 0) {
		}
		x[threadIdx.x] = 1.0f;
	} else if (threadIdx.x == blockDim.x - 1) {
		atomicExch((int *)flag, 1);
	}
}

extern "C" __global__ void t_big_shared(float *x)
{
	__shared__ float s[2048];
	s[threadIdx.x] = 1.0f;
	__syncthreads();
	x[threadIdx.x] = s[threadIdx.x];
}
`

var testImage struct {
	once sync.Once
	c    Compiled
	err  error
	took time.Duration
}

func (s *session) nvrtc() *NVRTC {
	n, err := LoadNVRTC(WithLibraryPath(s.dir), WithGetenv(noEnv))
	require.NoError(s.t, err)
	s.t.Cleanup(func() { _ = n.Close() })
	return n
}

// module loads testKernels (compiled once per test binary) into the
// session's context.
func (s *session) module() Module {
	testImage.once.Do(func() {
		start := time.Now()
		testImage.c, testImage.err = s.nvrtc().Compile(testKernels, "standin_test.cu", "--gpu-architecture=sm_90", "--std=c++17", "--fmad=false")
		testImage.took = time.Since(start)
	})
	require.NoError(s.t, testImage.err)
	m, err := s.drv.ModuleLoadData(testImage.c.Image())
	require.NoError(s.t, err)
	s.t.Cleanup(func() {
		if err := s.drv.ModuleUnload(m); !s.allowLeaks {
			assert.NoError(s.t, err)
		}
	})
	return m
}

func (s *session) fn(m Module, name string) Function {
	f, err := s.drv.ModuleGetFunction(m, name)
	require.NoError(s.t, err)
	return f
}

func (s *session) stream() Stream {
	st, err := s.drv.StreamCreate(StreamNonBlocking)
	require.NoError(s.t, err)
	s.t.Cleanup(func() {
		if err := s.drv.StreamDestroy(st); !s.allowLeaks {
			assert.NoError(s.t, err)
		}
	})
	return st
}

func TestStandinDeviceQueries(t *testing.T) {
	s := newSession(t, nil)
	d := s.drv
	v, err := d.DriverVersion()
	require.NoError(t, err)
	assert.Equal(t, 13000, v)
	n, err := d.DeviceCount()
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	name, err := d.DeviceName(s.dev)
	require.NoError(t, err)
	assert.Equal(t, "NVIDIA H200 (vggo CPU stand-in)", name)
	mem, err := d.DeviceTotalMem(s.dev)
	require.NoError(t, err)
	assert.Equal(t, uint64(8)<<30, mem)
	cc, err := d.ComputeCapability(s.dev)
	require.NoError(t, err)
	assert.Equal(t, 90, cc)
	for _, c := range []struct {
		attr DeviceAttribute
		want int
	}{{AttrMaxThreadsPerBlock, 1024}, {AttrMultiprocessorCount, 4}, {AttrComputeCapabilityMajor, 9}, {AttrComputeCapabilityMinor, 0}} {
		got, err := d.DeviceAttribute(s.dev, c.attr)
		require.NoError(t, err)
		assert.Equal(t, c.want, got, "attribute %d", c.attr)
	}
	_, err = d.DeviceAttribute(s.dev, 9999)
	requireCode(t, err, 1)
	_, err = d.DeviceGet(1)
	e := requireCode(t, err, 101)
	assert.Equal(t, "CUDA_ERROR_INVALID_DEVICE", e.Name)
	assert.Equal(t, "invalid device ordinal", e.Msg)
	free, total, err := d.MemGetInfo()
	require.NoError(t, err)
	assert.Equal(t, mem, total)
	assert.LessOrEqual(t, free, total)
	cur, err := d.CtxGetCurrent()
	require.NoError(t, err)
	assert.Equal(t, s.ctx, cur)
	again, err := d.PrimaryCtxRetain(s.dev)
	require.NoError(t, err)
	assert.Equal(t, s.ctx, again, "the primary context is one handle")
	require.NoError(t, d.PrimaryCtxRelease(s.dev))
	requireCode(t, d.PrimaryCtxSetFlags(s.dev, 0x03), 1)
	require.NoError(t, d.PrimaryCtxSetFlags(s.dev, CtxSchedBlockingSync))
}

// TestStandinHelperProcess is not a test: the tests below re-run the test
// binary with it to check what must be seen in a fresh process (the state
// before cuInit, knobs read by cuInit).
func TestStandinHelperProcess(t *testing.T) {
	scenario := os.Getenv("VGGO_STANDIN_HELPER")
	if scenario == "" {
		t.Skip("helper for the stand-in tests that need a fresh process")
	}
	d, err := LoadDriver(WithLibraryPath(standintest.Dir(t)), WithGetenv(noEnv))
	require.NoError(t, err)
	report := func(k string, v any) { fmt.Printf("RESULT %s=%v\n", k, v) }
	code := func(err error) int {
		var e *Error
		if err == nil {
			return 0
		} else if errors.As(err, &e) {
			return e.Code
		}
		return -1
	}
	switch scenario {
	case "preinit":
		_, err := d.DeviceCount()
		report("count", code(err))
		v, err := d.DriverVersion()
		report("version", fmt.Sprint(v, "/", code(err)))
		report("init5", code(d.Init()))
	case "knobs":
		require.NoError(t, d.Init())
		n, _ := d.DeviceCount()
		report("devices", n)
		runtime.LockOSThread()
		dev, _ := d.DeviceGet(2)
		mem, _ := d.DeviceTotalMem(dev)
		report("mem", mem)
		sms, _ := d.DeviceAttribute(dev, AttrMultiprocessorCount)
		report("sms", sms)
		ctx, _ := d.PrimaryCtxRetain(dev)
		_ = d.CtxSetCurrent(ctx)
		_, err := d.MemAlloc(65 << 20)
		report("alloc65", code(err))
		p, err := d.MemAlloc(60 << 20)
		report("alloc60", code(err))
		_ = d.MemFree(p)
		_ = d.PrimaryCtxRelease(dev)
	}
}

func helper(t *testing.T, scenario string, env ...string) map[string]string {
	t.Helper()
	standintest.Dir(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestStandinHelperProcess$", "-test.v")
	cmd.Env = append(append(os.Environ(), "VGGO_STANDIN_HELPER="+scenario), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	res := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "RESULT "), "="); ok && strings.HasPrefix(sc.Text(), "RESULT ") {
			res[k] = v
		}
	}
	return res
}

func TestStandinNeedsInitFirst(t *testing.T) {
	r := helper(t, "preinit")
	assert.Equal(t, "3", r["count"], "cuDeviceGetCount before cuInit")
	assert.Equal(t, "13000/0", r["version"], "cuDriverGetVersion works before cuInit")
	assert.Equal(t, "0", r["init5"])
}

func TestStandinDeviceKnobs(t *testing.T) {
	r := helper(t, "knobs", "VGGO_STANDIN_DEVICES=3", "VGGO_STANDIN_MEMORY_MB=64", "VGGO_STANDIN_SMS=2")
	assert.Equal(t, "3", r["devices"])
	assert.Equal(t, strconv.Itoa(64<<20), r["mem"])
	assert.Equal(t, "2", r["sms"])
	assert.Equal(t, "2", r["alloc65"], "over the budget: CUDA_ERROR_OUT_OF_MEMORY")
	assert.Equal(t, "0", r["alloc60"])
}

func TestStandinContextIsPerThread(t *testing.T) {
	s := newSession(t, nil)
	p := s.alloc(256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		// Another OS thread: whatever was current here, unbind it.
		require.NoError(t, s.drv.CtxSetCurrent(Context{}))
		cur, err := s.drv.CtxGetCurrent()
		assert.NoError(t, err)
		assert.Equal(t, Context{}, cur)
		_, err = s.drv.MemAlloc(256)
		e := requireCode(t, err, 201)
		assert.Contains(t, e.Error(), "runtime.LockOSThread", "the binding's hint")
		requireCode(t, s.drv.MemFree(p), 201)
		require.NoError(t, s.drv.CtxSetCurrent(s.ctx))
		q, err := s.drv.MemAlloc(256)
		require.NoError(t, err)
		require.NoError(t, s.drv.MemFree(q))
		require.NoError(t, s.drv.CtxSetCurrent(Context{}))
	}()
	<-done
	// This thread's current context is untouched by the other's.
	require.NoError(t, s.drv.MemFree(p))
}

func TestStandinMemoryChecks(t *testing.T) {
	s := newSession(t, nil)
	d := s.drv
	p := s.alloc(1000)
	assert.Zero(t, uint64(p)%256, "cuMemAlloc alignment")
	// Fresh memory is poisoned with NaN words, not zeros.
	for _, w := range s.readU32(p, 250) {
		require.Equal(t, uint32(0x7FC00001), w)
	}
	host := make([]float32, 512)
	pinned, err := d.MemAllocHost(4096)
	require.NoError(t, err)
	defer func() { require.NoError(t, d.MemFreeHost(pinned)) }()
	freed := s.alloc(64)
	require.NoError(t, d.MemFree(freed))

	cases := []struct {
		name string
		call func() error
		want int
		msg  string
	}{
		{"whole allocation", func() error { return d.MemcpyHtoD(p, unsafe.Pointer(&host[0]), 1000) }, 0, ""},
		{"one byte past the end", func() error { return d.MemcpyHtoD(p, unsafe.Pointer(&host[0]), 1001) }, 1, "1 bytes past the end"},
		{"range past the end", func() error { return d.MemcpyDtoH(unsafe.Pointer(&host[0]), p+996, 8) }, 1, "past the end"},
		{"host pointer as device pointer", func() error {
			return d.MemcpyHtoD(DevicePtr(uintptr(unsafe.Pointer(&host[0]))), unsafe.Pointer(&host[1]), 4)
		}, 1, "not device memory"},
		{"pinned pointer as device pointer", func() error { return d.MemsetD32(DevicePtr(uintptr(pinned)), 0, 4) }, 1, "pinned host memory"},
		{"use after free", func() error { return d.MemsetD32(freed, 0, 4) }, 1, "use after cuMemFree"},
		{"double free", func() error { return d.MemFree(freed) }, 1, "double free"},
		{"free of an interior pointer", func() error { return d.MemFree(p + 4) }, 1, "not the base"},
		{"free of a host pointer", func() error { return d.MemFree(DevicePtr(uintptr(unsafe.Pointer(&host[0])))) }, 1, "not device memory"},
		{"memset unaligned", func() error { return d.MemsetD32(p+2, 0, 1) }, 1, "4-byte aligned"},
		{"memset counts words", func() error { return d.MemsetD32(p, 0, 251) }, 1, "past the end"},
		{"memset whole", func() error { return d.MemsetD32(p, 7, 250) }, 0, ""},
		{"DtoD overlapping the end", func() error { return d.MemcpyDtoD(p, p+500, 600) }, 1, "past the end"},
		{"free host of device memory", func() error { return d.MemFreeHost(devAsHost(p)) }, 1, "did not come from cuMemAllocHost"},
		{"free host of Go memory", func() error { return d.MemFreeHost(unsafe.Pointer(&host[0])) }, 1, "did not come from cuMemAllocHost"},
		{"alloc of 0 bytes", func() error { _, err := d.MemAlloc(0); return err }, 1, "bytesize is 0"},
		{"alloc over the budget", func() error { _, err := d.MemAlloc(9 << 30); return err }, 2, "free"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.bind(t)
			err := c.call()
			if c.want == 0 {
				require.NoError(t, err)
				return
			}
			requireCode(t, err, c.want)
			// The stand-in's description of the failure goes to its log.
			assert.Contains(t, lastLine(s.readFile(s.log)), c.msg)
		})
	}
	assert.Equal(t, []uint32{7, 7}, s.readU32(p, 2))
	require.NoError(t, d.MemFree(p))
}

// devAsHost reinterprets a device address (C memory, not Go's) as a host
// pointer, for passing device memory where host memory is expected.
func devAsHost(p DevicePtr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestStandinAsyncCopiesAreAsync(t *testing.T) {
	// VGGO_STANDIN_DEFER holds queued work until the host waits for
	// something: a legal schedule on a GPU, and deterministic.
	s := newSession(t, map[string]string{"VGGO_STANDIN_DEFER": "1"})
	d := s.drv
	st := s.stream()
	const n = 256
	dev := s.alloc(4 * n)
	in, err := d.MemAllocHost(4 * n)
	require.NoError(t, err)
	defer func() { require.NoError(t, d.MemFreeHost(in)) }()
	out, err := d.MemAllocHost(4 * n)
	require.NoError(t, err)
	defer func() { require.NoError(t, d.MemFreeHost(out)) }()
	inF := unsafe.Slice((*float32)(in), n)
	outF := unsafe.Slice((*float32)(out), n)
	for i := range inF {
		inF[i], outF[i] = 1, -1
	}

	// A read-back without synchronisation sees stale data.
	require.NoError(t, d.MemcpyHtoDAsync(dev, in, 4*n, st))
	require.NoError(t, d.MemcpyDtoHAsync(out, dev, 4*n, st))
	assert.Equal(t, float32(-1), outF[0], "DtoHAsync into pinned memory has not run before a sync")
	require.NoError(t, d.StreamSynchronize(st))
	assert.Equal(t, float32(1), outF[0])
	assert.Equal(t, float32(1), outF[n-1])

	// A pinned staging buffer reused before the copy ran: the device gets
	// the new contents, not the ones at the call.
	require.NoError(t, d.MemcpyHtoDAsync(dev, in, 4*n, st))
	for i := range inF {
		inF[i] = 2
	}
	require.NoError(t, d.StreamSynchronize(st))
	assert.Equal(t, float32(2), s.readF32(dev, 1)[0], "the pinned source is read when the copy executes")

	// Pageable host memory is staged at the call (CUDA's documented
	// behaviour), so reusing it at once is safe.
	src := make([]float32, n)
	for i := range src {
		src[i] = 3
	}
	require.NoError(t, d.MemcpyHtoDAsync(dev, unsafe.Pointer(&src[0]), 4*n, st))
	src[0] = 4
	require.NoError(t, d.StreamSynchronize(st))
	assert.Equal(t, float32(3), s.readF32(dev, 1)[0])

	// A pageable destination makes DtoHAsync synchronous.
	dst := make([]float32, n)
	require.NoError(t, d.MemcpyDtoHAsync(unsafe.Pointer(&dst[0]), dev, 4*n, st))
	assert.Equal(t, float32(3), dst[0])
	require.NoError(t, d.MemFree(dev))
}

func TestStandinStreamDelay(t *testing.T) {
	s := newSession(t, map[string]string{"VGGO_STANDIN_STREAM_DELAY_US": "50000"})
	d := s.drv
	st := s.stream()
	dev := s.alloc(4)
	require.NoError(t, d.MemsetD32(dev, 5, 1))
	out, err := d.MemAllocHost(4)
	require.NoError(t, err)
	defer func() { require.NoError(t, d.MemFreeHost(out)) }()
	*(*uint32)(out) = 0
	require.NoError(t, d.MemcpyDtoHAsync(out, dev, 4, st))
	assert.Equal(t, uint32(0), *(*uint32)(out), "50 ms later, not yet")
	require.NoError(t, d.StreamSynchronize(st))
	assert.Equal(t, uint32(5), *(*uint32)(out))
	require.NoError(t, d.MemFree(dev))
}

func TestStandinEvents(t *testing.T) {
	s := newSession(t, map[string]string{"VGGO_STANDIN_DEFER": "1"})
	d := s.drv
	st := s.stream()
	never, err := d.EventCreate(0)
	require.NoError(t, err)
	require.NoError(t, d.EventSynchronize(never), "a never-recorded event is complete")
	a, err := d.EventCreate(0)
	require.NoError(t, err)
	b, err := d.EventCreate(0)
	require.NoError(t, err)
	noTime, err := d.EventCreate(EventDisableTiming)
	require.NoError(t, err)
	_, err = d.EventCreate(4)
	requireCode(t, err, 1)
	_, err = d.EventElapsedTime(never, a)
	requireCode(t, err, 400)

	dev := s.alloc(4 << 20)
	require.NoError(t, d.EventRecord(a, st))
	require.NoError(t, d.MemsetD32Async(dev, 1, 1<<20, st))
	require.NoError(t, d.EventRecord(b, st))
	require.NoError(t, d.EventRecord(noTime, st))
	_, err = d.EventElapsedTime(a, b)
	requireCode(t, err, 600) // recorded, not complete: CUDA_ERROR_NOT_READY
	require.NoError(t, d.EventSynchronize(b))
	ms, err := d.EventElapsedTime(a, b)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, ms, float32(0))
	require.NoError(t, d.EventSynchronize(noTime))
	_, err = d.EventElapsedTime(a, noTime)
	requireCode(t, err, 400)
	// Synchronising on b covered the memset before it.
	assert.Equal(t, []uint32{1}, s.readU32(dev+4<<20-4, 1))
	for _, e := range []Event{never, a, b, noTime} {
		require.NoError(t, d.EventDestroy(e))
	}
	requireCode(t, d.EventDestroy(a), 400)
	requireCode(t, d.EventRecord(a, st), 400)
	require.NoError(t, d.MemFree(dev))
}

// threadModes are the two ways the stand-in gives a block its OS threads:
// one per CUDA thread from the start (default), or on demand
// (VGGO_STANDIN_THREADS=lazy).
var threadModes = []string{"", "lazy"}

func TestStandinKernelsWithBlockSemantics(t *testing.T) {
	for _, mode := range threadModes {
		t.Run("threads="+mode, func(t *testing.T) { testBlockSemantics(t, mode) })
	}
}

func testBlockSemantics(t *testing.T, mode string) {
	s := newSession(t, map[string]string{"VGGO_STANDIN_THREADS": mode})
	d := s.drv
	m := s.module()
	st := s.stream()
	t.Logf("NVRTC compile of the test kernels: %v", testImage.took)

	t.Run("shared memory reduction with __syncthreads", func(t *testing.T) {
		s.bind(t)
		const n = 100000
		x := make([]float32, n)
		want := 0.0
		for i := range x {
			x[i] = float32(i % 7)
			want += float64(x[i])
		}
		xd, out := s.alloc(4*n), s.alloc(4)
		s.writeF32(xd, x)
		require.NoError(t, d.MemsetD32(out, 0, 1))
		require.NoError(t, d.LaunchKernel(s.fn(m, "t_reduce"), Dim3{16, 1, 1}, Dim3{256, 1, 1}, 0, st, ArgPtr(xd), ArgPtr(out), ArgI32(n)))
		require.NoError(t, d.StreamSynchronize(st))
		assert.Equal(t, float32(want), s.readF32(out, 1)[0])
		require.NoError(t, d.MemFree(xd))
		require.NoError(t, d.MemFree(out))
	})
	t.Run("3-D indices", func(t *testing.T) {
		s.bind(t)
		grid, block := Dim3{3, 2, 2}, Dim3{4, 3, 2}
		total := 12 * 24
		out := s.alloc(uint64(4 * total))
		require.NoError(t, d.LaunchKernel(s.fn(m, "t_index"), grid, block, 0, st, ArgPtr(out)))
		require.NoError(t, d.StreamSynchronize(st))
		got := s.readU32(out, total)
		i := 0
		for bz := uint32(0); bz < 2; bz++ {
			for by := uint32(0); by < 2; by++ {
				for bx := uint32(0); bx < 3; bx++ {
					for tz := uint32(0); tz < 2; tz++ {
						for ty := uint32(0); ty < 3; ty++ {
							for tx := uint32(0); tx < 4; tx++ {
								require.Equal(t, bx<<24|by<<20|bz<<16|tx<<8|ty<<4|tz, got[i], "element %d", i)
								i++
							}
						}
					}
				}
			}
		}
		require.NoError(t, d.MemFree(out))
	})
	t.Run("blocks run in shuffled order", func(t *testing.T) {
		s.bind(t)
		const blocks = 64
		counter, order := s.alloc(4), s.alloc(4*blocks)
		require.NoError(t, d.MemsetD32(counter, 0, 1))
		require.NoError(t, d.LaunchKernel(s.fn(m, "t_order"), Dim3{blocks, 1, 1}, Dim3{32, 1, 1}, 0, st, ArgPtr(counter), ArgPtr(order)))
		require.NoError(t, d.StreamSynchronize(st))
		got := s.readU32(order, blocks)
		sorted := append([]uint32(nil), got...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		inOrder := true
		for i := range got {
			require.Equal(t, uint32(i), sorted[i], "each block ran once")
			inOrder = inOrder && got[i] == uint32(i)
		}
		assert.False(t, inOrder, "blocks ran in index order")
		require.NoError(t, d.MemFree(counter))
		require.NoError(t, d.MemFree(order))
	})
	t.Run("atomicAdd across blocks", func(t *testing.T) {
		s.bind(t)
		buf := s.alloc(24)
		require.NoError(t, d.MemsetD32(buf, 0, 6))
		require.NoError(t, d.LaunchKernel(s.fn(m, "t_atomics"), Dim3{8, 1, 1}, Dim3{128, 1, 1}, 0, st, ArgPtr(buf), ArgPtr(buf+8), ArgPtr(buf+16)))
		require.NoError(t, d.StreamSynchronize(st))
		raw := s.readU32(buf, 6)
		assert.Equal(t, 512.0, math.Float64frombits(uint64(raw[0])|uint64(raw[1])<<32))
		assert.Equal(t, float32(1024), math.Float32frombits(raw[2]))
		assert.Equal(t, uint64(1024), uint64(raw[4])|uint64(raw[5])<<32)
		require.NoError(t, d.MemFree(buf))
	})
	t.Run("parameters of every size pass by value", func(t *testing.T) {
		s.bind(t)
		out := s.alloc(48)
		require.NoError(t, d.LaunchKernel(s.fn(m, "t_params"), Dim3{1, 1, 1}, Dim3{1, 1, 1}, 0, st,
			ArgF32(1.5), ArgU64(math.Float64bits(-2.25)), ArgI32(-7), ArgU64(uint64(1)<<40), ArgI32(200), ArgF32(0.125), ArgPtr(out)))
		require.NoError(t, d.StreamSynchronize(st))
		raw := make([]float64, 6)
		require.NoError(t, d.MemcpyDtoH(unsafe.Pointer(&raw[0]), out, 48))
		assert.Equal(t, []float64{1.5, -2.25, -7, float64(uint64(1) << 40), 200, 0.125}, raw)
		require.NoError(t, d.MemFree(out))
	})
	t.Run("shared memory starts as NaN", func(t *testing.T) {
		s.bind(t)
		out := s.alloc(128)
		require.NoError(t, d.LaunchKernel(s.fn(m, "t_shared_poison"), Dim3{1, 1, 1}, Dim3{32, 1, 1}, 0, st, ArgPtr(out)))
		require.NoError(t, d.StreamSynchronize(st))
		for _, w := range s.readU32(out, 32) {
			require.Equal(t, uint32(0x7FC00001), w)
		}
		require.NoError(t, d.MemFree(out))
	})
	t.Run("a pinned flag seen by a running kernel", func(t *testing.T) {
		s.bind(t)
		flag, err := d.MemAllocHost(4)
		require.NoError(t, err)
		*(*int32)(flag) = 0
		x := s.alloc(4)
		require.NoError(t, d.MemsetD32(x, 0, 1))
		require.NoError(t, d.LaunchKernel(s.fn(m, "t_wait_flag"), Dim3{1, 1, 1}, Dim3{1, 1, 1}, 0, st, ArgPtr(DevicePtr(uintptr(flag))), ArgPtr(x)))
		// The legacy stream's synchronous copy does not wait for the
		// non-blocking stream, whose kernel is still spinning.
		assert.Equal(t, float32(0), s.readF32(x, 1)[0])
		*(*int32)(flag) = 1
		require.NoError(t, d.StreamSynchronize(st))
		assert.Equal(t, float32(42), s.readF32(x, 1)[0])
		require.NoError(t, d.MemFree(x))
		require.NoError(t, d.MemFreeHost(flag))
	})
	t.Run("threads of a block wait for each other without a barrier", func(t *testing.T) {
		s.bind(t)
		flag, x := s.alloc(4), s.alloc(4*64)
		require.NoError(t, d.MemsetD32(flag, 0, 1))
		require.NoError(t, d.LaunchKernel(s.fn(m, "t_spin"), Dim3{2, 1, 1}, Dim3{64, 1, 1}, 0, st, ArgPtr(flag), ArgPtr(x)))
		require.NoError(t, d.StreamSynchronize(st))
		assert.Equal(t, float32(1), s.readF32(x, 32)[31])
		require.NoError(t, d.MemFree(flag))
		require.NoError(t, d.MemFree(x))
	})
	_, err := d.ModuleGetFunction(m, "no_such_kernel")
	requireCode(t, err, 500)
}

func TestStandinLaunchLimits(t *testing.T) {
	s := newSession(t, nil)
	d := s.drv
	m := s.module()
	st := s.stream()
	x := s.alloc(4096 * 4)
	idx := s.fn(m, "t_index")
	big := s.fn(m, "t_big_shared") // 8 KiB of static shared memory
	cases := []struct {
		name        string
		f           Function
		grid, block Dim3
		shared      uint32
		want        int
	}{
		{"fits", idx, Dim3{1, 1, 1}, Dim3{1024, 1, 1}, 0, 0},
		{"block of 1025 threads", idx, Dim3{1, 1, 1}, Dim3{1025, 1, 1}, 0, 1},
		{"1024 threads over 3 dims", idx, Dim3{1, 1, 1}, Dim3{16, 16, 4}, 0, 0},
		{"1088 threads over 3 dims", idx, Dim3{1, 1, 1}, Dim3{17, 16, 4}, 0, 1},
		{"block z 65", idx, Dim3{1, 1, 1}, Dim3{1, 1, 65}, 0, 1},
		{"grid y 65536", idx, Dim3{1, 65536, 1}, Dim3{1, 1, 1}, 0, 1},
		{"grid z 65536", idx, Dim3{1, 1, 65536}, Dim3{1, 1, 1}, 0, 1},
		{"grid x 2^31", idx, Dim3{1 << 31, 1, 1}, Dim3{1, 1, 1}, 0, 1},
		{"zero grid", idx, Dim3{0, 1, 1}, Dim3{1, 1, 1}, 0, 1},
		{"zero block", idx, Dim3{1, 1, 1}, Dim3{1, 0, 1}, 0, 1},
		{"48 KiB shared in all", big, Dim3{1, 1, 1}, Dim3{32, 1, 1}, 40 << 10, 0},
		{"one byte over 48 KiB", big, Dim3{1, 1, 1}, Dim3{32, 1, 1}, 40<<10 + 1, 1},
		{"no function", Function{}, Dim3{1, 1, 1}, Dim3{1, 1, 1}, 0, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.bind(t)
			err := d.LaunchKernel(c.f, c.grid, c.block, c.shared, st, ArgPtr(x))
			if c.want == 0 {
				require.NoError(t, err)
			} else {
				requireCode(t, err, c.want)
			}
		})
	}
	require.NoError(t, d.StreamSynchronize(st))
	// Pointer parameters must point at device memory.
	host := make([]uint32, 4)
	requireCode(t, d.LaunchKernel(idx, Dim3{1, 1, 1}, Dim3{1, 1, 1}, 0, st, ArgPtr(DevicePtr(uintptr(unsafe.Pointer(&host[0]))))), 1)
	assert.Contains(t, lastLine(s.readFile(s.log)), "parameter 0")
	require.NoError(t, d.MemFree(x))
}

// kernelFault runs one faulting kernel in a fresh context and returns the
// error of the synchronisation and of a later call, and the stand-in's log.
func kernelFault(t *testing.T, kernel string, block Dim3, args func(s *session) []Arg) (sync, later error, log string) {
	s := newSession(t, nil)
	s.allowLeaks = true // a poisoned context frees nothing: the reset does
	m := s.module()
	st, err := s.drv.StreamCreate(StreamNonBlocking)
	require.NoError(t, err)
	require.NoError(t, s.drv.LaunchKernel(s.fn(m, kernel), Dim3{2, 1, 1}, block, 0, st, args(s)...))
	sync = s.drv.StreamSynchronize(st)
	_, later = s.drv.MemAlloc(16)
	return sync, later, s.readFile(s.log)
}

func TestStandinKernelFaultsAreSticky(t *testing.T) {
	cases := []struct {
		name   string
		kernel string
		block  Dim3
		code   int
		args   func(s *session) []Arg
		msg    *regexp.Regexp
	}{
		{"a thread returns before __syncthreads", "t_early_return", Dim3{64, 1, 1}, 719,
			func(s *session) []Arg { return []Arg{ArgPtr(s.alloc(256))} },
			regexp.MustCompile(`kernel t_early_return: block \(\d,0,0\).*thread \(\d+,0,0\) (returned while|waits at __syncthreads \(standin_test.cu:\d+\) but thread \(0,0,0\) has returned)`)},
		{"threads wait at different __syncthreads", "t_two_barriers", Dim3{32, 1, 1}, 719,
			func(s *session) []Arg { return []Arg{ArgPtr(s.alloc(128))} },
			regexp.MustCompile(`kernel t_two_barriers.*waits at another one`)},
		{"an access past the end of an allocation", "t_oob", Dim3{32, 1, 1}, 700,
			func(s *session) []Arg { return []Arg{ArgPtr(s.alloc(4000)), ArgU64(1000)} },
			regexp.MustCompile(`kernel t_oob: block \(0,0,0\).*thread \(0,0,0\): SIGSEGV: illegal access to 0x[0-9a-f]+ is 4096 bytes past the end of allocation #\d+ at 0x[0-9a-f]+ \(4000 bytes\)`)},
	}
	for _, c := range cases {
		for _, mode := range threadModes {
			t.Run(c.name+"/threads="+mode, func(t *testing.T) {
				t.Setenv("VGGO_STANDIN_THREADS", mode)
				sync, later, log := kernelFault(t, c.kernel, c.block, c.args)
				requireCode(t, sync, c.code)
				requireCode(t, later, c.code)
				assert.Regexp(t, c.msg, log)
			})
		}
	}
	// The reset cleared the sticky error: a new session works.
	s := newSession(t, nil)
	require.NoError(t, s.drv.MemFree(s.alloc(16)))
}

func TestStandinFaultInjection(t *testing.T) {
	t.Run("the Nth cuMemAlloc fails, once", func(t *testing.T) {
		s := newSession(t, map[string]string{"VGGO_STANDIN_FAIL_ALLOC": "2"})
		a := s.alloc(16)
		_, err := s.drv.MemAlloc(16)
		requireCode(t, err, 2)
		b := s.alloc(16)
		require.NoError(t, s.drv.MemFree(a))
		require.NoError(t, s.drv.MemFree(b))
	})
	t.Run("the Nth launch fails when it runs, sticky", func(t *testing.T) {
		s := newSession(t, map[string]string{"VGGO_STANDIN_FAIL_LAUNCH": "2"})
		s.allowLeaks = true
		m := s.module()
		st, err := s.drv.StreamCreate(StreamNonBlocking)
		require.NoError(t, err)
		x := s.alloc(4096)
		f := s.fn(m, "t_index")
		require.NoError(t, s.drv.LaunchKernel(f, Dim3{1, 1, 1}, Dim3{32, 1, 1}, 0, st, ArgPtr(x)))
		require.NoError(t, s.drv.StreamSynchronize(st))
		require.NoError(t, s.drv.LaunchKernel(f, Dim3{1, 1, 1}, Dim3{32, 1, 1}, 0, st, ArgPtr(x)), "accepted")
		requireCode(t, s.drv.StreamSynchronize(st), 719)
		requireCode(t, s.drv.LaunchKernel(f, Dim3{1, 1, 1}, Dim3{32, 1, 1}, 0, st, ArgPtr(x)), 719)
		assert.Contains(t, s.readFile(s.log), "VGGO_STANDIN_FAIL_LAUNCH=2")
	})
}

func TestStandinLeakReportAtReset(t *testing.T) {
	s := newSession(t, nil)
	s.allowLeaks = true
	d := s.drv
	c, err := s.nvrtc().Compile(`extern "C" __global__ void k(float *x) { x[0] = 1.0f; }`, "k.cu", "-arch=sm_90")
	require.NoError(t, err)
	_, err = d.ModuleLoadData(c.Image())
	require.NoError(t, err)
	p := s.alloc(4096)
	_, err = d.StreamCreate(0)
	require.NoError(t, err)
	_, err = d.EventCreate(EventDisableTiming)
	require.NoError(t, err)
	pinned, err := d.MemAllocHost(100)
	require.NoError(t, err)
	_ = pinned
	// Release the session's reference: the context resets now.
	require.NoError(t, d.PrimaryCtxRelease(s.dev))
	leaks := s.readFile(s.leaks)
	for _, want := range []string{
		fmt.Sprintf("leak: device memory %#x 4096 bytes", uint64(p)),
		"leak: pinned host memory", " 100 bytes",
		"leak: stream 0x", "leak: event 0x", "leak: module 0x",
	} {
		assert.Contains(t, leaks, want)
	}
	// The context's current binding survives the reset, the context does
	// not: calls fail until it is retained again, and old pointers are gone.
	_, err = d.MemAlloc(16)
	requireCode(t, err, 709)
	ctx, err := d.PrimaryCtxRetain(s.dev)
	require.NoError(t, err)
	require.NoError(t, d.CtxSetCurrent(ctx))
	requireCode(t, d.MemFree(p), 1)
	// (The session's cleanup releases this retain.)
}

func TestStandinNVRTC(t *testing.T) {
	s := newSession(t, nil)
	n := s.nvrtc()
	major, minor, err := n.Version()
	require.NoError(t, err)
	assert.Equal(t, [2]int{13, 0}, [2]int{major, minor})
	archs, err := n.SupportedArchs()
	require.NoError(t, err)
	assert.IsIncreasing(t, archs)
	assert.Contains(t, archs, 80)
	assert.Contains(t, archs, 90)

	const src = `extern "C" __global__ void scale(float *x, float a, int n) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n) x[i] *= a;
}`
	scale := func(m Module) {
		x := s.alloc(4 * 300)
		v := make([]float32, 300)
		for i := range v {
			v[i] = float32(i)
		}
		s.writeF32(x, v)
		f := s.fn(m, "scale")
		require.NoError(t, s.drv.LaunchKernel(f, Dim3{3, 1, 1}, Dim3{128, 1, 1}, 0, Stream{}, ArgPtr(x), ArgF32(0.5), ArgI32(300)))
		got := s.readF32(x, 300)
		assert.Equal(t, float32(149.5), got[299])
		require.NoError(t, s.drv.MemFree(x))
	}

	c, err := n.Compile(src, "scale.cu", "--gpu-architecture=sm_90")
	require.NoError(t, err)
	assert.Empty(t, c.Log)
	assert.NotEmpty(t, c.CUBIN)
	assert.Equal(t, c.CUBIN, c.Image())
	assert.Contains(t, string(c.PTX), ".target sm_90")
	assert.Regexp(t, regexp.MustCompile(`\.entry\s+scale\s*\(`), string(c.PTX))
	m, err := s.drv.ModuleLoadData(c.Image())
	require.NoError(t, err)
	scale(m)
	require.NoError(t, s.drv.ModuleUnload(m))
	requireCode(t, s.drv.ModuleUnload(m), 400)

	// A virtual architecture gives PTX only, which the driver JITs for this
	// (newer or equal) device.
	v, err := n.Compile(src, "scale.cu", "--gpu-architecture=compute_80")
	require.NoError(t, err)
	assert.Empty(t, v.CUBIN)
	assert.Equal(t, v.PTX, v.Image())
	m, err = s.drv.ModuleLoadData(v.Image())
	require.NoError(t, err)
	scale(m)
	require.NoError(t, s.drv.ModuleUnload(m))

	loadErrors := []struct {
		name  string
		image func() []byte
		code  int
		log   string
	}{
		{"CUBIN for another major version", func() []byte {
			c, err := n.Compile(src, "scale.cu", "-arch=sm_80")
			require.NoError(t, err)
			return c.CUBIN
		}, 209, "the CUBIN is for sm_80"},
		{"PTX for a newer device", func() []byte {
			c, err := n.Compile(src, "scale.cu", "--gpu-architecture=compute_100")
			require.NoError(t, err)
			return c.PTX
		}, 218, "newer than this device"},
		{"PTX from a newer toolchain", func() []byte {
			return []byte(strings.Replace(string(v.PTX), ".version 9.0", ".version 9.9", 1))
		}, 222, "PTX ISA 9.9"},
		{"garbage", func() []byte { return []byte("this is not a module") }, 200, "neither a stand-in CUBIN nor PTX"},
		{"real PTX", func() []byte { return []byte(".version 8.0\n.target sm_90\n.address_size 64\n") }, 218, "cannot JIT-compile real PTX"},
	}
	for _, c := range loadErrors {
		t.Run(c.name, func(t *testing.T) {
			s.bind(t)
			_, err := s.drv.ModuleLoadData(c.image())
			e := requireCode(t, err, c.code)
			assert.Contains(t, e.Msg, c.log, "the JIT error log reaches the caller's buffer")
		})
	}

	compileErrors := []struct {
		name string
		src  string
		opts []string
		code string
		log  []string
	}{
		{"unknown option", src, []string{"--no-such-option"}, "NVRTC_ERROR_INVALID_OPTION", []string{"--no-such-option"}},
		{"unsupported architecture", src, []string{"--gpu-architecture=sm_91"}, "NVRTC_ERROR_INVALID_OPTION", []string{"sm_91"}},
		{"compile error", `extern "C" __global__ void k() { undeclared(); }`, []string{"--gpu-architecture=sm_90"},
			"NVRTC_ERROR_COMPILATION", []string{"bad.cu:1", "undeclared"}},
		{"dynamic shared memory", "extern \"C\" __global__ void k(float *x) {\n\textern __shared__ float s[];\n\tx[0] = s[0];\n}",
			[]string{"--gpu-architecture=sm_90"}, "NVRTC_ERROR_COMPILATION", []string{"bad.cu(2)", "extern __shared__"}},
	}
	for _, c := range compileErrors {
		t.Run(c.name, func(t *testing.T) {
			s.bind(t)
			_, err := n.Compile(c.src, "bad.cu", c.opts...)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, c.code, e.Name)
			for _, l := range c.log {
				assert.Contains(t, e.Msg, l)
			}
		})
	}
}

// TestStandinErrorTableMatchesCUDAHeader checks the stand-in's CUresult
// names (cuGetErrorName) against NVIDIA's cuda.h, value for value.
func TestStandinErrorTableMatchesCUDAHeader(t *testing.T) {
	hdr, err := os.ReadFile(filepath.Join(pipDir(t), "cu13/include/cuda.h"))
	require.NoError(t, err)
	src := string(hdr)
	body := src[strings.Index(src, "typedef enum cudaError_enum {"):strings.Index(src, "} CUresult;")]
	want := map[string]string{}
	for _, m := range regexp.MustCompile(`\n\s*(CUDA_\w+)\s*=\s*(\d+)`).FindAllStringSubmatch(body, -1) {
		want[m[2]] = m[1]
	}
	table, err := os.ReadFile("standin/cuda_errors.h")
	require.NoError(t, err)
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`\{(\d+), "(CUDA_\w+)", "`).FindAllStringSubmatch(string(table), -1) {
		got[m[1]] = m[2]
	}
	assert.Equal(t, want, got)
}

// BenchmarkStandinLaunch measures one launch of 64 blocks of 256 threads
// (the backend's largest grid on the stand-in's 4 SMs): without barriers,
// and with the 9 barriers of a shared-memory tree reduction per block.
func BenchmarkStandinLaunch(b *testing.B) {
	type bench struct{ name, kernel, mode string }
	var cases []bench
	for _, mode := range threadModes {
		cases = append(cases, bench{"no barriers", "t_index", mode}, bench{"9 barriers per block", "t_reduce", mode})
	}
	for _, c := range cases {
		b.Run(c.name+"/threads="+c.mode, func(b *testing.B) {
			s := newSession(b, map[string]string{"VGGO_STANDIN_THREADS": c.mode})
			m := s.module()
			f := s.fn(m, c.kernel)
			x := s.alloc(4 * 64 * 256)
			out := s.alloc(4)
			args := []Arg{ArgPtr(x)}
			if c.kernel == "t_reduce" {
				args = []Arg{ArgPtr(x), ArgPtr(out), ArgI32(64 * 256)}
			}
			require.NoError(b, s.drv.MemsetD32(x, 0, 64*256))
			require.NoError(b, s.drv.LaunchKernel(f, Dim3{64, 1, 1}, Dim3{256, 1, 1}, 0, Stream{}, args...))
			require.NoError(b, s.drv.CtxSynchronize())
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				require.NoError(b, s.drv.LaunchKernel(f, Dim3{64, 1, 1}, Dim3{256, 1, 1}, 0, Stream{}, args...))
				require.NoError(b, s.drv.CtxSynchronize())
			}
			b.StopTimer()
			require.NoError(b, s.drv.MemFree(x))
			require.NoError(b, s.drv.MemFree(out))
		})
	}
}

// TestStandinKeepsGoFaultHandling: the stand-in's SIGSEGV handler (for
// faults in kernels) passes every other fault to the Go runtime's, so a nil
// dereference in Go still panics, recoverably.
func TestStandinKeepsGoFaultHandling(t *testing.T) {
	s := newSession(t, nil) // cuInit has installed the handler
	_ = s
	var p *int
	err := func() (err any) {
		defer func() { err = recover() }()
		return *p
	}()
	require.NotNil(t, err)
	assert.Contains(t, fmt.Sprint(err), "nil pointer dereference")
}
