package fashionmnist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DefaultDir is where the Debian package dataset-fashion-mnist installs the
// four gzip-compressed IDX files.
const DefaultDir = "/usr/share/datasets/fashion-mnist"

// NumClasses is the number of Fashion-MNIST classes; labels are 0..9.
const NumClasses = 10

// Split names accepted by LoadSet.
const (
	// Train is the 60000-image training split.
	Train = "train"
	// Test is the 10000-image test split ("t10k" in the file names).
	Test = "t10k"
)

// Set is one split of the data set, held in memory as bytes.
type Set struct {
	// Images holds N images of Rows*Cols pixels each, row-major, image after
	// image; 0 is background, 255 is full ink.
	Images []uint8
	// Labels holds the N class indices, each below NumClasses.
	Labels []uint8
	// N is the number of images, Rows and Cols the size of each.
	N, Rows, Cols int
}

// Image returns image i's Rows*Cols pixels. It shares memory with the set.
func (s *Set) Image(i int) []uint8 {
	px := s.Rows * s.Cols
	return s.Images[i*px : (i+1)*px : (i+1)*px]
}

// Subset returns the first n images of s, sharing its memory. n <= 0 or
// n >= s.N means all of them, so a limit of 0 can mean no limit.
func (s *Set) Subset(n int) *Set {
	if n <= 0 || n > s.N {
		n = s.N
	}
	px := s.Rows * s.Cols
	return &Set{
		Images: s.Images[: n*px : n*px],
		Labels: s.Labels[:n:n],
		N:      n,
		Rows:   s.Rows,
		Cols:   s.Cols,
	}
}

// check reports a Set whose fields disagree, for sets built by hand.
func (s *Set) check() error {
	switch {
	case s == nil:
		return errors.New("fashionmnist: nil Set")
	case s.N <= 0 || s.Rows <= 0 || s.Cols <= 0:
		return fmt.Errorf("fashionmnist: Set has N=%d, Rows=%d, Cols=%d: all must be positive", s.N, s.Rows, s.Cols)
	case len(s.Images) != s.N*s.Rows*s.Cols:
		return fmt.Errorf("fashionmnist: Set has %d image bytes, want N*Rows*Cols = %d*%d*%d", len(s.Images), s.N, s.Rows, s.Cols)
	case len(s.Labels) != s.N:
		return fmt.Errorf("fashionmnist: Set has %d labels for N=%d images", len(s.Labels), s.N)
	}
	return nil
}

// ClassName returns the d2l.ai text label of a class index ("t-shirt",
// "trouser", ..., "ankle boot"), or "" for an index out of range.
func ClassName(label uint8) string {
	names := [NumClasses]string{"t-shirt", "trouser", "pullover", "dress", "coat",
		"sandal", "shirt", "sneaker", "bag", "ankle boot"}
	if int(label) >= len(names) {
		return ""
	}
	return names[label]
}

// Load reads the training and test splits from dir (DefaultDir when dir is
// ""). When any of the four files is missing it returns a *NotFoundError
// naming all the missing ones.
func Load(dir string) (train, test *Set, err error) {
	if dir == "" {
		dir = DefaultDir
	}
	paths, err := findFiles(dir, Train, Test)
	if err != nil {
		return nil, nil, err
	}
	if train, err = readSet(paths[0], paths[1]); err != nil {
		return nil, nil, err
	}
	if test, err = readSet(paths[2], paths[3]); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// LoadSet reads one split, "train" (Train) or "t10k" (Test), from dir
// (DefaultDir when dir is "").
func LoadSet(dir, split string) (*Set, error) {
	if split != Train && split != Test {
		return nil, fmt.Errorf("fashionmnist: unknown split %q: use %q or %q", split, Train, Test)
	}
	if dir == "" {
		dir = DefaultDir
	}
	paths, err := findFiles(dir, split)
	if err != nil {
		return nil, err
	}
	return readSet(paths[0], paths[1])
}

// fileNames returns the images and labels base names of a split.
func fileNames(split string) (images, labels string) {
	return split + "-images-idx3-ubyte", split + "-labels-idx1-ubyte"
}

// findFiles returns the images and labels paths of each split in order,
// preferring the raw file to the ".gz" one, or a *NotFoundError listing
// everything missing.
func findFiles(dir string, splits ...string) ([]string, error) {
	var wanted []string
	for _, s := range splits {
		img, lbl := fileNames(s)
		wanted = append(wanted, img, lbl)
	}
	alternatives := func(base string) string { return base + " or " + base + ".gz" }
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		e := &NotFoundError{Dir: dir, Err: err, Reason: "is not a directory"}
		if errors.Is(err, fs.ErrNotExist) {
			e.Reason = "does not exist"
		} else if err != nil {
			e.Reason = "cannot be read (" + err.Error() + ")"
		}
		for _, w := range wanted {
			e.Missing = append(e.Missing, alternatives(w))
		}
		return nil, e
	}
	paths := make([]string, len(wanted))
	var missing []string
	for i, w := range wanted {
		for _, name := range []string{w, w + ".gz"} {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				paths[i] = p
				break
			}
		}
		if paths[i] == "" {
			missing = append(missing, alternatives(w))
		}
	}
	if len(missing) > 0 {
		return nil, &NotFoundError{Dir: dir, Missing: missing}
	}
	return paths, nil
}

// readSet reads and cross-checks an images file and a labels file.
func readSet(imagesPath, labelsPath string) (*Set, error) {
	img, err := ReadIDX(imagesPath)
	if err != nil {
		return nil, err
	}
	lbl, err := ReadIDX(labelsPath)
	if err != nil {
		return nil, err
	}
	return makeSet(imagesPath, img, labelsPath, lbl)
}

// makeSet checks that img is a rank-3 images file and lbl a rank-1 labels
// file of the same length with labels below NumClasses.
func makeSet(imagesName string, img *IDX, labelsName string, lbl *IDX) (*Set, error) {
	if len(img.Dims) != 3 {
		return nil, formatErr(imagesName, "an images file must have rank 3 (count x rows x cols), this one has rank %d (dims %s)%s",
			len(img.Dims), dimString(img.Dims), swapHint(len(img.Dims) == 1))
	}
	if len(lbl.Dims) != 1 {
		return nil, formatErr(labelsName, "a labels file must have rank 1 (count), this one has rank %d (dims %s)%s",
			len(lbl.Dims), dimString(lbl.Dims), swapHint(len(lbl.Dims) == 3))
	}
	n, rows, cols := img.Dims[0], img.Dims[1], img.Dims[2]
	if n == 0 || rows == 0 || cols == 0 {
		return nil, formatErr(imagesName, "holds no pixels (dims %s)", dimString(img.Dims))
	}
	if lbl.Dims[0] != n {
		return nil, formatErr(labelsName, "holds %d labels but the images file %s holds %d images", lbl.Dims[0], imagesName, n)
	}
	for i, l := range lbl.Data {
		if l >= NumClasses {
			return nil, formatErr(labelsName, "label %d at index %d is out of range: Fashion-MNIST labels are 0..%d", l, i, NumClasses-1)
		}
	}
	return &Set{Images: img.Data, Labels: lbl.Data, N: n, Rows: rows, Cols: cols}, nil
}

// swapHint suggests that the images and labels files were swapped.
func swapHint(swapped bool) string {
	if swapped {
		return "; were the images and labels files swapped?"
	}
	return ""
}
