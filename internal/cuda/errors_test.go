package cuda

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorText(t *testing.T) {
	e := &Error{Lib: "cuda", Call: "cuInit", Code: 100, Name: "CUDA_ERROR_NO_DEVICE", Msg: "no CUDA-capable device is detected"}
	assert.Equal(t, "cuda: cuInit failed: CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected; "+
		"hint: no CUDA device is visible (check CUDA_VISIBLE_DEVICES and nvidia-smi); run with -device cpu", e.Error())
	var target *Error
	assert.True(t, errors.As(error(e), &target))
}
