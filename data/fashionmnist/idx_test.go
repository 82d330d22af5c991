package fashionmnist

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseIDXValid(t *testing.T) {
	img := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	tests := []struct {
		name     string
		data     []byte
		wantDims []int
		wantData []byte
	}{
		{"labels raw", idxBytes([]uint32{3}, []byte{9, 0, 5}), []int{3}, []byte{9, 0, 5}},
		{"images raw", idxBytes([]uint32{3, 2, 2}, img), []int{3, 2, 2}, img},
		{"images gzip", gzipBytes(t, idxBytes([]uint32{3, 2, 2}, img)), []int{3, 2, 2}, img},
		{"labels gzip", gzipBytes(t, idxBytes([]uint32{1}, []byte{7})), []int{1}, []byte{7}},
		{"empty raw", idxBytes([]uint32{0, 28, 28}, nil), []int{0, 28, 28}, []byte{}},
		{"empty gzip", gzipBytes(t, idxBytes([]uint32{0}, nil)), []int{0}, []byte{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseIDX(tc.data)
			require.NoError(t, err)
			assert.Equal(t, tc.wantDims, got.Dims)
			assert.Equal(t, tc.wantData, got.Data)
		})
	}
}

func TestParseIDXMalformed(t *testing.T) {
	good := idxBytes([]uint32{2, 2, 2}, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	gzGood := gzipBytes(t, good)
	noise := make([]byte, 64*64)
	_, _ = rand.Read(noise)
	bigGz := gzipBytes(t, idxBytes([]uint32{4, 32, 32}, noise))
	badCRC := bytes.Clone(gzGood)
	badCRC[len(badCRC)-8] ^= 0xff
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than the 4-byte IDX magic"},
		{"three bytes", []byte{0, 0, 8}, "shorter than the 4-byte IDX magic"},
		{"wrong magic", []byte{0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0}, "wrong magic number 0x12345678"},
		{"png", []byte("\x89PNG\r\n\x1a\n"), "not an IDX file"},
		{"float32 dtype", []byte{0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "0x0d (float32) is not supported"},
		{"unknown dtype", []byte{0, 0, 0x07, 1, 0, 0, 0, 0}, "invalid IDX element type 0x07"},
		{"rank 0", []byte{0, 0, 8, 0}, "rank 0"},
		{"truncated header", good[:10], "rank-3 IDX header needs 16"},
		{"truncated data", good[:len(good)-1], "truncated file or bad header: the header (dims 2x2x2) promises 8 data bytes but the file holds only 7"},
		{"header only", good[:16], "holds only 0"},
		{"trailing data", append(bytes.Clone(good), 0), "1 bytes of trailing data"},
		{"dims overflow", idxBytes([]uint32{0x7fffffff, 0x7fffffff, 0x7fffffff}, nil), "overflows"},
		{"dims exceed file", idxBytes([]uint32{60000, 28, 28}, []byte{1, 2, 3}), "promises 47040000 data bytes but the file holds only 3"},
		{"dim above int32", idxBytes([]uint32{0xffffffff}, nil), "absurd header: dimension 0 is 4294967295"},
		{"gzip truncated stream", bigGz[:len(bigGz)/2], "truncated: the gzip stream breaks off after"},
		{"gzip truncated trailer", gzGood[:len(gzGood)-4], "a cut-off gzip trailer"},
		{"gzip garbage after stream", append(bytes.Clone(gzGood), 0x42), "stray bytes after it"},
		{"gzip second member corrupt", append(bytes.Clone(gzGood), 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff), "corrupt gzip stream at its end"},
		{"gzip bad crc", badCRC, "invalid checksum"},
		{"gzip bad header", []byte{0x1f, 0x8b, 0, 0}, "bad gzip header"},
		{"gzip short data", gzipBytes(t, good[:len(good)-3]), "the gzip stream holds only 5"},
		{"gzip trailing data", gzipBytes(t, append(bytes.Clone(good), 1, 2)), "trailing data in the gzip stream"},
		{"gzip truncated header", gzipBytes(t, good[:9]), "ends after 9 bytes, inside the IDX header (16 bytes)"},
		{"gzip tiny", gzipBytes(t, good[:2]), "ends after 2 bytes"},
		{"gzip wrong magic", gzipBytes(t, []byte("hello, world")), "wrong magic number"},
		{"gzip absurd dims", gzipBytes(t, idxBytes([]uint32{1000, 1000, 1000}, nil)), "more than a"},
		{"gzip dims overflow", gzipBytes(t, idxBytes([]uint32{0x7fffffff, 0x7fffffff, 0x7fffffff}, nil)), "overflows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseIDX(tc.data)
			require.Error(t, err)
			assert.Nil(t, got)
			var fe *FormatError
			require.ErrorAs(t, err, &fe)
			assert.Contains(t, err.Error(), tc.want)
			assert.False(t, errors.Is(err, ErrNotFound))
		})
	}
}

// A gzip file whose header lies about its size must cost memory in
// proportion to the data really there, not to the claim.
func TestParseIDXLyingGzipAllocatesLittle(t *testing.T) {
	noise := make([]byte, 1<<20)
	_, _ = rand.Read(noise)
	// 10^9 bytes claimed: below 1032 times the ~1 MiB compressed size, so
	// only reading can tell that the stream is short.
	data := gzipBytes(t, idxBytes([]uint32{1000, 1000, 1000}, noise))
	require.Greater(t, int64(len(data))*maxDeflateRatio, int64(1e9))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ParseIDX(data)
	runtime.ReadMemStats(&after)
	require.ErrorContains(t, err, "promises 1000000000 data bytes but the gzip stream holds only 1048576")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20), "bytes allocated while parsing")
}

func TestReadIDX(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "x-idx1-ubyte", idxBytes([]uint32{2}, []byte{3, 4}))
	got, err := ReadIDX(p)
	require.NoError(t, err)
	assert.Equal(t, []byte{3, 4}, got.Data)

	bad := writeFile(t, dir, "bad.gz", []byte{1, 2, 3, 4, 5})
	_, err = ReadIDX(bad)
	var fe *FormatError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, bad, fe.File)
	assert.Contains(t, err.Error(), bad+": wrong magic number")
	assert.Contains(t, err.Error(), "reinstall dataset-fashion-mnist")

	_, err = ReadIDX(filepath.Join(dir, "absent"))
	require.ErrorIs(t, err, fs.ErrNotExist)
}
