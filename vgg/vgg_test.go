package vgg

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
)

// The book's shape walk for a 1x1x224x224 sample through VGG-11.
var seedWalk = []string{
	"(1, 64, 112, 112)",
	"(1, 128, 56, 56)",
	"(1, 256, 28, 28)",
	"(1, 512, 14, 14)",
	"(1, 512, 7, 7)",
	"(1, 4096)",
	"(1, 4096)",
	"(1, 4096)",
	"(1, 4096)",
	"(1, 10)",
}

func TestShapeWalkMatchesBook(t *testing.T) {
	net, err := VGG(Arch11())
	require.NoError(t, err)
	walk, err := net.ShapeWalk([]int{1, 1, 224, 224})
	require.NoError(t, err)
	require.Len(t, walk, len(seedWalk))
	names := []string{"block1", "block2", "block3", "block4", "block5", "dense0", "dropout0", "dense1", "dropout1", "dense2"}
	for i, l := range walk {
		assert.Equal(t, names[i]+" output shape:\t"+seedWalk[i], l.String())
	}
}

func TestArchitectures(t *testing.T) {
	cases := []struct {
		name  string
		convs int
	}{{"vgg11", 8}, {"VGG-13", 10}, {"vgg16", 13}, {"vgg19", 16}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := ArchByName(c.name)
			require.NoError(t, err)
			n := 0
			for _, b := range a {
				n += b.Convs
			}
			assert.Equal(t, c.convs, n, "conv layers; with the 3 dense layers the name's number")
		})
	}
	_, err := ArchByName("vgg12")
	assert.ErrorContains(t, err, "unknown architecture")
	assert.Equal(t, Arch{{1, 16}, {1, 32}, {2, 64}, {2, 128}, {2, 128}}, SmallConvArch(Arch11(), 4))
}

func TestBadArchitecturesAreErrors(t *testing.T) {
	cases := []struct {
		name string
		arch Arch
		want string
	}{
		{"empty", Arch{}, "empty architecture"},
		{"zero convs", Arch{{0, 64}}, "0 convolutions"},
		{"negative channels", Arch{{1, 64}, {1, -3}}, "block 2: -3 channels"},
		{"ratio too large", SmallConvArch(Arch{{1, 4}}, 8), "0 channels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := VGG(c.arch)
			assert.ErrorContains(t, err, c.want)
		})
	}
	_, err := VggBlock(0, 8)
	assert.Error(t, err)
	_, err = VGG(Arch11(), DropoutRate(1))
	assert.ErrorContains(t, err, "dropout")
	_, err = VGG(Arch11(), Hidden(0))
	assert.Error(t, err)
}

func TestInputTooSmallToHalve(t *testing.T) {
	net, err := VGG(SmallConvArch(Arch11(), 4))
	require.NoError(t, err)
	require.NoError(t, net.CheckInput([]int{1, 32, 32}))
	err = net.CheckInput([]int{1, 16, 16})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "at least 32")
	assert.Error(t, net.CheckInput([]int{1, 0, 32}))
	assert.Error(t, net.Build(device.Ref(), []int{1, 31, 31}, 1))
}

func TestXavierMatchesMXNetDefaults(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := make([]float32, 100000)
	fanIn, fanOut := 16*9, 32*9
	Xavier()(rng, w, fanIn, fanOut)
	bound := math.Sqrt(3 / (float64(fanIn+fanOut) / 2))
	var sum, sq float64
	for _, v := range w {
		require.LessOrEqual(t, math.Abs(float64(v)), bound)
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	mean, variance := sum/float64(len(w)), sq/float64(len(w))
	assert.InDelta(t, 0, mean, 0.01*bound)
	assert.InDelta(t, bound*bound/3, variance, 0.02*bound*bound/3, "uniform variance s²/3")
}

func TestParamNamesFollowTorchvision(t *testing.T) {
	net, err := VGG(SmallConvArch(Arch11(), 16), Hidden(32))
	require.NoError(t, err)
	require.NoError(t, net.Build(device.Ref(), []int{1, 32, 32}, 1))
	var names []string
	for _, p := range net.Params() {
		names = append(names, p.Name)
	}
	// torchvision's vgg11 features: conv, relu, pool, conv, relu, pool,
	// conv, relu, conv, relu, pool, ...; classifier: linear, relu, dropout, ...
	want := "features.0 features.3 features.6 features.8 features.11 features.13 features.16 features.18 classifier.0 classifier.3 classifier.6"
	var got []string
	for i := 0; i < len(names); i += 2 {
		assert.True(t, strings.HasSuffix(names[i], ".weight"))
		assert.Equal(t, strings.TrimSuffix(names[i], ".weight")+".bias", names[i+1])
		got = append(got, strings.TrimSuffix(names[i], ".weight"))
	}
	assert.Equal(t, want, strings.Join(got, " "))
	assert.Equal(t, []int{4, 1, 3, 3}, net.Params()[0].Shape)
	assert.Equal(t, []int{10, 32}, net.Params()[len(names)-2].Shape)
}

func TestArchString(t *testing.T) {
	tests := []struct {
		arch Arch
		want string
	}{
		{Arch11(), "((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))"},
		{Arch{{Convs: 1, Channels: 8}}, "((1, 8))"},
		{nil, "()"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.arch.String())
	}
}
