//go:build !linux || !cgo

package dl

func open(path string, flags Flags) (Library, error) {
	return nil, ErrUnsupported
}
