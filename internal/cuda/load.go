package cuda

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unsafe"

	"github.com/vggo/vggo/internal/dl"
)

// libSpec says how to find one NVIDIA library.
type libSpec struct {
	// sonames in order of preference.
	sonames []string
	// pipDirs are the wheel layouts, relative to a site-packages/nvidia dir.
	pipDirs []string
	// toolkit: also search /usr/local/cuda*/lib64 and the pip locations.
	toolkit bool
	// preload lists files in the library's directory to open first, so that
	// the library's own dlopen-by-soname of them finds the loaded copies:
	// required ones must load, optional ones may fail.
	preload func(dir, soname string) (required, optional []string)
	flags   dl.Flags
}

// lib is one opened NVIDIA library with its resolved function table.
type lib struct {
	path string
	deps []dl.Library
	main dl.Library
	// syms is the library's table, fn the address of each entry: nil for
	// an optional symbol the library lacks, whose loader message is in
	// absent.
	syms   []symbol
	fn     []unsafe.Pointer
	absent map[int]string
}

func (l *lib) close() error {
	if l == nil || l.main == nil {
		return nil
	}
	errs := []error{l.main.Close()}
	for i := len(l.deps) - 1; i >= 0; i-- {
		errs = append(errs, l.deps[i].Close())
	}
	l.main, l.deps = nil, nil
	return errors.Join(errs...)
}

// closeDeps closes the dependency handles in reverse order of opening, for
// the failure paths of openAt where the main library is not open.
func (l *lib) closeDeps() {
	for i := len(l.deps) - 1; i >= 0; i-- {
		_ = l.deps[i].Close()
	}
	l.deps = nil
}

// searchDirs lists the directories to try for spec, in order: explicit dirs,
// EnvPath, then (for toolkit libraries, after the system search) the CUDA
// toolkit and pip locations. Relative directories are dropped: the current
// directory is never searched.
func (c *config) searchDirs(spec libSpec) (first, last []string) {
	expand := func(root string) []string {
		out := []string{root}
		for _, p := range spec.pipDirs {
			out = append(out, filepath.Join(root, p), filepath.Join(root, "nvidia", p))
		}
		return out
	}
	var roots []string
	roots = append(roots, c.dirs...)
	roots = append(roots, strings.Split(c.getenv(EnvPath), ":")...)
	for _, r := range roots {
		if filepath.IsAbs(r) {
			first = append(first, expand(filepath.Clean(r))...)
		}
	}
	if !spec.toolkit {
		return first, nil
	}
	for _, g := range []string{"/usr/local/cuda/lib64", "/usr/local/cuda-*/lib64"} {
		m, _ := filepath.Glob(g)
		sort.Sort(sort.Reverse(sort.StringSlice(m)))
		last = append(last, m...)
	}
	var pipRoots []string
	if v := c.getenv("VIRTUAL_ENV"); filepath.IsAbs(v) {
		pipRoots = append(pipRoots, v+"/lib/python3*/site-packages/nvidia")
	}
	if h, err := os.UserHomeDir(); err == nil {
		pipRoots = append(pipRoots, h+"/.local/lib/python3*/site-packages/nvidia")
	}
	pipRoots = append(pipRoots, "/usr/local/lib/python3*/dist-packages/nvidia",
		"/usr/local/lib/python3*/site-packages/nvidia", "/usr/lib/python3/dist-packages/nvidia")
	for _, g := range pipRoots {
		m, _ := filepath.Glob(g)
		for _, root := range m {
			for _, p := range spec.pipDirs {
				last = append(last, filepath.Join(root, p))
			}
		}
	}
	return first, last
}

// open finds and opens the first soname of spec that loads, then resolves
// the symbols of table. Errors are *LibraryError or *SymbolError.
func (c *config) open(spec libSpec, table []symbol) (*lib, error) {
	first, last := c.searchDirs(spec)
	lerr := &LibraryError{Name: strings.Join(spec.sonames, " or ")}
	seen := map[string]bool{}
	tryDir := func(dir string) (*lib, error) {
		if seen[dir] || strings.HasSuffix(dir, "/stubs") {
			return nil, nil
		}
		seen[dir] = true
		for _, so := range spec.sonames {
			path := filepath.Join(dir, so)
			if _, err := os.Stat(path); err != nil {
				lerr.Tried = append(lerr.Tried, path+": not found")
				continue
			}
			l, err := c.openAt(spec, dir, so, path)
			if err != nil {
				lerr.Tried = append(lerr.Tried, path+": "+err.Error())
				if lerr.DlError == "" {
					lerr.DlError = err.Error()
				}
				continue
			}
			return l, nil
		}
		return nil, nil
	}
	for _, d := range first {
		if l, _ := tryDir(d); l != nil {
			return c.resolve(l, table)
		}
	}
	var sysErr string
	for _, so := range spec.sonames {
		h, err := c.opener.Open(so, spec.flags)
		if err == nil {
			return c.resolve(&lib{path: so, main: h}, table)
		}
		lerr.Tried = append(lerr.Tried, so+" (system search: LD_LIBRARY_PATH, ld.so cache, /lib, /usr/lib): "+dl.Message(err))
		if sysErr == "" {
			sysErr = dl.Message(err)
		}
	}
	for _, d := range last {
		if l, _ := tryDir(d); l != nil {
			return c.resolve(l, table)
		}
	}
	if lerr.DlError == "" {
		lerr.DlError = sysErr
	}
	return nil, lerr
}

func (c *config) openAt(spec libSpec, dir, so, path string) (*lib, error) {
	l := &lib{path: path}
	if spec.preload != nil {
		required, optional := spec.preload(dir, so)
		for _, p := range required {
			h, err := c.opener.Open(p, spec.flags)
			if err != nil {
				// l.close would do nothing here (l.main is not open yet):
				// close the dependencies already opened, newest first.
				l.closeDeps()
				return nil, errors.New(dl.Message(err))
			}
			l.deps = append(l.deps, h)
		}
		for _, p := range optional {
			if h, err := c.opener.Open(p, spec.flags); err == nil {
				l.deps = append(l.deps, h)
			}
		}
	}
	h, err := c.opener.Open(path, spec.flags)
	if err != nil {
		l.closeDeps()
		return nil, errors.New(dl.Message(err))
	}
	l.main = h
	return l, nil
}

// existing returns the paths of names in dir that exist.
func existing(dir string, names ...string) []string {
	var out []string
	for _, n := range names {
		m, _ := filepath.Glob(filepath.Join(dir, n))
		out = append(out, m...)
	}
	return out
}
