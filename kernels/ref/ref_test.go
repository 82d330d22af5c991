package ref_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/kerneltest"
	"github.com/vggo/vggo/kernels/ref"
)

// TestConformance runs the suite on ref itself: a sanity run of the suite
// (ref against ref must match exactly) and of ref's error handling.
func TestConformance(t *testing.T) {
	kerneltest.Run(t, func() kernels.Ops { return ref.New() })
}

// ---- helpers ----

// tensor is a host tensor holding a copy of data, or zeros when data is nil.
func tensor(t *testing.T, data []float32, shape ...int) *kernels.HostTensor {
	t.Helper()
	h, err := kernels.NewHostTensor(shape...)
	require.NoError(t, err)
	if data != nil {
		require.Len(t, data, h.Len())
		copy(h.Data(), data)
	}
	return h
}

// uniform draws n values uniform in [-1,1).
func uniform(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(2*rng.Float64() - 1)
	}
	return v
}

// awayFromZero draws n values with 0.05 <= |v| < 1, so that a step of 1e-2
// never crosses ReLU's kink.
func awayFromZero(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		m := 0.05 + 0.95*rng.Float64()
		if rng.IntN(2) == 0 {
			m = -m
		}
		v[i] = float32(m)
	}
	return v
}

// distinct is a random permutation of n values 0.05 apart, centred on 0, so
// that a step of 1e-2 never changes which element of a pool window is the
// maximum.
func distinct(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i, p := range rng.Perm(n) {
		v[i] = float32(p-n/2) * 0.05
	}
	return v
}

// dot is the objective L = Σ y·r in float64, with Σ|y·r|, the scale of its
// rounding error.
func dot(y, r []float32) (l, mag float64) {
	for i := range y {
		p := float64(y[i]) * float64(r[i])
		l += p
		mag += math.Abs(p)
	}
	return l, mag
}

// step is the finite-difference step: small next to the O(1) inputs but large
// enough that the float32 rounding of the forward outputs, divided by it,
// stays far below the gradients.
const step = 1e-2

// u is float32's unit roundoff.
const u = 0x1p-24

// gradCheck compares grad, ref's float32 gradient of an objective with
// respect to x, with central differences of that objective, obj, computed
// in float64 by perturbing x in place (x is the data of a tensor obj reads).
//
// Why the bound is what it is: obj reads float32 outputs that ref computed in
// float64 and rounded once, so each term y·r of L carries a relative error of
// at most u = 2^-24, and L(x±h) are off by at most u·Σ|y·r| (mag, which obj
// returns). Their difference divided by the actual step — x±h are rounded to
// float32 first, and we divide by their true distance — is therefore off by
// at most u·(mag₊+mag₋)/(x₊-x₋); we allow twice that. ref's gradient is itself
// rounded once to float32 (u·|grad|). Every op checked here is linear or, with
// the inputs kept away from kinks, piecewise linear in x, so central
// differences have no truncation error, except the softmax loss, whose
// caller passes a bound on h²/6 times its third derivative as trunc. A floor
// of 1e-9 covers float64 rounding. With our sizes the bound is 1e-6 to 2e-3
// (largest where L sums a few hundred conv outputs); a wrong index or a
// missing term is off by the size of a term, ~0.1 to 1.
func gradCheck(t *testing.T, name string, x, grad []float32, obj func() (l, mag float64), trunc float64) {
	t.Helper()
	require.Len(t, grad, len(x), name)
	bad := 0
	for i := range x {
		x0 := x[i]
		xp, xm := float32(float64(x0)+step), float32(float64(x0)-step)
		x[i] = xp
		lp, mp := obj()
		x[i] = xm
		lm, mm := obj()
		x[i] = x0
		h := float64(xp) - float64(xm)
		num := (lp - lm) / h
		bound := 2*u*(mp+mm)/h + u*math.Abs(float64(grad[i])) + trunc + 1e-9
		if diff := math.Abs(num - float64(grad[i])); diff > bound {
			bad++
			if bad <= 5 {
				t.Errorf("%s[%d]: analytic %.9g, numeric %.9g, |diff| %.3g > bound %.3g", name, i, grad[i], num, diff, bound)
			}
		}
	}
	assert.Zero(t, bad, "%s: %d of %d gradient entries off", name, bad, len(x))
}

