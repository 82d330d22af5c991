//go:build linux && cgo

package cuda

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/internal/dl"
)

// pipDir is the site-packages/nvidia directory of NVIDIA's wheels, set by
// `make test` (mk/cuda.mk).
func pipDir(t *testing.T) string {
	t.Helper()
	d := os.Getenv("VGGO_NVIDIA_PIP")
	if d == "" {
		t.Skip("VGGO_NVIDIA_PIP is not set: run `make test`, which installs NVIDIA's wheels and sets it")
	}
	if _, err := os.Stat(d); err != nil {
		t.Skipf("VGGO_NVIDIA_PIP=%s is missing (%v): run `make cuda-deps`", d, err)
	}
	return d
}

func noEnv(string) string { return "" }

func TestLoadRealLibrariesFromPipLayout(t *testing.T) {
	dir := pipDir(t)

	b, err := LoadCUBLAS(WithLibraryPath(dir), WithGetenv(noEnv))
	require.NoError(t, err)
	defer b.Close()
	assert.Equal(t, filepath.Join(dir, "cu13/lib/libcublas.so.13"), b.Path())
	major, _, _, err := b.Version()
	require.NoError(t, err)
	assert.Equal(t, 13, major)
	assert.Empty(t, b.lib.absent, "every symbol, optional ones too, resolves")

	d, err := LoadCUDNN(WithLibraryPath(dir), WithGetenv(noEnv))
	require.NoError(t, err)
	defer d.Close()
	assert.Equal(t, filepath.Join(dir, "cudnn/lib/libcudnn.so.9"), d.Path())
	assert.GreaterOrEqual(t, d.Version(), 90000, "cudnnGetVersion")
	assert.Less(t, d.Version(), 100000, "cudnnGetVersion")
	assert.Empty(t, d.lib.absent, "every symbol, optional ones too, resolves")

	n, err := LoadNVRTC(WithLibraryPath(dir), WithGetenv(noEnv))
	require.NoError(t, err)
	defer n.Close()
	nmaj, _, err := n.Version()
	require.NoError(t, err)
	assert.Equal(t, 13, nmaj)
	assert.Empty(t, n.lib.absent, "every symbol, optional ones too, resolves")
	archs, err := n.SupportedArchs()
	require.NoError(t, err)
	assert.Contains(t, archs, 90)
	assert.Contains(t, archs, 80)
}

func TestEnvPathIsSearched(t *testing.T) {
	dir := pipDir(t)
	// A colon-separated list whose empty and relative entries are ignored.
	env := func(k string) string {
		if k == EnvPath {
			return "::relative/dir:" + filepath.Dir(dir)
		}
		return ""
	}
	d, err := LoadCUDNN(WithGetenv(env))
	require.NoError(t, err)
	defer d.Close()
	assert.Equal(t, filepath.Join(dir, "cudnn/lib/libcudnn.so.9"), d.Path())
}

func TestDriverMissingIsALibraryError(t *testing.T) {
	d, err := LoadDriver()
	if err == nil {
		d.Close()
		t.Skip("libcuda.so.1 is installed here; the missing-driver path is covered by the fake loader")
	}
	var le *LibraryError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "libcuda.so.1", le.Name)
	require.NotEmpty(t, le.Tried)
	assert.Contains(t, le.Tried[len(le.Tried)-1], "libcuda.so.1 (system search")
	assert.Contains(t, le.DlError, "libcuda.so.1")
	assert.Contains(t, err.Error(), "install the NVIDIA driver")
}

func TestRealLoaderFailures(t *testing.T) {
	empty := t.TempDir()
	garbage := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(garbage, "libcudnn.so.9"), []byte("not an ELF file"), 0o644))

	for _, tc := range []struct {
		name      string
		dir       string
		wantTried string
		wantDl    string
	}{
		{"empty dir", empty, filepath.Join(empty, "libcudnn.so.9") + ": not found", "libcudnn.so.9"},
		{"wrong file", garbage, filepath.Join(garbage, "libcudnn.so.9") + ": ", "file too short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConfig([]Option{WithLibraryPath(tc.dir), WithGetenv(noEnv)})
			spec := cudnnSpec()
			spec.toolkit = false // only the given dir and the system search
			_, err := c.open(spec, cudnnSyms[:])
			if err == nil {
				t.Skip("a system cuDNN answered the bare-name search")
			}
			var le *LibraryError
			require.ErrorAs(t, err, &le)
			assert.Contains(t, strings.Join(le.Tried, "\n"), tc.wantTried)
			assert.Contains(t, le.DlError, tc.wantDl)
			assert.Contains(t, err.Error(), EnvPath)
		})
	}
}

