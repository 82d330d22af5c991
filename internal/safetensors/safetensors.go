// Package safetensors reads and writes the safetensors format: an 8-byte
// little-endian header length, a JSON header that maps each tensor's name to
// its dtype, shape and byte range (plus an optional "__metadata__" object of
// string values), then the tensors' raw little-endian bytes.
//
// The reader treats every file as hostile. It bounds the header length by
// MaxHeader and by the file size before allocating anything, rejects
// duplicate keys, unknown dtypes and fields, non-string metadata, invalid
// UTF-8, shapes whose size does not match their byte range, and byte ranges
// that overlap, leave gaps, run out of order or past the end of the file.
// Every problem is a *FormatError that names the file and what is wrong.
package safetensors

import (
	"fmt"
	"math"
)

// MaxHeader is the largest JSON header the reader accepts (100 MB, as the
// reference implementation does).
const MaxHeader = 100 << 20

// MetadataKey is the header key of the string-to-string metadata object.
const MetadataKey = "__metadata__"

// DType is a tensor element type as the header spells it ("F32", ...).
type DType string

// The element types of the format.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U64  DType = "U64"
	U32  DType = "U32"
	U16  DType = "U16"
	U8   DType = "U8"
	Bool DType = "BOOL"
)

// Size is the element size in bytes, or 0 for a dtype the format does not
// define.
func (d DType) Size() int {
	switch d {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	case I8, U8, Bool:
		return 1
	}
	return 0
}

// TensorInfo is one header entry: where a tensor's bytes lie in the data
// section (Begin inclusive, End exclusive, counted from the end of the
// header) and how to read them.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []int
	Begin int64
	End   int64
}

// Numel is the number of elements, the product of Shape (1 for a scalar).
func (t TensorInfo) Numel() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= int64(d)
	}
	return n
}

// FormatError reports a file that is not valid safetensors.
type FormatError struct {
	// File is the file's path, or a description of where the bytes came from.
	File string
	// Msg says what is wrong.
	Msg string
}

// Error names the file and the problem.
func (e *FormatError) Error() string {
	return fmt.Sprintf("safetensors: %s: %s", e.File, e.Msg)
}

func formatErr(file, format string, args ...any) *FormatError {
	return &FormatError{File: file, Msg: fmt.Sprintf(format, args...)}
}

// byteLen returns numel(shape) * size, or an error when a dimension is
// negative or the product overflows.
func byteLen(shape []int, size int) (int64, error) {
	n := int64(size)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d", d)
		}
		if d != 0 && n > math.MaxInt64/int64(d) {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
		n *= int64(d)
	}
	return n, nil
}
