package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"unicode/utf8"
)

// File is a parsed safetensors file whose header has been validated. The
// tensors' bytes are read on demand with ReadBytes or ReadFloat32.
type File struct {
	name      string
	r         io.ReaderAt
	closer    io.Closer
	dataStart int64
	tensors   []TensorInfo // sorted by Begin
	byName    map[string]int
	metadata  map[string]string
}

// Open opens and validates the safetensors file at path. Close it when done.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	if !st.Mode().IsRegular() {
		fh.Close()
		return nil, formatErr(path, "not a regular file")
	}
	f, err := Decode(path, fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, err
	}
	f.closer = fh
	return f, nil
}

// Decode validates the safetensors data of the given size in r; name is used
// in error messages. Only the header is read here.
func Decode(name string, r io.ReaderAt, size int64) (*File, error) {
	if size < 8 {
		return nil, formatErr(name, "%d bytes is shorter than the 8-byte header length: the file is truncated or empty", size)
	}
	var lenBuf [8]byte
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, formatErr(name, "reading the header length: %v", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	switch {
	case n < 2:
		return nil, formatErr(name, "header length %d is too small for a JSON object", n)
	case n > MaxHeader:
		return nil, formatErr(name, "header length %d exceeds the %d-byte limit: this is not a safetensors file or it is corrupted", n, MaxHeader)
	case n > uint64(size-8):
		return nil, formatErr(name, "header length %d but only %d bytes follow: the file is truncated", n, size-8)
	}
	hdr := make([]byte, n)
	if _, err := r.ReadAt(hdr, 8); err != nil {
		return nil, formatErr(name, "reading the %d-byte header: %v", n, err)
	}
	f, err := parseHeader(name, hdr, size-8-int64(n))
	if err != nil {
		return nil, err
	}
	f.r, f.dataStart = r, 8+int64(n)
	return f, nil
}

// parseHeader validates the JSON header against a data section of dataLen
// bytes.
func parseHeader(name string, hdr []byte, dataLen int64) (*File, error) {
	if !utf8.Valid(hdr) {
		return nil, formatErr(name, "header is not valid UTF-8")
	}
	if i := bytes.IndexFunc(hdr, func(r rune) bool { return r != ' ' && r != '\t' && r != '\n' && r != '\r' }); i < 0 || hdr[i] != '{' {
		return nil, formatErr(name, "header does not start with a JSON object: this is not a safetensors file")
	}
	f := &File{name: name, byName: map[string]int{}}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.UseNumber()
	err := walkObject(dec, "header", func(key string) error {
		if key == MetadataKey {
			return f.parseMetadata(dec)
		}
		info, err := parseEntry(dec, key)
		if err != nil {
			return err
		}
		f.byName[key] = len(f.tensors)
		f.tensors = append(f.tensors, info)
		return nil
	})
	if err != nil {
		return nil, formatErr(name, "%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, formatErr(name, "header has data after its JSON object")
	}
	if err := f.checkLayout(dataLen); err != nil {
		return nil, formatErr(name, "%v", err)
	}
	return f, nil
}

// walkObject reads one JSON object from dec, calling fn for each key; fn
// must consume the key's value. Duplicate keys are an error.
func walkObject(dec *json.Decoder, what string, fn func(key string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: bad JSON: %v", what, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%s: want a JSON object, got %v", what, describe(tok))
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s: bad JSON: %v", what, err)
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("%s: want a key, got %v", what, describe(tok))
		}
		if seen[key] {
			return fmt.Errorf("%s: duplicate key %q", what, key)
		}
		seen[key] = true
		if err := fn(key); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%s: bad JSON: %v", what, err)
	}
	return nil
}

// describe names a JSON token for messages.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return fmt.Sprintf("%q", string(v))
	case string:
		return fmt.Sprintf("the string %q", v)
	default:
		return fmt.Sprintf("%v", v)
	}
}