// fakeOpener is a loader whose libraries open or fail as told; it exercises
// the search and error paths without NVIDIA's libraries. It never stands in
// for GPU results.
type fakeOpener struct {
	loadable map[string]bool // paths that open
	missing  []string        // symbols no library has
	opened   []string
	closed   []string
}

type fakeLib struct {
	path string
	f    *fakeOpener
}

func (f *fakeOpener) Open(path string, _ dl.Flags) (dl.Library, error) {
	f.opened = append(f.opened, path)
	if !f.loadable[path] {
		return nil, &dl.Error{Op: "dlopen", Name: path, Msg: path + ": cannot open shared object file: No such file or directory"}
	}
	return &fakeLib{path: path, f: f}, nil
}

func (l *fakeLib) Path() string { return l.path }
func (l *fakeLib) Close() error {
	l.f.closed = append(l.f.closed, l.path)
	return nil
}
func (l *fakeLib) Lookup(s string) (unsafe.Pointer, error) {
	if slices.Contains(l.f.missing, s) {
		return nil, &dl.Error{Op: "dlsym", Name: s, Msg: l.path + ": undefined symbol: " + s}
	}
	return unsafe.Pointer(l), nil
}

func TestFakeLoaderPaths(t *testing.T) {
	for _, tc := range []struct {
		name       string
		loadable   map[string]bool
		missing    []string
		load       func(...Option) error
		wantLib    string // LibraryError.Name, or "" when a SymbolError is expected
		wantSymbol string
	}{
		{name: "no driver", load: func(o ...Option) error { _, err := LoadDriver(o...); return err }, wantLib: "libcuda.so.1"},
		{name: "no cublas 13 or 12", load: func(o ...Option) error { _, err := LoadCUBLAS(o...); return err }, wantLib: "libcublas.so.13 or libcublas.so.12"},
		{name: "no nvrtc", load: func(o ...Option) error { _, err := LoadNVRTC(o...); return err }, wantLib: "libnvrtc.so.13 or libnvrtc.so.12"},
		{name: "driver lacks a symbol", loadable: map[string]bool{"libcuda.so.1": true}, missing: []string{"cuMemAlloc_v2"},
			load: func(o ...Option) error { _, err := LoadDriver(o...); return err }, wantSymbol: "cuMemAlloc_v2"},
		{name: "cublas 12 lacks a symbol", loadable: map[string]bool{"libcublas.so.12": true}, missing: []string{"cublasSgemm_v2"},
			load: func(o ...Option) error { _, err := LoadCUBLAS(o...); return err }, wantSymbol: "cublasSgemm_v2"},
		{name: "cudnn lacks a symbol", loadable: map[string]bool{"libcudnn.so.9": true}, missing: []string{"cudnnConvolutionForward"},
			load: func(o ...Option) error { _, err := LoadCUDNN(o...); return err }, wantSymbol: "cudnnConvolutionForward"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeOpener{loadable: tc.loadable, missing: tc.missing}
			err := tc.load(WithOpener(f), WithGetenv(noEnv))
			require.Error(t, err)
			if tc.wantSymbol != "" {
				var se *SymbolError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tc.wantSymbol, se.Symbol)
				assert.Contains(t, se.DlError, "undefined symbol")
				return
			}
			var le *LibraryError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tc.wantLib, le.Name)
			assert.Contains(t, le.DlError, "cannot open shared object file")
			for _, p := range f.opened {
				assert.True(t, filepath.IsAbs(p) || !strings.Contains(p, "/"), "never a relative path: %s", p)
			}
		})
	}
}

