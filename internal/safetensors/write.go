package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
)

// Tensor is a tensor to encode: its header entry (offsets are assigned by
// the encoder) and its raw little-endian bytes.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// Header builds the length-prefixed header for tensors laid out in the given
// order, and returns it with each tensor's assigned byte range. The JSON is
// padded with spaces to a multiple of 8 bytes so the data is aligned.
func Header(tensors []TensorInfo, metadata map[string]string) ([]byte, []TensorInfo, error) {
	out := make([]TensorInfo, len(tensors))
	seen := map[string]bool{}
	var buf bytes.Buffer
	buf.WriteByte('{')
	if len(metadata) > 0 {
		buf.WriteString(quote(MetadataKey))
		buf.WriteString(":{")
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(quote(k))
			buf.WriteByte(':')
			buf.WriteString(quote(metadata[k]))
		}
		buf.WriteByte('}')
	}
	var off int64
	for i, t := range tensors {
		switch {
		case t.Name == "" || t.Name == MetadataKey:
			return nil, nil, fmt.Errorf("safetensors: tensor name %q is reserved or empty", t.Name)
		case seen[t.Name]:
			return nil, nil, fmt.Errorf("safetensors: duplicate tensor name %q", t.Name)
		case t.DType.Size() == 0:
			return nil, nil, fmt.Errorf("safetensors: tensor %q: unknown dtype %q", t.Name, t.DType)
		}
		seen[t.Name] = true
		n, err := byteLen(t.Shape, t.DType.Size())
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %v", t.Name, err)
		}
		t.Shape = append([]int{}, t.Shape...)
		t.Begin, t.End = off, off+n
		off += n
		out[i] = t
		if i > 0 || len(metadata) > 0 {
			buf.WriteByte(',')
		}
		shape, _ := json.Marshal(t.Shape)
		fmt.Fprintf(&buf, `%s:{"dtype":%s,"shape":%s,"data_offsets":[%d,%d]}`, quote(t.Name), quote(string(t.DType)), shape, t.Begin, t.End)
	}
	buf.WriteByte('}')
	for buf.Len()%8 != 0 {
		buf.WriteByte(' ')
	}
	if buf.Len() > MaxHeader {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes exceeds the %d-byte limit", buf.Len(), MaxHeader)
	}
	hdr := binary.LittleEndian.AppendUint64(make([]byte, 0, 8+buf.Len()), uint64(buf.Len()))
	return append(hdr, buf.Bytes()...), out, nil
}

// quote returns s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Encode writes tensors, in order, and metadata to w.
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	infos := make([]TensorInfo, len(tensors))
	for i, t := range tensors {
		infos[i] = TensorInfo{Name: t.Name, DType: t.DType, Shape: t.Shape}
	}
	hdr, infos, err := Header(infos, metadata)
	if err != nil {
		return err
	}
	for i, t := range tensors {
		if int64(len(t.Data)) != infos[i].End-infos[i].Begin {
			return fmt.Errorf("safetensors: tensor %q: %s %v needs %d bytes, got %d", t.Name, t.DType, t.Shape, infos[i].End-infos[i].Begin, len(t.Data))
		}
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	for _, t := range tensors {
		if _, err := w.Write(t.Data); err != nil {
			return err
		}
	}
	return nil
}

// AppendFloat32 appends src to dst as little-endian float32 bytes.
func AppendFloat32(dst []byte, src []float32) []byte {
	for _, v := range src {
		dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
	}
	return dst
}
