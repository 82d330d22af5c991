//go:build linux && cgo

package cuda

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/internal/dl"
)

// tables is every library's function table with the exported list of it.
var tables = []struct {
	lib      string
	syms     []symbol
	exported func() []string
}{
	{"driver", driverSyms[:], DriverSymbols},
	{"cublas", cublasSyms[:], CUBLASSymbols},
	{"cudnn", cudnnSyms[:], CUDNNSymbols},
	{"nvrtc", nvrtcSyms[:], NVRTCSymbols},
}

// TestSymbolTablesAreFilled: every index of every table has a name, no name
// is bound twice, the exported lists are the tables, and each name has its
// prototype in decl.h (vg_pfn_<name>) and an assertion against NVIDIA's
// headers in check/abi_check.c.
func TestSymbolTablesAreFilled(t *testing.T) {
	decl, err := os.ReadFile("decl.h")
	require.NoError(t, err)
	abi, err := os.ReadFile("check/abi_check.c")
	require.NoError(t, err)
	bound := map[string]bool{}
	for _, tb := range tables {
		t.Run(tb.lib, func(t *testing.T) {
			require.NotEmpty(t, tb.syms)
			for i, s := range tb.syms {
				if !assert.NotEmpty(t, s.name, "%s table: index %d has no entry", tb.lib, i) {
					continue
				}
				assert.False(t, bound[s.name], "%s is bound twice", s.name)
				bound[s.name] = true
				q := regexp.QuoteMeta(s.name)
				assert.Regexp(t, `\(\*vg_pfn_`+q+`\)\(`, string(decl), "decl.h has no prototype for %s", s.name)
				assert.Regexp(t, `SAME_FN\(`+q+`\);|SAME_TYPE\(vg_pfn_`+q+`, PFN_`, string(abi),
					"check/abi_check.c does not check %s", s.name)
			}
			assert.Equal(t, names(tb.syms), tb.exported())
		})
	}
	// The other way round: decl.h declares no function that no table binds.
	for _, m := range regexp.MustCompile(`\(\*vg_pfn_(\w+)\)\(`).FindAllStringSubmatch(string(decl), -1) {
		assert.True(t, bound[m[1]], "decl.h declares %s, which no table binds", m[1])
	}
}

func TestRealLoaderMissingSymbol(t *testing.T) {
	c := newConfig([]Option{WithGetenv(noEnv)})
	spec := libSpec{sonames: []string{"libm.so.6"}, flags: dl.Now | dl.Local}
	_, err := c.open(spec, []symbol{{"cos", required}, {"vggo_no_such_symbol", required}})
	var se *SymbolError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "libm.so.6", se.Library)
	assert.Equal(t, "vggo_no_such_symbol", se.Symbol)
	assert.Contains(t, se.DlError, "undefined symbol")
}

// TestOptionalSymbolMissingDoesNotFailLoad: a library without an optional
// symbol loads; calling that symbol is a *SymbolError naming it and the
// library, while a missing required symbol still fails the load.
func TestOptionalSymbolMissingDoesNotFailLoad(t *testing.T) {
	table := []symbol{{"vg_present", required}, {"vg_extra", optional}}
	f := &fakeOpener{loadable: map[string]bool{"libvg.so.1": true}, missing: []string{"vg_extra"}}
	c := newConfig([]Option{WithOpener(f), WithGetenv(noEnv)})
	spec := libSpec{sonames: []string{"libvg.so.1"}, flags: dl.Now | dl.Local}

	l, err := c.open(spec, table)
	require.NoError(t, err)
	p, err := l.get(0)
	require.NoError(t, err)
	assert.NotNil(t, p)
	p, err = l.get(1)
	assert.Nil(t, p)
	var se *SymbolError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SymbolError{Library: "libvg.so.1", Symbol: "vg_extra",
		DlError: "libvg.so.1: undefined symbol: vg_extra", Optional: true}, *se)
	assert.Contains(t, err.Error(), "vg_extra")
	assert.Contains(t, err.Error(), "libvg.so.1")

	f.missing = []string{"vg_present"}
	_, err = c.open(spec, table)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "vg_present", se.Symbol)
	assert.False(t, se.Optional)
}

// TestDriverOptionalSymbols: a driver without any of its optional symbols
// loads, and each method of one returns a *SymbolError naming the symbol
// and the library instead of calling through a nil pointer. The methods
// listed here are exactly the table's optional entries.
func TestDriverOptionalSymbols(t *testing.T) {
	calls := map[string]func(*Driver) error{
		"cuCtxGetCurrent":      func(d *Driver) error { _, err := d.CtxGetCurrent(); return err },
		"cuCtxSynchronize":     func(d *Driver) error { return d.CtxSynchronize() },
		"cuMemGetInfo_v2":      func(d *Driver) error { _, _, err := d.MemGetInfo(); return err },
		"cuMemcpyHtoD_v2":      func(d *Driver) error { return d.MemcpyHtoD(0, nil, 0) },
		"cuMemcpyDtoH_v2":      func(d *Driver) error { return d.MemcpyDtoH(nil, 0, 0) },
		"cuMemcpyDtoD_v2":      func(d *Driver) error { return d.MemcpyDtoD(0, 0, 0) },
		"cuMemcpyDtoDAsync_v2": func(d *Driver) error { return d.MemcpyDtoDAsync(0, 0, 0, Stream{}) },
		"cuMemsetD32_v2":       func(d *Driver) error { return d.MemsetD32(0, 0, 0) },
		"cuEventElapsedTime":   func(d *Driver) error { _, err := d.EventElapsedTime(Event{}, Event{}); return err },
	}
	var opt []string
	for _, s := range driverSyms {
		if s.need == optional {
			opt = append(opt, s.name)
		}
	}
	require.ElementsMatch(t, opt, slices.Collect(maps.Keys(calls)), "optional driver symbols and the calls tested here")

	f := &fakeOpener{loadable: map[string]bool{"libcuda.so.1": true}, missing: opt}
	d, err := LoadDriver(WithOpener(f), WithGetenv(noEnv))
	require.NoError(t, err, "a driver without the optional symbols loads")
	defer d.Close()
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var se *SymbolError
			require.ErrorAs(t, call(d), &se)
			assert.Equal(t, name, se.Symbol)
			assert.Equal(t, "libcuda.so.1", se.Library)
			assert.True(t, se.Optional)
		})
	}
}