// parseMetadata reads the "__metadata__" object: string keys to string
// values.
func (f *File) parseMetadata(dec *json.Decoder) error {
	if f.metadata != nil {
		return fmt.Errorf("duplicate %s", MetadataKey)
	}
	f.metadata = map[string]string{}
	return walkObject(dec, MetadataKey, func(key string) error {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s[%q]: bad JSON: %v", MetadataKey, key, err)
		}
		s, ok := tok.(string)
		if !ok {
			return fmt.Errorf("%s[%q] is %v: metadata values must be strings", MetadataKey, key, describe(tok))
		}
		f.metadata[key] = s
		return nil
	})
}

// parseEntry reads one tensor's {"dtype", "shape", "data_offsets"} object.
func parseEntry(dec *json.Decoder, name string) (TensorInfo, error) {
	info := TensorInfo{Name: name}
	what := fmt.Sprintf("tensor %q", name)
	if name == "" {
		return info, errors.New("a tensor has an empty name")
	}
	var haveDType, haveShape, haveOffsets bool
	err := walkObject(dec, what, func(key string) error {
		switch key {
		case "dtype":
			tok, err := dec.Token()
			if err != nil {
				return fmt.Errorf("%s: dtype: bad JSON: %v", what, err)
			}
			s, ok := tok.(string)
			if !ok {
				return fmt.Errorf("%s: dtype is %v, want a string such as \"F32\"", what, describe(tok))
			}
			info.DType, haveDType = DType(s), true
			if info.DType.Size() == 0 {
				return fmt.Errorf("%s: unknown dtype %q", what, s)
			}
		case "shape":
			dims, err := intArray(dec, what+": shape")
			if err != nil {
				return err
			}
			info.Shape = make([]int, len(dims))
			for i, d := range dims {
				if d < 0 || d > math.MaxInt32 {
					return fmt.Errorf("%s: dimension %d of the shape is %d, outside [0, 2^31)", what, i, d)
				}
				info.Shape[i] = int(d)
			}
			haveShape = true
		case "data_offsets":
			offs, err := intArray(dec, what+": data_offsets")
			if err != nil {
				return err
			}
			if len(offs) != 2 {
				return fmt.Errorf("%s: data_offsets has %d values, want [begin, end]", what, len(offs))
			}
			if offs[0] < 0 || offs[1] < offs[0] {
				return fmt.Errorf("%s: data_offsets [%d, %d] must satisfy 0 <= begin <= end", what, offs[0], offs[1])
			}
			info.Begin, info.End, haveOffsets = offs[0], offs[1], true
		default:
			return fmt.Errorf("%s: unknown field %q (want dtype, shape, data_offsets)", what, key)
		}
		return nil
	})
	if err != nil {
		return info, err
	}
	if !haveDType || !haveShape || !haveOffsets {
		return info, fmt.Errorf("%s: needs dtype, shape and data_offsets", what)
	}
	want, err := byteLen(info.Shape, info.DType.Size())
	if err != nil {
		return info, fmt.Errorf("%s: %v", what, err)
	}
	if got := info.End - info.Begin; got != want {
		return info, fmt.Errorf("%s: %s %v needs %d bytes, data_offsets [%d, %d] give %d", what, info.DType, info.Shape, want, info.Begin, info.End, got)
	}
	return info, nil
}

// intArray reads a JSON array of integers.
func intArray(dec *json.Decoder, what string) ([]int64, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%s: bad JSON: %v", what, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("%s: want an array of integers, got %v", what, describe(tok))
	}
	var out []int64
	for dec.More() {
		if len(out) >= 64 {
			return nil, fmt.Errorf("%s: more than 64 values", what)
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: bad JSON: %v", what, err)
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s: want an integer, got %v", what, describe(tok))
		}
		v, err := strconv.ParseInt(string(num), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %s is not a 64-bit integer", what, num)
		}
		out = append(out, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: bad JSON: %v", what, err)
	}
	return out, nil
}

