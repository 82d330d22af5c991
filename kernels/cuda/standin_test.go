//go:build linux && cgo

package cuda

import (
	"math"
	"regexp"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/internal/standintest"
)

// The project's kernels compiled by the CPU stand-in NVRTC and run by the
// stand-in driver (internal/cuda/standin, make standin) through the real
// binding, with real blocks of threads: what the GPU would compute, checked
// against plain Go.

type standinKernels struct {
	drv *cu.Driver
	dev cu.Device
	ctx cu.Context
	mod cu.Module
	st  cu.Stream
	fn  map[string]cu.Function
}

func openStandinKernels(t *testing.T) *standinKernels {
	t.Helper()
	dir := standintest.Dir(t)
	noEnv := cu.WithGetenv(func(string) string { return "" })
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)

	rtc, err := cu.LoadNVRTC(cu.WithLibraryPath(dir), noEnv)
	require.NoError(t, err)
	defer rtc.Close()
	start := time.Now()
	c, err := compileKernels(rtc, 90)
	require.NoError(t, err)
	t.Logf("stand-in NVRTC compile of kernels/cuda.Source() for sm_90: %v", time.Since(start))
	assert.Empty(t, c.Log, "the project's kernels compile without a message")
	assert.NotEmpty(t, c.CUBIN)
	for _, name := range KernelNames() {
		assert.Regexp(t, regexp.MustCompile(`\.entry\s+`+name+`\s*\(`), string(c.PTX))
	}

	k := &standinKernels{fn: map[string]cu.Function{}}
	k.drv, err = cu.LoadDriver(cu.WithLibraryPath(dir), noEnv)
	require.NoError(t, err)
	require.NoError(t, k.drv.Init())
	k.dev, err = k.drv.DeviceGet(0)
	require.NoError(t, err)
	k.ctx, err = k.drv.PrimaryCtxRetain(k.dev)
	require.NoError(t, err)
	require.NoError(t, k.drv.CtxSetCurrent(k.ctx))
	k.mod, err = k.drv.ModuleLoadData(c.Image())
	require.NoError(t, err)
	for _, name := range KernelNames() {
		k.fn[name], err = k.drv.ModuleGetFunction(k.mod, name)
		require.NoError(t, err)
	}
	k.st, err = k.drv.StreamCreate(cu.StreamNonBlocking)
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, k.drv.StreamDestroy(k.st))
		assert.NoError(t, k.drv.ModuleUnload(k.mod))
		assert.NoError(t, k.drv.PrimaryCtxRelease(k.dev))
		assert.NoError(t, k.drv.Close())
	})
	return k
}

// bind makes the context current on t's goroutine (each subtest runs on its
// own goroutine; the current context is per OS thread).
func (k *standinKernels) bind(t *testing.T) {
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	require.NoError(t, k.drv.CtxSetCurrent(k.ctx))
}

func (k *standinKernels) upload(t *testing.T, v []float32) cu.DevicePtr {
	p, err := k.drv.MemAlloc(uint64(4 * len(v)))
	require.NoError(t, err)
	require.NoError(t, k.drv.MemcpyHtoD(p, unsafe.Pointer(&v[0]), uint64(4*len(v))))
	return p
}

func (k *standinKernels) download(t *testing.T, p cu.DevicePtr, n int) []float32 {
	out := make([]float32, n)
	require.NoError(t, k.drv.MemcpyDtoH(unsafe.Pointer(&out[0]), p, uint64(4*n)))
	return out
}

func (k *standinKernels) launch(t *testing.T, name string, grid, block uint32, args ...cu.Arg) {
	require.NoError(t, k.drv.LaunchKernel(k.fn[name], cu.Dim3{X: grid, Y: 1, Z: 1}, cu.Dim3{X: block, Y: 1, Z: 1}, 0, k.st, args...))
	require.NoError(t, k.drv.StreamSynchronize(k.st))
}

