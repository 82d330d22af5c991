package fashionmnist

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	train := newFixture(1, 7, 28, 28)
	test := newFixture(2, 3, 28, 28)
	tests := []struct {
		name            string
		trainGz, testGz bool
	}{
		{"raw", false, false},
		{"gzip", true, true},
		{"mixed", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			train.write(t, dir, Train, tc.trainGz)
			test.write(t, dir, Test, tc.testGz)

			gotTrain, gotTest, err := Load(dir)
			require.NoError(t, err)
			assert.Equal(t, train.set(), gotTrain)
			assert.Equal(t, test.set(), gotTest)

			one, err := LoadSet(dir, Test)
			require.NoError(t, err)
			assert.Equal(t, test.set(), one)
		})
	}
}

func TestLoadSetUnknownSplit(t *testing.T) {
	_, err := LoadSet(t.TempDir(), "test")
	require.ErrorContains(t, err, `unknown split "test": use "train" or "t10k"`)
}

func TestLoadPrefersRawFile(t *testing.T) {
	dir := t.TempDir()
	raw := newFixture(1, 4, 3, 3)
	gz := newFixture(2, 5, 3, 3)
	raw.write(t, dir, Train, false)
	gz.write(t, dir, Train, true)
	got, err := LoadSet(dir, Train)
	require.NoError(t, err)
	assert.Equal(t, raw.set(), got)
}

// Compression is recognised by the gzip magic bytes, not by the name.
func TestLoadDetectsGzipByContent(t *testing.T) {
	f := newFixture(3, 5, 4, 4)
	img, lbl := f.files()
	imgName, lblName := fileNames(Test)
	dir := t.TempDir()
	writeFile(t, dir, imgName, gzipBytes(t, img)) // gzip under the raw name
	writeFile(t, dir, lblName+".gz", lbl)         // raw under the .gz name
	got, err := LoadSet(dir, Test)
	require.NoError(t, err)
	assert.Equal(t, f.set(), got)
}

