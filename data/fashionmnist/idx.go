package fashionmnist

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// IDX is one decoded IDX file of unsigned bytes (element type 0x08).
type IDX struct {
	// Dims are the dimensions from the header, outermost first.
	Dims []int
	// Data holds the product of Dims bytes in row-major order.
	Data []uint8
}

const (
	// dtypeUint8 is the IDX element type code of unsigned bytes, the only
	// type Fashion-MNIST uses.
	dtypeUint8 = 0x08
	// maxDeflateRatio bounds how much a deflate stream can expand: one
	// 258-byte match costs at least about 2 bits, so no gzip file decodes to
	// more than about 1032 times its own size.
	maxDeflateRatio = 1032
	// growStart is the first buffer size used while decompressing, so that a
	// header that lies about its size costs no more memory than the data that
	// really arrives.
	growStart = 1 << 20
)

// dtypeName names the IDX element type codes other than uint8 for messages.
func dtypeName(code byte) string {
	switch code {
	case 0x09:
		return "int8"
	case 0x0B:
		return "int16"
	case 0x0C:
		return "int32"
	case 0x0D:
		return "float32"
	case 0x0E:
		return "float64"
	}
	return ""
}

// ParseIDX decodes an IDX file of unsigned bytes held in data, raw or
// gzip-compressed (recognised by the magic bytes 1f 8b). For raw input the
// returned Data aliases data. Every problem is returned as a *FormatError.
func ParseIDX(data []byte) (*IDX, error) {
	return parseIDX("", data)
}

// ReadIDX reads and decodes the IDX file at path, raw or gzip-compressed.
// A missing file gives an error wrapping fs.ErrNotExist; a malformed one a
// *FormatError naming path.
func ReadIDX(path string) (*IDX, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fashionmnist: %w", err)
	}
	return parseIDX(path, data)
}

// parseIDX decodes data, reporting errors against the file name.
func parseIDX(name string, data []byte) (*IDX, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		return parseGzipIDX(name, data)
	}
	dims, hdr, err := parseHeader(name, data, "file")
	if err != nil {
		return nil, err
	}
	want, err := payloadSize(name, dims)
	if err != nil {
		return nil, err
	}
	have := int64(len(data) - hdr)
	switch {
	case have < want:
		return nil, formatErr(name, "truncated file or bad header: the header (dims %s) promises %d data bytes but the file holds only %d after its %d-byte header",
			dimString(dims), want, have, hdr)
	case have > want:
		return nil, formatErr(name, "%d bytes of trailing data after the %d data bytes the header (dims %s) describes",
			have-want, want, dimString(dims))
	}
	return &IDX{Dims: dims, Data: data[hdr:len(data):len(data)]}, nil
}

// parseGzipIDX decodes a gzip-compressed IDX file, reading exactly as many
// bytes as the header promises and failing if the stream is shorter or longer.
func parseGzipIDX(name string, data []byte) (*IDX, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, &FormatError{File: name, Msg: "bad gzip header: " + err.Error(), Err: err}
	}
	// The IDX header is at most 4 + 4*255 bytes.
	var head [4 + 4*255]byte
	n, err := io.ReadFull(zr, head[:4])
	if err != nil {
		return nil, gzipReadErr(name, err, "the IDX header", n, 4)
	}
	rank, err := checkMagic(name, head[:4])
	if err != nil {
		return nil, err
	}
	hdr := 4 + 4*rank
	if m, err := io.ReadFull(zr, head[4:hdr]); err != nil {
		return nil, gzipReadErr(name, err, "the IDX header", n+m, hdr)
	}
	dims, _, err := parseHeader(name, head[:hdr], "decompressed stream")
	if err != nil {
		return nil, err
	}
	want, err := payloadSize(name, dims)
	if err != nil {
		return nil, err
	}
	if limit := int64(len(data)) * maxDeflateRatio; want > limit {
		return nil, formatErr(name, "absurd header: dims %s promise %d data bytes, more than a %d-byte gzip file can decompress to (at most about %d)",
			dimString(dims), want, len(data), limit)
	}
	buf, got, err := readExactly(io.LimitReader(zr, want), want)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, &FormatError{File: name, Err: err,
			Msg: fmt.Sprintf("truncated: the gzip stream breaks off after %d of the %d data bytes the header (dims %s) promises", got, want, dimString(dims))}
	}
	if err != nil {
		return nil, &FormatError{File: name, Err: err,
			Msg: fmt.Sprintf("corrupt gzip stream after %d of the %d data bytes the header (dims %s) promises: %v", got, want, dimString(dims), err)}
	}
	if got < want {
		return nil, formatErr(name, "truncated file or bad header: the header (dims %s) promises %d data bytes but the gzip stream holds only %d after its %d-byte header",
			dimString(dims), want, got, hdr)
	}
	// One more byte must be end of stream; reading to the end also checks
	// the gzip CRC and length.
	extra, err := io.CopyN(io.Discard, zr, 1)
	if extra > 0 {
		return nil, formatErr(name, "trailing data in the gzip stream after the %d data bytes the header (dims %s) describes",
			want, dimString(dims))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, &FormatError{File: name, Msg: "truncated or corrupt: the gzip stream ends badly after all its data (a cut-off gzip trailer, or stray bytes after it)", Err: err}
	}
	if err != io.EOF {
		return nil, &FormatError{File: name, Msg: "corrupt gzip stream at its end: " + err.Error(), Err: err}
	}
	return &IDX{Dims: dims, Data: buf}, nil
}

