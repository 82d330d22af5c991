package vgg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
)

func TestSummaryCountsByHand(t *testing.T) {
	s, err := tinyNet(t, 0.5).Summary([]int{1, 8, 8}, 32)
	require.NoError(t, err)
	type row struct {
		name          string
		params, flops int64
		out           string
	}
	want := []row{
		{"block1.conv0", 3*9 + 3, 2 * 3 * 1 * 9 * 8 * 8, "(1, 3, 8, 8)"},
		{"block1.pool", 0, 0, "(1, 3, 4, 4)"},
		{"block2.conv0", 5*27 + 5, 2 * 5 * 3 * 9 * 4 * 4, "(1, 5, 4, 4)"},
		{"block2.conv1", 5*45 + 5, 2 * 5 * 5 * 9 * 4 * 4, "(1, 5, 4, 4)"},
		{"block2.pool", 0, 0, "(1, 5, 2, 2)"},
		{"dense0", 20*12 + 12, 2 * 20 * 12, "(1, 12)"},
		{"dropout0", 0, 0, "(1, 12)"},
		{"dense1", 12*12 + 12, 2 * 12 * 12, "(1, 12)"},
		{"dropout1", 0, 0, "(1, 12)"},
		{"dense2", 12*4 + 4, 2 * 12 * 4, "(1, 4)"},
	}
	require.Len(t, s.Rows, len(want))
	var act int64
	for i, w := range want {
		r := s.Rows[i]
		assert.Equal(t, w, row{r.Name, r.Params, r.FLOPs, kernels.ShapeString(r.Out)})
		assert.Equal(t, 4*int64(kernels.Numel(r.Out)), r.Act)
		act += r.Act
	}
	assert.Equal(t, int64(860), s.Params)
	assert.Equal(t, int64(15840), s.FLOPs)
	assert.Equal(t, act, s.Act)
	assert.Contains(t, s.String(), "act@32")
	assert.Contains(t, s.String(), "860 parameters")

	_, err = tinyNet(t, 0).Summary([]int{1, 2, 2}, 1)
	assert.ErrorContains(t, err, "at least 4")
	_, err = tinyNet(t, 0).Summary([]int{1, 8, 8}, 0)
	assert.ErrorContains(t, err, "batch size 0")
}

// TestSummaryParamsMatchBuiltNetworks checks the counted parameters of each
// architecture of the VGG paper's table 1 against the tensors Build makes.
func TestSummaryParamsMatchBuiltNetworks(t *testing.T) {
	for _, name := range []string{"vgg11", "vgg13", "vgg16", "vgg19"} {
		t.Run(name, func(t *testing.T) {
			arch, err := ArchByName(name)
			require.NoError(t, err)
			net, err := VGG(SmallConvArch(arch, 16), Hidden(32))
			require.NoError(t, err)
			s, err := net.Summary([]int{1, 32, 32}, 4)
			require.NoError(t, err)
			require.NoError(t, net.Build(device.CPU(), []int{1, 32, 32}, 1))
			var built int64
			for _, p := range net.Params() {
				built += int64(kernels.Numel(p.Shape))
			}
			assert.Equal(t, built, s.Params)
			convs := 0
			for _, b := range arch {
				convs += b.Convs
			}
			assert.Equal(t, map[string]int{"vgg11": 8, "vgg13": 10, "vgg16": 13, "vgg19": 16}[name], convs, "weight layers minus the 3 dense")
		})
	}
}

func TestVGGCostsMoreThanAlexNet(t *testing.T) {
	v, err := VGG(Arch11())
	require.NoError(t, err)
	a, err := AlexNet()
	require.NoError(t, err)
	vs, err := v.Summary([]int{1, 224, 224}, 128)
	require.NoError(t, err)
	as, err := a.Summary([]int{1, 224, 224}, 128)
	require.NoError(t, err)
	// Multiply-adds: VGG-11 on one channel 7.55 G, the book's AlexNet 0.94 G.
	assert.Equal(t, int64(15_094_464_512), vs.FLOPs)
	assert.Equal(t, int64(1_876_292_352), as.FLOPs)
	assert.Equal(t, int64(128_806_154), vs.Params)
	assert.Equal(t, int64(46_764_746), as.Params)
	assert.Equal(t, "(1, 256, 5, 5)", kernels.ShapeString(as.Rows[7].Out), "the book's AlexNet flattens 6400 features")
	why := vs.Compare("VGG-11", as, "AlexNet")
	assert.Contains(t, why, "(8.0x)")
	assert.Contains(t, why, "Most parameters sit in dense0")
}

func TestCompareEmptyNetworks(t *testing.T) {
	empty, err := NewNetwork().Summary([]int{1, 8, 8}, 4)
	require.NoError(t, err)
	full, err := tinyNet(t, 0).Summary([]int{1, 8, 8}, 4)
	require.NoError(t, err)
	for _, c := range []struct {
		name    string
		a, b    *Summary
		nothing bool
	}{
		{"empty vs full", empty, full, true},
		{"full vs empty", full, empty, true},
		{"empty vs empty", empty, empty, true},
		{"full vs nil", full, nil, true},
		{"full vs full", full, full, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var msg string
			require.NotPanics(t, func() { msg = c.a.Compare("A", c.b, "B") })
			if c.nothing {
				assert.Contains(t, msg, "nothing to compare")
			} else {
				assert.Contains(t, msg, "Why:")
			}
		})
	}
}