// checkLayout checks that the tensors tile the data section exactly: sorted
// by offset, no overlaps, no gaps, nothing past the end or left over.
func (f *File) checkLayout(dataLen int64) error {
	order := make([]int, len(f.tensors))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ta, tb := f.tensors[a], f.tensors[b]
		if c := cmp.Compare(ta.Begin, tb.Begin); c != 0 {
			return c
		}
		return cmp.Compare(ta.End, tb.End)
	})
	sorted := make([]TensorInfo, len(order))
	var next int64
	prev := ""
	for i, k := range order {
		t := f.tensors[k]
		switch {
		case t.End > dataLen:
			return fmt.Errorf("tensor %q needs bytes [%d, %d) of the data section, which has only %d: the file is truncated", t.Name, t.Begin, t.End, dataLen)
		case t.Begin < next:
			return fmt.Errorf("tensor %q at bytes [%d, %d) overlaps tensor %q, which ends at %d", t.Name, t.Begin, t.End, prev, next)
		case t.Begin > next:
			return fmt.Errorf("tensor %q starts at byte %d, leaving a gap after byte %d", t.Name, t.Begin, next)
		}
		sorted[i], next, prev = t, t.End, t.Name
		f.byName[t.Name] = i
	}
	if next != dataLen {
		return fmt.Errorf("tensors cover %d bytes but the data section has %d: extra bytes at the end", next, dataLen)
	}
	f.tensors = sorted
	return nil
}

// Name is the path or description the file was opened with.
func (f *File) Name() string { return f.name }

// Tensors lists the header entries in data order. The slice is the file's.
func (f *File) Tensors() []TensorInfo { return f.tensors }

// Tensor returns the header entry for name.
func (f *File) Tensor(name string) (TensorInfo, bool) {
	i, ok := f.byName[name]
	if !ok {
		return TensorInfo{}, false
	}
	return f.tensors[i], true
}

// Metadata is the "__metadata__" object (nil when the header has none).
func (f *File) Metadata() map[string]string { return f.metadata }

// ReadBytes reads tensor name's raw bytes into dst, which must have exactly
// its byte length.
func (f *File) ReadBytes(name string, dst []byte) error {
	t, ok := f.Tensor(name)
	if !ok {
		return formatErr(f.name, "no tensor %q", name)
	}
	if int64(len(dst)) != t.End-t.Begin {
		return fmt.Errorf("safetensors: %s: tensor %q has %d bytes, buffer %d", f.name, name, t.End-t.Begin, len(dst))
	}
	if len(dst) == 0 {
		return nil
	}
	if _, err := f.r.ReadAt(dst, f.dataStart+t.Begin); err != nil {
		return formatErr(f.name, "reading tensor %q: %v (the file changed or is truncated)", name, err)
	}
	return nil
}

// ReadFloat32 reads F32 tensor name into dst, which must hold exactly its
// elements. scratch is reused for the raw bytes when it is large enough; the
// buffer used is returned for the next call.
func (f *File) ReadFloat32(name string, dst []float32, scratch []byte) ([]byte, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return scratch, formatErr(f.name, "no tensor %q", name)
	}
	if t.DType != F32 {
		return scratch, formatErr(f.name, "tensor %q is %s, want F32", name, t.DType)
	}
	if int64(len(dst)) != t.Numel() {
		return scratch, fmt.Errorf("safetensors: %s: tensor %q has %d elements, buffer %d", f.name, name, t.Numel(), len(dst))
	}
	n := int(t.End - t.Begin)
	if cap(scratch) < n {
		scratch = make([]byte, n)
	}
	buf := scratch[:n]
	if err := f.ReadBytes(name, buf); err != nil {
		return scratch, err
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
	}
	return scratch, nil
}

// Close closes the file opened by Open; it is a no-op after Decode.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}
