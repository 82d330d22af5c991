package kerneltest

import (
	"fmt"

	"github.com/vggo/vggo/kernels"
)

// groups is the whole suite, one group per op, in the order Run runs them.
func groups() []group {
	return []group{
		{"Memory", memoryCases()},
		{"Conv2DForward", convForwardCases()},
		{"Conv2DBackwardData", convBackwardDataCases()},
		{"Conv2DBackwardFilter", convBackwardFilterCases()},
		{"MaxPoolForward", poolForwardCases()},
		{"MaxPoolBackward", poolBackwardCases()},
		{"ReLUForward", reluForwardCases()},
		{"ReLUBackward", reluBackwardCases()},
		{"DenseForward", denseForwardCases()},
		{"DenseBackward", denseBackwardCases()},
		{"DropoutForward", dropoutForwardCases()},
		{"DropoutBackward", dropoutBackwardCases()},
		{"SoftmaxCrossEntropy", softmaxCases()},
		{"SGDUpdate", sgdCases()},
	}
}

// invalid is an error case that must return an error wrapping
// kernels.ErrShape.
func invalid(name string, fail func(s *session) error) testCase {
	return testCase{name: name, fail: fail}
}

// rejected is an error case where any error will do: the tensor was freed
// or belongs to another backend, which each backend detects its own way.
func rejected(name string, fail func(s *session) error) testCase {
	return testCase{name: name, fail: fail, anyErr: true}
}

// foreign is a tensor that no backend made.
type foreign struct{ shape []int }

func (f foreign) Shape() []int { return f.shape }
func (f foreign) Len() int     { return numel(f.shape) }

// hostTensor is a host tensor holding a copy of data (zeros when nil).
func hostTensor(data []float32, shape ...int) *kernels.HostTensor {
	t, err := kernels.NewHostTensor(shape...)
	if err != nil {
		panic(fmt.Sprintf("kerneltest: %v", err))
	}
	copy(t.Data(), data)
	return t
}