// TestOpenAtFailureClosesDeps: when a required preload or the library itself
// fails to open, every dependency handle already opened is closed, newest
// first, and nothing else.
func TestOpenAtFailureClosesDeps(t *testing.T) {
	preload := func(string, string) ([]string, []string) {
		return []string{"/d/dep1.so", "/d/dep2.so", "/d/dep3.so"}, []string{"/d/opt.so"}
	}
	for _, tc := range []struct {
		name       string
		loadable   []string
		wantOpened []string
		wantClosed []string
	}{
		{"third required dep fails", []string{"/d/dep1.so", "/d/dep2.so", "/d/opt.so", "/d/main.so"},
			[]string{"/d/dep1.so", "/d/dep2.so", "/d/dep3.so"},
			[]string{"/d/dep2.so", "/d/dep1.so"}},
		{"first required dep fails", []string{"/d/main.so"},
			[]string{"/d/dep1.so"}, nil},
		{"main fails after every dep", []string{"/d/dep1.so", "/d/dep2.so", "/d/dep3.so", "/d/opt.so"},
			[]string{"/d/dep1.so", "/d/dep2.so", "/d/dep3.so", "/d/opt.so", "/d/main.so"},
			[]string{"/d/opt.so", "/d/dep3.so", "/d/dep2.so", "/d/dep1.so"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeOpener{loadable: map[string]bool{}}
			for _, p := range tc.loadable {
				f.loadable[p] = true
			}
			c := newConfig([]Option{WithOpener(f), WithGetenv(noEnv)})
			spec := libSpec{sonames: []string{"main.so"}, preload: preload, flags: dl.Now | dl.Local}
			l, err := c.openAt(spec, "/d", "main.so", "/d/main.so")
			require.Error(t, err)
			assert.Nil(t, l)
			assert.Equal(t, tc.wantOpened, f.opened)
			assert.Equal(t, tc.wantClosed, f.closed)
		})
	}

	// Success, then close: the main library first, then the deps newest first.
	f := &fakeOpener{loadable: map[string]bool{"/d/dep1.so": true, "/d/dep2.so": true, "/d/dep3.so": true, "/d/main.so": true}}
	c := newConfig([]Option{WithOpener(f), WithGetenv(noEnv)})
	l, err := c.openAt(libSpec{preload: preload}, "/d", "main.so", "/d/main.so")
	require.NoError(t, err)
	require.NoError(t, l.close())
	assert.Equal(t, []string{"/d/main.so", "/d/dep3.so", "/d/dep2.so", "/d/dep1.so"}, f.closed)
	assert.Len(t, f.opened, 5, "opt.so was tried")
}

// TestSpecsStayLoaded: every NVIDIA library (and so every preloaded
// dependency, opened with the same flags) is opened with RTLD_NODELETE, so a
// backend's Close never unmaps them while another backend may load them again.
func TestSpecsStayLoaded(t *testing.T) {
	for name, spec := range map[string]libSpec{
		"cublas": cublasSpec([]int{13, 12}),
		"cudnn":  cudnnSpec(),
		"nvrtc":  nvrtcSpec([]int{13, 12}),
	} {
		assert.NotZero(t, spec.flags&dl.NoDelete, "%s lacks dl.NoDelete", name)
		assert.NotZero(t, spec.flags&dl.Now, "%s lacks dl.Now", name)
	}
	// The preloads are opened with the spec's flags.
	f := &fakeOpener{loadable: map[string]bool{"/d/dep.so": true, "/d/main.so": true}}
	var flags []dl.Flags
	c := newConfig([]Option{WithOpener(flagRecorder{f, &flags}), WithGetenv(noEnv)})
	spec := cudnnSpec()
	spec.preload = func(string, string) ([]string, []string) { return []string{"/d/dep.so"}, nil }
	_, err := c.openAt(spec, "/d", "main.so", "/d/main.so")
	require.NoError(t, err)
	require.Len(t, flags, 2)
	for _, fl := range flags {
		assert.NotZero(t, fl&dl.NoDelete)
	}
}

type flagRecorder struct {
	dl.Opener
	flags *[]dl.Flags
}

func (r flagRecorder) Open(path string, flags dl.Flags) (dl.Library, error) {
	*r.flags = append(*r.flags, flags)
	return r.Opener.Open(path, flags)
}