// ---- finite-difference gradient checks ----

type convGeom struct {
	name                string
	n, c, h, w, k, r, s int
	p                   kernels.Conv
}

func convGeoms() []convGeom {
	conv := func(sh, sw, ph, pw int) kernels.Conv {
		return kernels.Conv{StrideH: sh, StrideW: sw, PadH: ph, PadW: pw}
	}
	return []convGeom{
		{"3x3_stride1_pad1", 2, 3, 5, 7, 4, 3, 3, conv(1, 1, 1, 1)},
		{"3x3_stride2_pad0", 1, 2, 7, 6, 3, 3, 3, conv(2, 2, 0, 0)},
		{"5x5_stride1_pad2", 2, 2, 5, 6, 3, 5, 5, conv(1, 1, 2, 2)},
		{"3x3_stride2_pad2", 1, 3, 5, 5, 2, 3, 3, conv(2, 2, 2, 2)},
		{"3x1_stride2x1_pad1x0", 2, 2, 6, 3, 3, 3, 1, conv(2, 1, 1, 0)},
	}
}

func TestConvGradients(t *testing.T) {
	b := ref.New()
	for i, g := range convGeoms() {
		t.Run(g.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			P, Q, err := kernels.ConvOut(g.h, g.w, g.r, g.s, g.p)
			require.NoError(t, err)
			x := tensor(t, uniform(rng, g.n*g.c*g.h*g.w), g.n, g.c, g.h, g.w)
			w := tensor(t, uniform(rng, g.k*g.c*g.r*g.s), g.k, g.c, g.r, g.s)
			bias := tensor(t, uniform(rng, g.k), g.k)
			r := tensor(t, uniform(rng, g.n*g.k*P*Q), g.n, g.k, P, Q)
			y := tensor(t, nil, g.n, g.k, P, Q)
			obj := func() (float64, float64) {
				require.NoError(t, b.Conv2DForward(x, w, bias, y, g.p))
				return dot(y.Data(), r.Data())
			}
			dx := tensor(t, nil, g.n, g.c, g.h, g.w)
			dw := tensor(t, nil, g.k, g.c, g.r, g.s)
			db := tensor(t, nil, g.k)
			require.NoError(t, b.Conv2DBackwardData(r, w, dx, g.p))
			require.NoError(t, b.Conv2DBackwardFilter(x, r, dw, db, g.p))
			gradCheck(t, "dx", x.Data(), dx.Data(), obj, 0)
			gradCheck(t, "dw", w.Data(), dw.Data(), obj, 0)
			gradCheck(t, "db", bias.Data(), db.Data(), obj, 0)
		})
	}
}

func TestMaxPoolGradients(t *testing.T) {
	b := ref.New()
	for i, tc := range []struct {
		name       string
		n, c, h, w int
		p          kernels.Pool
	}{
		{"2x2_stride2_untiled_5x5", 2, 2, 5, 5, kernels.Pool{WindowH: 2, WindowW: 2, StrideH: 2, StrideW: 2}},
		{"3x3_stride2_overlapping_7x7", 1, 3, 7, 7, kernels.Pool{WindowH: 3, WindowW: 3, StrideH: 2, StrideW: 2}},
		{"3x2_stride1x2_5x6", 2, 1, 5, 6, kernels.Pool{WindowH: 3, WindowW: 2, StrideH: 1, StrideW: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 2))
			P, Q, err := kernels.PoolOut(tc.h, tc.w, tc.p)
			require.NoError(t, err)
			x := tensor(t, distinct(rng, tc.n*tc.c*tc.h*tc.w), tc.n, tc.c, tc.h, tc.w)
			y := tensor(t, nil, tc.n, tc.c, P, Q)
			r := tensor(t, uniform(rng, tc.n*tc.c*P*Q), tc.n, tc.c, P, Q)
			obj := func() (float64, float64) {
				require.NoError(t, b.MaxPoolForward(x, y, tc.p))
				return dot(y.Data(), r.Data())
			}
			obj()
			dx := tensor(t, nil, tc.n, tc.c, tc.h, tc.w)
			require.NoError(t, b.MaxPoolBackward(x, y, r, dx, tc.p))
			gradCheck(t, "dx", x.Data(), dx.Data(), obj, 0)
		})
	}
}

