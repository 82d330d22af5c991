package vgg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
)

// memData is an in-memory Dataset in a fixed order.
type memData struct {
	shape  []int
	x      []float32
	labels []float32
}

func (d *memData) Len() int           { return len(d.labels) }
func (d *memData) SampleShape() []int { return d.shape }
func (d *memData) Batch(_, i, bs int, x, labels []float32) (int, error) {
	per := kernels.Numel(d.shape)
	lo, hi := i*bs, min((i+1)*bs, d.Len())
	copy(x, d.x[lo*per:hi*per])
	copy(labels, d.labels[lo:hi])
	return hi - lo, nil
}

// blobs makes an easy 4-class problem: class c lights up quadrant c of the
// image, plus noise.
func blobs(n, size int, seed uint64) *memData {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := &memData{shape: []int{1, size, size}, x: make([]float32, n*size*size), labels: make([]float32, n)}
	h := size / 2
	for i := range n {
		c := rng.IntN(4)
		d.labels[i] = float32(c)
		img := d.x[i*size*size : (i+1)*size*size]
		for y := range size {
			for x := range size {
				v := float32(rng.NormFloat64() * 0.3)
				if (y/h)*2+x/h == c {
					v += 1
				}
				img[y*size+x] = v
			}
		}
	}
	return d
}

func tinyNet(t *testing.T, dropout float32) *Network {
	t.Helper()
	net, err := VGG(Arch{{1, 3}, {2, 5}}, Hidden(12), Classes(4), DropoutRate(dropout))
	require.NoError(t, err)
	return net
}

// loss runs a forward pass and the mean cross-entropy on a fixed batch.
func loss(t *testing.T, net *Network, xt, lt kernels.Tensor, dlogits kernels.Tensor) float64 {
	t.Helper()
	logits, err := net.Forward(xt, dlogits != nil)
	require.NoError(t, err)
	l, _, err := net.Device().Ops().SoftmaxCrossEntropy(logits, lt, dlogits)
	require.NoError(t, err)
	return l
}

// TestNetworkGradients checks the layers' wiring end to end (fused ReLU,
// flatten views, pooling routes, skipped input gradient) against central
// finite differences of the whole network's loss.
func TestNetworkGradients(t *testing.T) {
	dev := device.Ref()
	net := tinyNet(t, 0)
	data := blobs(3, 8, 3)
	require.NoError(t, net.Build(dev, data.shape, 5))
	ops := dev.Ops()
	xt, lt, err := net.in.upload(data.shape, data.x, data.labels, 3)
	require.NoError(t, err)
	dl, err := ops.Alloc(3, 4)
	require.NoError(t, err)
	loss(t, net, xt, lt, dl)
	require.NoError(t, net.Backward(dl))

	rng := rand.New(rand.NewPCG(9, 9))
	for _, p := range net.Params() {
		val := make([]float32, p.Value.Len())
		grad := make([]float32, p.Grad.Len())
		require.NoError(t, ops.CopyOut(val, p.Value))
		require.NoError(t, ops.CopyOut(grad, p.Grad))
		central := func(i int, eps float32) float64 {
			orig := val[i]
			val[i] = orig + eps
			require.NoError(t, ops.CopyIn(p.Value, val))
			up := loss(t, net, xt, lt, nil)
			val[i] = orig - eps
			require.NoError(t, ops.CopyIn(p.Value, val))
			down := loss(t, net, xt, lt, nil)
			val[i] = orig
			require.NoError(t, ops.CopyIn(p.Value, val))
			return (up - down) / float64(2*eps)
		}
		for range 4 {
			i := rng.IntN(len(val))
			// float32 forward passes put about 1e-7/eps of rounding noise in a
			// difference quotient, so 2e-3 absolute is ample for these steps.
			// A step that straddles a ReLU or max-pool kink breaks the central
			// difference, so a second, smaller step gets a chance; a wrong
			// gradient (bad route, transposition, missing term) fails both.
			want := float64(grad[i])
			ok := func(num float64) bool { return math.Abs(num-want) <= 2e-3+0.05*math.Abs(num) }
			num := central(i, 1e-3)
			if !ok(num) {
				num = central(i, 3e-4)
			}
			assert.True(t, ok(num), "%s[%d]: analytic %v, numeric %v", p.Name, i, want, num)
		}
	}
}

func TestPredictAndEvaluate(t *testing.T) {
	train, test := blobs(256, 8, 1), blobs(64, 8, 2)
	net := tinyNet(t, 0)
	_, err := net.Predict(test.x[:64], 1)
	assert.ErrorContains(t, err, "before Build")
	dev := device.CPU()
	_, err = Trainer{Device: dev, LR: 0.1, Epochs: 4, BatchSize: 32, Seed: 3}.Fit(net, train, test)
	require.NoError(t, err)
	acc, err := net.Evaluate(dev, test, 50)
	require.NoError(t, err)
	pred, err := net.Predict(test.x, test.Len())
	require.NoError(t, err)
	right := 0
	for i, p := range pred {
		if float32(p) == test.labels[i] {
			right++
		}
	}
	assert.InDelta(t, acc, float64(right)/float64(test.Len()), 1e-9)
	_, err = net.Predict(test.x[:10], 1)
	assert.ErrorContains(t, err, "10 values for 1 samples")
	assert.ErrorContains(t, net.Build(device.Ref(), test.shape, 1), "already built")
}