func TestStandinRunsTheProjectKernels(t *testing.T) {
	k := openStandinKernels(t)
	sms, err := k.drv.DeviceAttribute(k.dev, cu.AttrMultiprocessorCount)
	require.NoError(t, err)

	t.Run(kernelSGDUpdate, func(t *testing.T) {
		k.bind(t)
		const n = 10007
		w, dw := make([]float32, n), make([]float32, n)
		for i := range w {
			w[i], dw[i] = float32(i)*0.001, float32(n-i)*0.37
		}
		wd, dwd := k.upload(t, w), k.upload(t, dw)
		const lr = float32(0.01)
		// The backend's geometry: grid-stride over at most 16 blocks per SM.
		k.launch(t, kernelSGDUpdate, uint32(16*sms), 256, cu.ArgPtr(wd), cu.ArgPtr(dwd), cu.ArgF32(lr), cu.ArgU64(n))
		got := k.download(t, wd, n)
		for i := range w {
			require.Equal(t, float32(w[i]-float32(lr*dw[i])), got[i], "element %d", i)
		}
		require.NoError(t, k.drv.MemFree(wd))
		require.NoError(t, k.drv.MemFree(dwd))
	})

	t.Run(kernelBiasBackward, func(t *testing.T) {
		k.bind(t)
		// __shared__ and __syncthreads: one block per channel.
		const n, c, pq = 3, 5, 37
		dy := make([]float32, n*c*pq)
		for i := range dy {
			dy[i] = float32(i%9) - 4
		}
		dyd := k.upload(t, dy)
		db, err := k.drv.MemAlloc(4 * c)
		require.NoError(t, err)
		k.launch(t, kernelBiasBackward, c, 256, cu.ArgPtr(dyd), cu.ArgPtr(db), cu.ArgI32(n), cu.ArgI32(c), cu.ArgI32(pq))
		got := k.download(t, db, c)
		for ch := 0; ch < c; ch++ {
			sum := 0.0
			for img := 0; img < n; img++ {
				for p := 0; p < pq; p++ {
					sum += float64(dy[(img*c+ch)*pq+p])
				}
			}
			assert.Equal(t, float32(sum), got[ch], "channel %d", ch)
		}
		require.NoError(t, k.drv.MemFree(dyd))
		require.NoError(t, k.drv.MemFree(db))
	})

	t.Run(kernelSoftmaxXent, func(t *testing.T) {
		k.bind(t)
		// Per-block tree sums through __shared__ and __syncthreads, one
		// slot of three doubles per block, added on the host in order.
		const n, classes = 300, 10
		logits, labels := make([]float32, n*classes), make([]float32, n)
		for i := range logits {
			logits[i] = float32(math.Sin(float64(i))) * 3
		}
		for i := range labels {
			labels[i] = float32(i % classes)
		}
		labels[7] = 11 // out of range: counted, not used
		ld, lbd := k.upload(t, logits), k.upload(t, labels)
		grid := xentGrid(n)
		out, err := k.drv.MemAlloc(24 * uint64(grid))
		require.NoError(t, err)
		k.launch(t, kernelSoftmaxXent, grid, xentBlock, cu.ArgPtr(ld), cu.ArgPtr(lbd), cu.ArgPtr(0), cu.ArgPtr(out), cu.ArgI32(n), cu.ArgI32(classes))
		parts := make([]float64, 3*grid)
		require.NoError(t, k.drv.MemcpyDtoH(unsafe.Pointer(&parts[0]), out, uint64(len(parts)*8)))
		res := sumXent(parts)
		loss, correct := 0.0, 0.0
		for r := 0; r < n; r++ {
			if r == 7 {
				continue
			}
			x := logits[r*classes : (r+1)*classes]
			mx, arg := x[0], 0
			for j, v := range x {
				if v > mx {
					mx, arg = v, j
				}
			}
			sum := 0.0
			for _, v := range x {
				sum += math.Exp(float64(v) - float64(mx))
			}
			loss -= float64(x[int(labels[r])]) - float64(mx) - math.Log(sum)
			if arg == int(labels[r]) {
				correct++
			}
		}
		assert.InEpsilon(t, loss, res[0], 1e-12)
		assert.Equal(t, correct, res[1])
		assert.Equal(t, 1.0, res[2], "one bad label")
		require.NoError(t, k.drv.MemFree(ld))
		require.NoError(t, k.drv.MemFree(lbd))
		require.NoError(t, k.drv.MemFree(out))
	})

	t.Run(kernelMaxPoolForward, func(t *testing.T) {
		k.bind(t)
		const planes, h, w = 2, 4, 6
		x := make([]float32, planes*h*w)
		for i := range x {
			x[i] = float32((i * 7) % 11)
		}
		xd := k.upload(t, x)
		y, err := k.drv.MemAlloc(4 * planes * 2 * 3)
		require.NoError(t, err)
		k.launch(t, kernelMaxPoolForward, uint32(16*sms), 256, cu.ArgPtr(xd), cu.ArgPtr(y), cu.ArgU64(planes),
			cu.ArgI32(h), cu.ArgI32(w), cu.ArgI32(2), cu.ArgI32(3), cu.ArgI32(2), cu.ArgI32(2), cu.ArgI32(2), cu.ArgI32(2))
		got := k.download(t, y, planes*6)
		for pl := 0; pl < planes; pl++ {
			for oh := 0; oh < 2; oh++ {
				for ow := 0; ow < 3; ow++ {
					m := float32(math.Inf(-1))
					for i := 0; i < 2; i++ {
						for j := 0; j < 2; j++ {
							m = max(m, x[pl*h*w+(2*oh+i)*w+2*ow+j])
						}
					}
					assert.Equal(t, m, got[pl*6+oh*3+ow])
				}
			}
		}
		require.NoError(t, k.drv.MemFree(xd))
		require.NoError(t, k.drv.MemFree(y))
	})
}