func TestLoadMalformed(t *testing.T) {
	f := newFixture(4, 5, 4, 4)
	img, lbl := f.files()
	outOfRange := append([]uint8(nil), f.labels...)
	outOfRange[3] = 10
	imgName, lblName := fileNames(Train)
	tests := []struct {
		name     string
		img, lbl []byte
		gz       bool
		badFile  string
		want     string
	}{
		{"count mismatch", img, idxBytes([]uint32{4}, f.labels[:4]), false, lblName,
			"holds 4 labels but the images file"},
		{"label out of range", img, idxBytes([]uint32{5}, outOfRange), false, lblName,
			"label 10 at index 3 is out of range: Fashion-MNIST labels are 0..9"},
		{"label out of range gzip", img, idxBytes([]uint32{5}, outOfRange), true, lblName + ".gz",
			"label 10 at index 3 is out of range"},
		{"swapped files", lbl, img, false, imgName,
			"an images file must have rank 3 (count x rows x cols), this one has rank 1 (dims 5); were the images and labels files swapped?"},
		{"labels rank 2", img, idxBytes([]uint32{5, 1}, f.labels), false, lblName,
			"a labels file must have rank 1 (count), this one has rank 2 (dims 5x1)"},
		{"no pixels", idxBytes([]uint32{5, 0, 28}, nil), lbl, false, imgName,
			"holds no pixels (dims 5x0x28)"},
		{"zero dim, huge count", idxBytes([]uint32{0x7fffffff, 0x7fff1200, 0}, nil), lbl, false, imgName,
			"holds no pixels (dims 2147483647x2147422720x0)"},
		{"truncated images", img[:len(img)-5], lbl, false, imgName,
			"truncated file or bad header: the header (dims 5x4x4) promises 80 data bytes but the file holds only 75"},
		{"truncated images gzip", img[:len(img)-5], lbl, true, imgName + ".gz",
			"the gzip stream holds only 75"},
		{"truncated image header", img[:12], lbl, false, imgName,
			"rank-3 IDX header needs 16"},
		{"wrong magic labels", img, []byte("not an idx file"), false, lblName,
			"wrong magic number 0x6e6f7420"},
		{"absurd dims", idxBytes([]uint32{0xffff, 0xffff, 0xffff}, f.images), lbl, false, imgName,
			"promises 281462092005375 data bytes but the file holds only 80"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in, ln := imgName, lblName
			i, l := tc.img, tc.lbl
			if tc.gz {
				in, ln = in+".gz", ln+".gz"
				i, l = gzipBytes(t, i), gzipBytes(t, l)
			}
			writeFile(t, dir, in, i)
			writeFile(t, dir, ln, l)
			newFixture(5, 2, 4, 4).write(t, dir, Test, false)

			for _, load := range []func() error{
				func() error { _, err := LoadSet(dir, Train); return err },
				func() error { _, _, err := Load(dir); return err },
			} {
				err := load()
				var fe *FormatError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, filepath.Join(dir, tc.badFile), fe.File)
				assert.Contains(t, err.Error(), tc.want)
				assert.Contains(t, err.Error(), fe.File)
				assert.False(t, errors.Is(err, ErrNotFound))
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	all := []string{
		"train-images-idx3-ubyte or train-images-idx3-ubyte.gz",
		"train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz",
		"t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz",
		"t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz",
	}
	partial := t.TempDir()
	newFixture(1, 2, 2, 2).write(t, partial, Train, true)
	writeFile(t, partial, "t10k-labels-idx1-ubyte", idxBytes([]uint32{1}, []byte{0}))
	notDir := writeFile(t, t.TempDir(), "file", []byte("x"))
	// A directory named like a data file does not count as one.
	require.NoError(t, os.Mkdir(filepath.Join(partial, "t10k-images-idx3-ubyte"), 0o755))

	tests := []struct {
		name    string
		dir     string
		missing []string
		want    string
	}{
		{"no directory", filepath.Join(t.TempDir(), "absent"), all, "does not exist"},
		{"not a directory", notDir, all, "is not a directory"},
		{"empty directory", t.TempDir(), all, "no train-images-idx3-ubyte or"},
		{"one file missing", partial, all[2:3], "no t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz in"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Load(tc.dir)
			require.ErrorIs(t, err, ErrNotFound)
			var nf *NotFoundError
			require.ErrorAs(t, err, &nf)
			assert.Equal(t, tc.dir, nf.Dir)
			assert.Equal(t, tc.missing, nf.Missing)
			msg := err.Error()
			assert.Contains(t, msg, tc.want)
			assert.Contains(t, msg, tc.dir)
			for _, m := range tc.missing {
				assert.Contains(t, msg, m)
			}
			assert.Contains(t, msg, "install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or load the data from a directory that holds the four IDX files")
			assert.NotContains(t, msg, "-data", "no command-line flags")
		})
	}

	// LoadSet only needs its own split.
	_, err := LoadSet(partial, Train)
	require.NoError(t, err)
	_, err = LoadSet(partial, Test)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestSubset(t *testing.T) {
	s := newFixture(6, 5, 3, 2).set()
	tests := []struct {
		n, want int
	}{{2, 2}, {1, 1}, {5, 5}, {0, 5}, {-1, 5}, {9, 5}}
	for _, tc := range tests {
		sub := s.Subset(tc.n)
		require.Equal(t, tc.want, sub.N, "Subset(%d)", tc.n)
		assert.Equal(t, s.Images[:tc.want*6], sub.Images)
		assert.Equal(t, s.Labels[:tc.want], sub.Labels)
		assert.Equal(t, 3, sub.Rows)
		assert.Equal(t, 2, sub.Cols)
		assert.Equal(t, tc.want*6, cap(sub.Images), "appending must not reach the rest of the set")
	}
	sub := s.Subset(2)
	assert.Same(t, &s.Images[6], &sub.Image(1)[0], "Subset shares memory")
	assert.Equal(t, s.Images[6:12], s.Image(1))
}

func TestClassName(t *testing.T) {
	assert.Equal(t, "t-shirt", ClassName(0))
	assert.Equal(t, "ankle boot", ClassName(9))
	assert.Equal(t, "", ClassName(10))
}
