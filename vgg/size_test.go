package vgg

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels/ref"
)

// TestHugeSizesAreErrors checks that layer widths and image sizes whose
// weights or activations cannot fit are reported by CheckInput and Build as
// a *SizeError naming the layer and the settings to lower, instead of
// crashing with an out-of-memory error or a panic.
func TestHugeSizesAreErrors(t *testing.T) {
	deep := make(Arch, 10)
	for i := range deep {
		deep[i] = Block{1, 16}
	}
	dense := []Setting{SettingHidden, SettingImageSize}
	for _, c := range []struct {
		name   string
		arch   Arch
		hidden int
		side   int
		want   *SizeError // nil for none; Sample is filled in
		msg    string
	}{
		{"book's VGG-11 at 224", Arch11(), 4096, 224, nil, ""},
		{"hidden 2^40", SmallConvArch(Arch11(), 4), 1 << 40, 32,
			&SizeError{Layer: "dense0", Params: 129 << 40, Limit: MaxLayerParams, Lower: dense}, "lower the hidden width (the Hidden option) or the image size"},
		{"hidden MaxInt", SmallConvArch(Arch11(), 4), math.MaxInt, 32,
			&SizeError{Layer: "dense0", Overflow: true, Lower: dense}, "overflows 64-bit counts"},
		{"resize 65536", SmallConvArch(Arch11(), 4), 4096, 65536,
			&SizeError{Layer: "dense0", Params: 128*2048*2048*4096 + 4096, Limit: MaxLayerParams, Lower: dense}, "more than the 2,147,483,648 one layer may have"},
		{"wide convolutions", Arch{{1, 1 << 16}, {1, 1 << 16}}, 8, 8,
			&SizeError{Layer: "block2.conv0", Params: 1<<32*9 + 1<<16, Limit: MaxLayerParams, Lower: []Setting{SettingChannels, SettingImageSize}},
			"lower the channels (a larger SmallConvArch ratio) or the image size"},
		{"activations of a huge image", deep, 8, 65536,
			&SizeError{Params: 545_498, Limit: MaxNetworkBytes, Lower: []Setting{SettingImageSize, SettingHidden, SettingChannels}},
			"needs 426.7 GiB for its 545,498 parameters, their gradients and one (1, 65536, 65536) image's activations, more than the 64 GiB limit: lower the image size, the hidden width (the Hidden option) or the channels (a larger SmallConvArch ratio)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			net, err := VGG(c.arch, Hidden(c.hidden))
			require.NoError(t, err)
			sample := []int{1, c.side, c.side}
			var checkErr error
			require.NotPanics(t, func() { checkErr = net.CheckInput(sample) })
			if c.want == nil {
				assert.NoError(t, checkErr)
				return
			}
			var got *SizeError
			require.ErrorAs(t, checkErr, &got)
			c.want.Sample = sample
			if c.want.Layer == "" {
				assert.Greater(t, got.Bytes, float64(MaxNetworkBytes))
				c.want.Bytes = got.Bytes
			}
			assert.Equal(t, c.want, got)
			assert.ErrorContains(t, checkErr, c.msg)
			var buildErr error
			require.NotPanics(t, func() { buildErr = net.Build(device.Ref(), sample, 1) })
			assert.EqualError(t, buildErr, checkErr.Error())
		})
	}
}

// TestLayerBuildRejectsHugeWeights builds single layers outside a network,
// where no CheckInput runs first.
func TestLayerBuildRejectsHugeWeights(t *testing.T) {
	for _, c := range []struct {
		name  string
		layer Layer
		in    []int
	}{
		{"dense 2^40 units", NewDense(1<<40, false), []int{1, 64}},
		{"dense overflowing", NewDense(math.MaxInt/2, false), []int{1, 64}},
		{"conv 2^40 channels", NewConv2D(1<<40, 3, 1, 1, false), []int{1, 4, 8, 8}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.layer.Build(&Builder{Ops: ref.New(), Init: Xavier()}, c.in, true) })
			assert.ErrorContains(t, err, "more than")
		})
	}
}

// TestSummaryCountsDoNotOverflow checks that Summary reports huge networks
// with positive counts, and an error where int64 counts would overflow.
func TestSummaryCountsDoNotOverflow(t *testing.T) {
	for _, c := range []struct {
		name   string
		hidden int
		side   int
		batch  int
		err    string
	}{
		{"hidden 2^30", 1 << 30, 224, 128, ""},
		{"huge batch", 4096, 224, math.MaxInt, ""},
		{"hidden MaxInt", math.MaxInt, 224, 128, "overflows"},
	} {
		t.Run(c.name, func(t *testing.T) {
			net, err := VGG(SmallConvArch(Arch11(), 4), Hidden(c.hidden))
			require.NoError(t, err)
			var s *Summary
			require.NotPanics(t, func() { s, err = net.Summary([]int{1, c.side, c.side}, c.batch) })
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Positive(t, s.Params)
			assert.Positive(t, s.FLOPs)
			assert.Positive(t, s.Act)
			for _, r := range s.Rows {
				assert.GreaterOrEqual(t, r.Params, int64(0), r.Name)
				assert.GreaterOrEqual(t, r.FLOPs, int64(0), r.Name)
			}
			for _, line := range strings.Split(s.String(), "\n") {
				assert.NotContains(t, line, " -", "a negative count in %q", line)
			}
		})
	}
}
