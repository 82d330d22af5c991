package safetensors

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzDecode checks that no input makes the reader panic or allocate more
// than the input's size, that every error is a *FormatError, and that a file
// it accepts re-encodes to one it reads back the same.
func FuzzDecode(f *testing.F) {
	f.Add(sample(f))
	f.Add(raw(`{}`, nil))
	f.Add(raw(`{"__metadata__":{"k":"v"}}`, nil))
	f.Add(raw(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}`, make([]byte, 9)))
	f.Add(raw(`{"a":{"dtype":"BF16","shape":[0,3],"data_offsets":[0,0]}}`, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Decode("fuzz", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is a %T, not a *FormatError", err, err)
			}
			return
		}
		var tensors []Tensor
		var covered int64
		for _, info := range file.Tensors() {
			if info.Begin != covered {
				t.Fatalf("tensor %q starts at %d, previous ended at %d", info.Name, info.Begin, covered)
			}
			covered = info.End
			buf := make([]byte, info.End-info.Begin)
			require.NoError(t, file.ReadBytes(info.Name, buf))
			tensors = append(tensors, Tensor{Name: info.Name, DType: info.DType, Shape: info.Shape, Data: buf})
		}
		var out bytes.Buffer
		require.NoError(t, Encode(&out, tensors, file.Metadata()))
		again, err := Decode("re-encoded", bytes.NewReader(out.Bytes()), int64(out.Len()))
		require.NoError(t, err)
		require.Equal(t, file.Tensors(), again.Tensors())
		if len(file.Metadata()) > 0 {
			require.Equal(t, file.Metadata(), again.Metadata())
		}
		require.Equal(t, data[len(data)-int(covered):], out.Bytes()[out.Len()-int(covered):])
	})
}
