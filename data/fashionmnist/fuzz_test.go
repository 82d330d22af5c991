package fashionmnist

import (
	"errors"
	"testing"
)

// FuzzParseIDX checks that no input makes the parser panic, that every error
// is a *FormatError, and that a success is self-consistent. Parsed files are
// also pushed through the images/labels cross-checks.
//
// testdata/fuzz/FuzzParseIDX/zero_dim_huge_count is a crasher the fuzzer
// found in this harness (not in the parser): dims 2147483647x2147422720x0
// parse as an empty file, and the harness then allocated 2 GiB of labels.
func FuzzParseIDX(f *testing.F) {
	f.Add(idxBytes([]uint32{3}, []byte{0, 9, 10}))
	f.Add(idxBytes([]uint32{2, 2, 2}, []byte{1, 2, 3, 4, 5, 6, 7, 8}))
	f.Add(gzipBytes(f, idxBytes([]uint32{1, 3, 1}, []byte{0, 128, 255})))
	f.Add(gzipBytes(f, idxBytes([]uint32{1000, 1000, 1000}, nil)))
	f.Add([]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := ParseIDX(data)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is a %T, not a *FormatError", err, err)
			}
			return
		}
		if len(idx.Dims) == 0 {
			t.Fatal("parsed an IDX file of rank 0")
		}
		size := 1
		for _, d := range idx.Dims {
			size *= d
		}
		if size != len(idx.Data) {
			t.Fatalf("dims %v but %d data bytes", idx.Dims, len(idx.Data))
		}
		// A zero dimension lets the others be huge with no data; build the
		// companion file only when it is small.
		if idx.Dims[0] > 1<<16 {
			return
		}
		switch len(idx.Dims) {
		case 1:
			n := idx.Dims[0]
			img := &IDX{Dims: []int{n, 1, 1}, Data: make([]byte, n)}
			if s, err := makeSet("images", img, "labels", idx); err == nil && s.N != n {
				t.Fatalf("set of %d from %d labels", s.N, n)
			}
		case 3:
			n := idx.Dims[0]
			lbl := &IDX{Dims: []int{n}, Data: make([]byte, n)}
			if s, err := makeSet("images", idx, "labels", lbl); err == nil && len(s.Images) != s.N*s.Rows*s.Cols {
				t.Fatalf("set %dx%dx%d with %d bytes", s.N, s.Rows, s.Cols, len(s.Images))
			}
		}
	})
}