func TestReLUGradient(t *testing.T) {
	b := ref.New()
	rng := rand.New(rand.NewPCG(3, 3))
	shape := []int{2, 3, 5, 7}
	n := 2 * 3 * 5 * 7
	x := tensor(t, awayFromZero(rng, n), shape...)
	y := tensor(t, nil, shape...)
	r := tensor(t, uniform(rng, n), shape...)
	obj := func() (float64, float64) {
		require.NoError(t, b.ReLUForward(x, y))
		return dot(y.Data(), r.Data())
	}
	obj()
	dx := tensor(t, nil, shape...)
	require.NoError(t, b.ReLUBackward(y, r, dx))
	gradCheck(t, "dx", x.Data(), dx.Data(), obj, 0)
}

func TestDenseGradients(t *testing.T) {
	b := ref.New()
	for i, tc := range []struct{ n, in, out int }{{3, 7, 5}, {1, 4, 3}, {4, 13, 1}} {
		rng := rand.New(rand.NewPCG(uint64(i), 4))
		x := tensor(t, uniform(rng, tc.n*tc.in), tc.n, tc.in)
		w := tensor(t, uniform(rng, tc.out*tc.in), tc.out, tc.in)
		bias := tensor(t, uniform(rng, tc.out), tc.out)
		r := tensor(t, uniform(rng, tc.n*tc.out), tc.n, tc.out)
		y := tensor(t, nil, tc.n, tc.out)
		obj := func() (float64, float64) {
			require.NoError(t, b.DenseForward(x, w, bias, y))
			return dot(y.Data(), r.Data())
		}
		dx := tensor(t, nil, tc.n, tc.in)
		dw := tensor(t, nil, tc.out, tc.in)
		db := tensor(t, nil, tc.out)
		require.NoError(t, b.DenseBackward(x, w, r, dx, dw, db))
		gradCheck(t, "dx", x.Data(), dx.Data(), obj, 0)
		gradCheck(t, "dw", w.Data(), dw.Data(), obj, 0)
		gradCheck(t, "db", bias.Data(), db.Data(), obj, 0)

		// Without dx, dw and db are the same.
		dw2 := tensor(t, nil, tc.out, tc.in)
		db2 := tensor(t, nil, tc.out)
		require.NoError(t, b.DenseBackward(x, w, r, nil, dw2, db2))
		assert.Equal(t, dw.Data(), dw2.Data())
		assert.Equal(t, db.Data(), db2.Data())
	}
}

func TestDropoutGradient(t *testing.T) {
	b := ref.New()
	rng := rand.New(rand.NewPCG(5, 5))
	shape := []int{3, 5, 7}
	n := 3 * 5 * 7
	x := tensor(t, uniform(rng, n), shape...)
	mask := tensor(t, nil, shape...)
	y := tensor(t, nil, shape...)
	r := tensor(t, uniform(rng, n), shape...)
	obj := func() (float64, float64) {
		require.NoError(t, b.DropoutForward(x, mask, y, 0.4, 99))
		return dot(y.Data(), r.Data())
	}
	obj()
	dx := tensor(t, nil, shape...)
	require.NoError(t, b.DropoutBackward(r, mask, dx))
	gradCheck(t, "dx", x.Data(), dx.Data(), obj, 0)
}

