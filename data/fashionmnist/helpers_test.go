package fashionmnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// idxBytes encodes an IDX file of unsigned bytes.
func idxBytes(dims []uint32, data []byte) []byte {
	b := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

// gzipBytes compresses b.
func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// fixture is a small synthetic split.
type fixture struct {
	n, rows, cols int
	images        []uint8
	labels        []uint8
}

// newFixture makes n random rows x cols images with labels 0..9.
func newFixture(seed uint64, n, rows, cols int) fixture {
	r := rand.New(rand.NewPCG(seed, 1))
	f := fixture{n: n, rows: rows, cols: cols, images: make([]uint8, n*rows*cols), labels: make([]uint8, n)}
	for i := range f.images {
		f.images[i] = uint8(r.IntN(256))
	}
	for i := range f.labels {
		f.labels[i] = uint8(r.IntN(NumClasses))
	}
	return f
}

// files returns the encoded images and labels files.
func (f fixture) files() (images, labels []byte) {
	return idxBytes([]uint32{uint32(f.n), uint32(f.rows), uint32(f.cols)}, f.images),
		idxBytes([]uint32{uint32(f.n)}, f.labels)
}

// write stores the split in dir, gzip-compressed (with ".gz" names) or raw.
func (f fixture) write(t testing.TB, dir, split string, gz bool) {
	t.Helper()
	img, lbl := f.files()
	imgName, lblName := fileNames(split)
	if gz {
		img, lbl = gzipBytes(t, img), gzipBytes(t, lbl)
		imgName, lblName = imgName+".gz", lblName+".gz"
	}
	writeFile(t, dir, imgName, img)
	writeFile(t, dir, lblName, lbl)
}

// set is the fixture as the Set Load should return.
func (f fixture) set() *Set {
	return &Set{Images: f.images, Labels: f.labels, N: f.n, Rows: f.rows, Cols: f.cols}
}
