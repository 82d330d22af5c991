package device_test

import (
	"fmt"

	"github.com/vggo/vggo/device"
)

// ExampleTryGPU opens GPU 0, or the CPU where no GPU is usable, and checks
// the backend against the reference one. On the CPU, dev.Reason() says why
// the GPU was not used ("device: gpu(0): no usable GPU: cannot load
// libcuda.so.1: ...").
func ExampleTryGPU() {
	dev := device.TryGPU()
	defer dev.Close()
	fmt.Println("backend works:", device.SelfCheck(dev.Ops()) == nil)
	// Output: backend works: true
}
