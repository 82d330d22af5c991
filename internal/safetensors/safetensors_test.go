package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sample encodes two F32 tensors and a U8 one with metadata.
func sample(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, []Tensor{
		{Name: "features.0.weight", DType: F32, Shape: []int{2, 1, 1, 2}, Data: AppendFloat32(nil, []float32{1, -2, 3.5, 0})},
		{Name: "features.0.bias", DType: F32, Shape: []int{2}, Data: AppendFloat32(nil, []float32{0.25, -1})},
		{Name: "flags", DType: U8, Shape: []int{3}, Data: []byte{1, 0, 1}},
	}, map[string]string{"epoch": "3", "note": `quote " and \ and ü`}))
	return buf.Bytes()
}

// raw builds a file from a header string and data bytes.
func raw(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func TestRoundTrip(t *testing.T) {
	b := sample(t)
	require.Zero(t, binary.LittleEndian.Uint64(b)%8, "header padded to 8 bytes")
	f, err := Decode("mem", bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"epoch": "3", "note": `quote " and \ and ü`}, f.Metadata())
	require.Len(t, f.Tensors(), 3)
	info, ok := f.Tensor("features.0.bias")
	require.True(t, ok)
	assert.Equal(t, TensorInfo{Name: "features.0.bias", DType: F32, Shape: []int{2}, Begin: 16, End: 24}, info)

	w := make([]float32, 4)
	scratch, err := f.ReadFloat32("features.0.weight", w, nil)
	require.NoError(t, err)
	assert.Equal(t, []float32{1, -2, 3.5, 0}, w)
	_, err = f.ReadFloat32("flags", make([]float32, 3), scratch)
	require.ErrorContains(t, err, `tensor "flags" is U8, want F32`)
	flags := make([]byte, 3)
	require.NoError(t, f.ReadBytes("flags", flags))
	assert.Equal(t, []byte{1, 0, 1}, flags)
	_, err = f.ReadFloat32("missing", w, nil)
	require.ErrorContains(t, err, `no tensor "missing"`)
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	require.NoError(t, os.WriteFile(path, sample(t), 0o644))
	f, err := Open(path)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	_, err = Open(filepath.Join(dir, "absent"))
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = Open(dir)
	require.ErrorContains(t, err, "not a regular file")
}

func TestHostileInput(t *testing.T) {
	good := sample(t)
	hdrLen := binary.LittleEndian.Uint64(good)
	f32 := func(n int) []byte { return make([]byte, 4*n) }
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than the 8-byte header length"},
		{"truncated length", good[:5], "shorter than the 8-byte header length"},
		{"truncated header", good[:8+hdrLen/2], "only"},
		{"truncated data", good[:len(good)-3], "the file is truncated"},
		{"extra bytes", append(append([]byte{}, good...), 0), "extra bytes at the end"},
		{"absurd header length", binary.LittleEndian.AppendUint64(nil, 1<<62), "exceeds the"},
		{"header longer than file", raw("{}", nil)[:9], "only 1 bytes follow"},
		{"not json", raw("PK\x03\x04 zip!", nil), "does not start with a JSON object"},
		{"invalid utf-8", raw("{\"\xff\":1}", nil), "not valid UTF-8"},
		{"json array", raw("[1,2]", nil), "does not start with a JSON object"},
		{"broken json", raw(`{"a":{"dtype":"F32"`, nil), "bad JSON"},
		{"trailing data", raw(`{} {}`, nil), "data after its JSON object"},
		{"duplicate tensor", raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(2)), `duplicate key "a"`},
		{"duplicate field", raw(`{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32(1)), `duplicate key "dtype"`},
		{"unknown dtype", raw(`{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}`, f32(4)), `unknown dtype "F128"`},
		{"dtype not string", raw(`{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, f32(1)), "dtype is 4"},
		{"unknown field", raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, f32(1)), `unknown field "x"`},
		{"missing offsets", raw(`{"a":{"dtype":"F32","shape":[1]}}`, f32(1)), "needs dtype, shape and data_offsets"},
		{"negative dim", raw(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, f32(1)), "outside [0, 2^31)"},
		{"fractional dim", raw(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, f32(1)), "not a 64-bit integer"},
		{"huge dim", raw(`{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}`, f32(1)), "not a 64-bit integer"},
		{"overflowing shape", raw(`{"a":{"dtype":"F64","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}`, f32(2)), "too large"},
		{"shape null", raw(`{"a":{"dtype":"F32","shape":null,"data_offsets":[0,4]}}`, f32(1)), "want an array of integers, got null"},
		{"size mismatch", raw(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, f32(2)), "needs 12 bytes"},
		{"reversed offsets", raw(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, f32(1)), "0 <= begin <= end"},
		{"three offsets", raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, f32(1)), "has 3 values"},
		{"overlap", raw(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(2)), "overlaps"},
		{"gap", raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(2)), "leaving a gap"},
		{"metadata not object", raw(`{"__metadata__":"x"}`, nil), "want a JSON object"},
		{"metadata number", raw(`{"__metadata__":{"epoch":3}}`, nil), "metadata values must be strings"},
		{"metadata nested", raw(`{"__metadata__":{"h":[1]}}`, nil), "metadata values must be strings"},
		{"duplicate metadata", raw(`{"__metadata__":{},"__metadata__":{}}`, nil), "duplicate key"},
		{"empty name", raw(`{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32(1)), "empty name"},
		{"deep nesting", raw(`{"a":`+strings.Repeat("[", 20000)+`}`, nil), "want a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode("bad.safetensors", bytes.NewReader(tt.data), int64(len(tt.data)))
			require.Error(t, err)
			var fe *FormatError
			require.True(t, errors.As(err, &fe), "%T: %v", err, err)
			assert.Contains(t, err.Error(), "bad.safetensors")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestEncodeRejects(t *testing.T) {
	tests := []struct {
		name    string
		tensors []Tensor
		want    string
	}{
		{"duplicate", []Tensor{{Name: "a", DType: U8, Shape: []int{1}, Data: []byte{1}}, {Name: "a", DType: U8, Shape: []int{1}, Data: []byte{1}}}, "duplicate"},
		{"reserved", []Tensor{{Name: MetadataKey, DType: U8, Shape: []int{1}, Data: []byte{1}}}, "reserved"},
		{"dtype", []Tensor{{Name: "a", DType: "X", Shape: []int{1}, Data: []byte{1}}}, "unknown dtype"},
		{"length", []Tensor{{Name: "a", DType: F32, Shape: []int{2}, Data: []byte{1}}}, "needs 8 bytes, got 1"},
		{"negative", []Tensor{{Name: "a", DType: F32, Shape: []int{-2}}}, "negative dimension"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorContains(t, Encode(&bytes.Buffer{}, tt.tensors, nil), tt.want)
		})
	}
}