func TestSoftmaxGradient(t *testing.T) {
	b := ref.New()
	for i, tc := range []struct{ n, k int }{{3, 5}, {1, 4}, {4, 2}} {
		rng := rand.New(rand.NewPCG(uint64(i), 6))
		logits := uniform(rng, tc.n*tc.k)
		for j := range logits {
			logits[j] *= 2
		}
		lt := tensor(t, logits, tc.n, tc.k)
		labels := make([]float32, tc.n)
		for j := range labels {
			labels[j] = float32(rng.IntN(tc.k))
		}
		lb := tensor(t, labels, tc.n)
		dl := tensor(t, nil, tc.n, tc.k)
		_, _, err := b.SoftmaxCrossEntropy(lt, lb, dl)
		require.NoError(t, err)
		obj := func() (float64, float64) {
			loss, _, err := b.SoftmaxCrossEntropy(lt, lb, nil)
			require.NoError(t, err)
			return loss, 0 // computed in float64 from the float32 logits
		}
		// The mean loss is smooth: central differences are off by
		// h²/6 times the third derivative, which along one logit is
		// p(1-p)(1-2p)/N, at most 1/(6√3)/N < 0.1/N. Twice that is the
		// truncation allowance.
		trunc := 2 * step * step / 6 * 0.1 / float64(tc.n)
		gradCheck(t, "dlogits", lt.Data(), dl.Data(), obj, trunc)
	}
}

// ---- exact fixtures ----

func iota(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i)
	}
	return v
}