// gzipReadErr describes a failure to read n of want header bytes.
func gzipReadErr(name string, err error, what string, n, want int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr(name, "truncated: the decompressed stream ends after %d bytes, inside %s (%d bytes)", n, what, want)
	}
	return &FormatError{File: name, Msg: "corrupt gzip stream in " + what + ": " + err.Error(), Err: err}
}

// readExactly reads up to n bytes from r, growing its buffer only as data
// arrives so a lying size costs no more memory than the real data. It returns
// the bytes read and how many; a short stream is not an error.
func readExactly(r io.Reader, n int64) ([]byte, int64, error) {
	if n == 0 {
		return []byte{}, 0, nil
	}
	buf := make([]byte, 0, min(n, growStart))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			next := make([]byte, len(buf), min(n, 2*int64(cap(buf))))
			copy(next, buf)
			buf = next
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if int64(len(buf)) == n {
			// An error that comes with the last bytes (say, in the gzip
			// trailer) belongs to the end of the stream, where the caller
			// looks next.
			break
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return buf, int64(len(buf)), err
		}
	}
	return buf, int64(len(buf)), nil
}

// parseHeader checks the magic number, element type and rank at the start of
// b and returns the dimensions and the header length. where names what b is
// for messages ("file", "decompressed stream").
func parseHeader(name string, b []byte, where string) ([]int, int, error) {
	if len(b) < 4 {
		return nil, 0, formatErr(name, "truncated: the %s is %d bytes long, shorter than the 4-byte IDX magic number", where, len(b))
	}
	rank, err := checkMagic(name, b[:4])
	if err != nil {
		return nil, 0, err
	}
	hdr := 4 + 4*rank
	if len(b) < hdr {
		return nil, 0, formatErr(name, "truncated: the %s is %d bytes long but a rank-%d IDX header needs %d", where, len(b), rank, hdr)
	}
	dims := make([]int, rank)
	for i := range dims {
		p := b[4+4*i:]
		d := uint64(p[0])<<24 | uint64(p[1])<<16 | uint64(p[2])<<8 | uint64(p[3])
		if d > math.MaxInt32 {
			return nil, 0, formatErr(name, "absurd header: dimension %d is %d, larger than any real data set", i, d)
		}
		dims[i] = int(d)
	}
	return dims, hdr, nil
}

// checkMagic checks the 4-byte IDX magic number in b (element type unsigned
// byte, nonzero rank) and returns the rank.
func checkMagic(name string, b []byte) (int, error) {
	if b[0] != 0 || b[1] != 0 {
		return 0, formatErr(name, "wrong magic number 0x%02x%02x%02x%02x: not an IDX file (an IDX file of bytes starts 00 00 08 then its rank, e.g. 0x00000803 for images, 0x00000801 for labels)",
			b[0], b[1], b[2], b[3])
	}
	if b[2] != dtypeUint8 {
		if t := dtypeName(b[2]); t != "" {
			return 0, formatErr(name, "element type 0x%02x (%s) is not supported: Fashion-MNIST files hold unsigned bytes (0x08)", b[2], t)
		}
		return 0, formatErr(name, "invalid IDX element type 0x%02x (expected 0x08, unsigned byte)", b[2])
	}
	if b[3] == 0 {
		return 0, formatErr(name, "rank 0 in the IDX magic number 0x%02x%02x%02x%02x: expected 1 (labels) or 3 (images)", b[0], b[1], b[2], b[3])
	}
	return int(b[3]), nil
}

// payloadSize is the product of dims, or a *FormatError when it overflows.
func payloadSize(name string, dims []int) (int64, error) {
	for _, d := range dims {
		if d == 0 {
			return 0, nil
		}
	}
	size := int64(1)
	for _, d := range dims {
		if size > math.MaxInt64/int64(d) {
			return 0, formatErr(name, "absurd header: the product of dims %s overflows a 64-bit size", dimString(dims))
		}
		size *= int64(d)
	}
	return size, nil
}

// dimString formats dims as "60000x28x28".
func dimString(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "x")
}
