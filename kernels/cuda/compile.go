//go:build linux && cgo

package cuda

import (
	"fmt"

	cu "github.com/vggo/vggo/internal/cuda"
)

// kernelOptions are the NVRTC options the backend's kernels are built with:
// IEEE float arithmetic without contraction into FMA, so the results match
// the CPU backends operation for operation.
func kernelOptions(arch string) []string {
	return []string{"--gpu-architecture=" + arch, "--std=c++17", "--fmad=false"}
}

// kernelArch is the NVRTC target for compute capability cc: sm_<cc> (a CUBIN
// for exactly this device) when the compiler knows an architecture at least
// that new, else compute_<newest> (PTX the driver JITs forward). supported
// is NVRTC's list, ascending; an empty list means sm_<cc>.
func kernelArch(cc int, supported []int) string {
	if n := len(supported); n > 0 && cc > supported[n-1] {
		return fmt.Sprintf("compute_%d", supported[n-1])
	}
	return fmt.Sprintf("sm_%d", cc)
}

// compileKernels compiles Source for compute capability cc with rtc.
// Callers go through KernelCache, so a process compiles each architecture
// once per cache.
func compileKernels(rtc *cu.NVRTC, cc int) (cu.Compiled, error) {
	archs, err := rtc.SupportedArchs()
	if err != nil {
		return cu.Compiled{}, err
	}
	return rtc.Compile(Source(), "vggo_kernels.cu", kernelOptions(kernelArch(cc, archs))...)
}