func TestMaxPoolFixtures(t *testing.T) {
	b := ref.New()
	// 0  1  2  3
	// 4  5  6  7
	// 8  9 10 11
	// 12 13 14 15
	x := tensor(t, iota(16), 1, 1, 4, 4)
	p22 := kernels.Pool{WindowH: 2, WindowW: 2, StrideH: 2, StrideW: 2}
	y := tensor(t, nil, 1, 1, 2, 2)
	require.NoError(t, b.MaxPoolForward(x, y, p22))
	assert.Equal(t, []float32{5, 7, 13, 15}, y.Data())
	dx := tensor(t, nil, 1, 1, 4, 4)
	require.NoError(t, b.MaxPoolBackward(x, y, tensor(t, []float32{1, 2, 3, 4}, 1, 1, 2, 2), dx, p22))
	assert.Equal(t, []float32{0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4}, dx.Data())

	// Overlapping 3x3 windows, stride 1.
	p33 := kernels.Pool{WindowH: 3, WindowW: 3, StrideH: 1, StrideW: 1}
	require.NoError(t, b.MaxPoolForward(x, y, p33))
	assert.Equal(t, []float32{10, 11, 14, 15}, y.Data())

	// All ties: every window routes to its first (top-left) element.
	ones := tensor(t, []float32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 1, 4, 4)
	require.NoError(t, b.MaxPoolForward(ones, y, p33))
	require.NoError(t, b.MaxPoolBackward(ones, y, tensor(t, []float32{1, 2, 3, 4}, 1, 1, 2, 2), dx, p33))
	assert.Equal(t, []float32{1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, dx.Data())

	// Two windows share their maximum: the gradients add.
	row := tensor(t, []float32{0, 5, 0}, 1, 1, 1, 3)
	p12 := kernels.Pool{WindowH: 1, WindowW: 2, StrideH: 1, StrideW: 1}
	y2 := tensor(t, nil, 1, 1, 1, 2)
	require.NoError(t, b.MaxPoolForward(row, y2, p12))
	assert.Equal(t, []float32{5, 5}, y2.Data())
	drow := tensor(t, []float32{9, 9, 9}, 1, 1, 1, 3)
	require.NoError(t, b.MaxPoolBackward(row, y2, tensor(t, []float32{1, 2}, 1, 1, 1, 2), drow, p12))
	assert.Equal(t, []float32{0, 3, 0}, drow.Data(), "dx is overwritten, not accumulated")
}

func TestConvFixtures(t *testing.T) {
	b := ref.New()
	// x = 1..9 in a 3x3 image; an all-ones 3x3 filter with padding 1 sums
	// each 3x3 neighbourhood.
	x := tensor(t, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	w := tensor(t, []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 1, 3, 3)
	sums := []float32{12, 21, 16, 27, 45, 33, 24, 39, 28}
	pad1 := kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	y := tensor(t, nil, 1, 1, 3, 3)
	require.NoError(t, b.Conv2DForward(x, w, tensor(t, []float32{0}, 1), y, pad1))
	assert.Equal(t, sums, y.Data())

	// Bias then fused ReLU.
	relu := pad1
	relu.ReLU = true
	require.NoError(t, b.Conv2DForward(x, w, tensor(t, []float32{-25}, 1), y, relu))
	assert.Equal(t, []float32{0, 0, 0, 2, 20, 8, 0, 14, 3}, y.Data())

	// Stride 2 keeps the corners.
	y2 := tensor(t, nil, 1, 1, 2, 2)
	require.NoError(t, b.Conv2DForward(x, w, tensor(t, []float32{0}, 1), y2, kernels.Conv{StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}))
	assert.Equal(t, []float32{12, 16, 24, 28}, y2.Data())

	// Two input channels and two filters (ones, twos): channel sums add.
	x2 := tensor(t, append(iota(9), iota(9)...), 1, 2, 3, 3)
	w2 := tensor(t, nil, 2, 2, 1, 1)
	copy(w2.Data(), []float32{1, 1, 2, 2})
	y3 := tensor(t, nil, 1, 2, 3, 3)
	require.NoError(t, b.Conv2DForward(x2, w2, tensor(t, []float32{0, 1}, 2), y3, kernels.Conv{StrideH: 1, StrideW: 1}))
	assert.Equal(t, []float32{0, 2, 4, 6, 8, 10, 12, 14, 16, 1, 5, 9, 13, 17, 21, 25, 29, 33}, y3.Data())

	// With dy all ones, dx counts the windows covering each pixel, and dw
	// sums x under each filter tap (the same neighbourhood sums); db = P*Q.
	dy := tensor(t, []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 1, 3, 3)
	dx := tensor(t, nil, 1, 1, 3, 3)
	require.NoError(t, b.Conv2DBackwardData(dy, w, dx, pad1))
	assert.Equal(t, []float32{4, 6, 4, 6, 9, 6, 4, 6, 4}, dx.Data())
	dw := tensor(t, nil, 1, 1, 3, 3)
	db := tensor(t, nil, 1)
	require.NoError(t, b.Conv2DBackwardFilter(x, dy, dw, db, pad1))
	assert.Equal(t, sums, dw.Data())
	assert.Equal(t, []float32{9}, db.Data())

	// Stride 2 without padding on 4 columns: column 3 is in no window.
	dy4 := tensor(t, []float32{1}, 1, 1, 1, 1)
	dx4 := tensor(t, nil, 1, 1, 3, 4)
	require.NoError(t, b.Conv2DBackwardData(dy4, w, dx4, kernels.Conv{StrideH: 2, StrideW: 2}))
	assert.Equal(t, []float32{1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0}, dx4.Data())
}

func TestDenseFixture(t *testing.T) {
	b := ref.New()
	x := tensor(t, []float32{1, 2}, 1, 2)
	w := tensor(t, []float32{1, 0, 0, 1, 1, 1}, 3, 2)
	y := tensor(t, nil, 1, 3)
	require.NoError(t, b.DenseForward(x, w, tensor(t, []float32{0, 0, 1}, 3), y))
	assert.Equal(t, []float32{1, 2, 4}, y.Data())

	dx := tensor(t, nil, 1, 2)
	dw := tensor(t, nil, 3, 2)
	db := tensor(t, nil, 3)
	require.NoError(t, b.DenseBackward(x, w, tensor(t, []float32{1, 1, 1}, 1, 3), dx, dw, db))
	assert.Equal(t, []float32{2, 2}, dx.Data())
	assert.Equal(t, []float32{1, 2, 1, 2, 1, 2}, dw.Data())
	assert.Equal(t, []float32{1, 1, 1}, db.Data())
}

func TestSoftmaxFixtures(t *testing.T) {
	b := ref.New()
	// Equal logits: softmax is uniform, the loss is log K, and the first
	// arg-max is class 0.
	logits := tensor(t, nil, 2, 4)
	dl := tensor(t, nil, 2, 4)
	loss, correct, err := b.SoftmaxCrossEntropy(logits, tensor(t, []float32{0, 3}, 2), dl)
	require.NoError(t, err)
	assert.InDelta(t, math.Log(4), loss, 1e-15)
	assert.Equal(t, 1, correct)
	assert.Equal(t, []float32{-0.375, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375}, dl.Data())

	// Logits far beyond exp's range: the max shift keeps everything finite.
	big := tensor(t, []float32{1000, 0, -1000, 0, 1000, 1000}, 2, 3)
	dl2 := tensor(t, nil, 2, 3)
	loss, correct, err = b.SoftmaxCrossEntropy(big, tensor(t, []float32{0, 1}, 2), dl2)
	require.NoError(t, err)
	assert.InDelta(t, math.Log(2)/2, loss, 1e-12, "row 0 costs 0, row 1 costs log 2")
	assert.Equal(t, 2, correct, "row 1's first arg-max is class 1")
	assert.Equal(t, []float32{0, 0, 0, 0, -0.25, 0.25}, dl2.Data())

	// A bad label anywhere is reported before anything is written.
	dl3 := tensor(t, []float32{7, 7, 7, 7, 7, 7}, 2, 3)
	_, _, err = b.SoftmaxCrossEntropy(big, tensor(t, []float32{0, 3}, 2), dl3)
	require.ErrorIs(t, err, kernels.ErrShape)
	assert.Equal(t, []float32{7, 7, 7, 7, 7, 7}, dl3.Data())
}

func TestDropoutFixtures(t *testing.T) {
	b := ref.New()
	rng := rand.New(rand.NewPCG(7, 7))
	n := 10000
	xd := uniform(rng, n)
	x := tensor(t, xd, n)
	mask := tensor(t, nil, n)
	y := tensor(t, nil, n)

	require.NoError(t, b.DropoutForward(x, mask, y, 0, 1))
	for i := range n {
		require.Equal(t, float32(1), mask.Data()[i])
	}
	assert.Equal(t, xd, y.Data())

	const rate = 0.25
	require.NoError(t, b.DropoutForward(x, mask, y, rate, 12345))
	kept := 0
	for i, m := range mask.Data() {
		want := float32(0)
		if kernels.DropKeep(12345, i, rate) {
			want = 1 / (1 - float32(rate))
			kept++
		}
		require.Equal(t, want, m, "mask[%d]", i)
		require.Equal(t, xd[i]*want, y.Data()[i], "y[%d]", i)
	}
	// 7500 expected; the binomial standard deviation is ~43.
	assert.InDelta(t, n*3/4, kept, 300)

	// In place: y is x.
	require.NoError(t, b.DropoutForward(x, mask, x, rate, 12345))
	assert.Equal(t, y.Data(), x.Data())
}

func TestSGDFixture(t *testing.T) {
	b := ref.New()
	w := tensor(t, []float32{1, 2, -3}, 3)
	require.NoError(t, b.SGDUpdate(w, tensor(t, []float32{2, -2, 0.5}, 3), 0.5))
	assert.Equal(t, []float32{0, 3, -3.25}, w.Data())
}

// TestTypedNilTensors checks that a nil *kernels.HostTensor, which is a
// non-nil kernels.Tensor, is an error rather than a panic.
func TestTypedNilTensors(t *testing.T) {
	b := ref.New()
	var none *kernels.HostTensor
	x := tensor(t, nil, 2, 3)
	assert.NotPanics(t, func() {
		assert.ErrorIs(t, b.ReLUForward(none, x), kernels.ErrShape)
		assert.ErrorIs(t, b.ReLUForward(x, none), kernels.ErrShape)
		assert.ErrorIs(t, b.DenseBackward(x, tensor(t, nil, 4, 3), tensor(t, nil, 2, 4), none, tensor(t, nil, 4, 3), tensor(t, nil, 4)), kernels.ErrShape)
		assert.ErrorIs(t, b.Free(none), kernels.ErrShape)
		assert.ErrorIs(t, b.CopyIn(none, nil), kernels.ErrShape)
		_, err := b.Reshape(none, 1)
		assert.ErrorIs(t, err, kernels.ErrShape)
	})
}
