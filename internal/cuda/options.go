package cuda

import (
	"os"

	"github.com/vggo/vggo/internal/dl"
)

// EnvPath names the environment variable that points the binding at NVIDIA's
// libraries: a directory, or a colon-separated list, searched before the
// system loader. Each entry may be a directory holding the .so files, a pip
// "site-packages/nvidia" directory, or a "site-packages" directory.
const EnvPath = "VGGO_CUDA_PATH"

// Option configures how the libraries are found and opened.
type Option func(*config)

type config struct {
	dirs   []string
	opener dl.Opener
	getenv func(string) string
	majors []int
}

// WithLibraryPath searches dirs (laid out as for EnvPath) before everything
// else, including EnvPath.
func WithLibraryPath(dirs ...string) Option {
	return func(c *config) { c.dirs = append(c.dirs, dirs...) }
}

// WithOpener replaces the system loader, for tests of the failure paths.
func WithOpener(o dl.Opener) Option {
	return func(c *config) { c.opener = o }
}

// WithGetenv replaces os.Getenv when reading EnvPath and VIRTUAL_ENV.
func WithGetenv(getenv func(string) string) Option {
	return func(c *config) { c.getenv = getenv }
}

// WithCUDAMajor sets which CUDA major versions of cuBLAS and NVRTC to look
// for, in order of preference. The default is 13, then 12. Pick 12 only when
// the driver is older than 13.0 (cuDriverGetVersion < 13000).
func WithCUDAMajor(majors ...int) Option {
	return func(c *config) { c.majors = majors }
}

func newConfig(opts []Option) *config {
	c := &config{opener: dl.System{}, getenv: os.Getenv, majors: []int{13, 12}}
	for _, o := range opts {
		o(c)
	}
	return c
}
