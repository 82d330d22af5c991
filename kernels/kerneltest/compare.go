package kerneltest

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Tol is an elementwise tolerance: got matches want when
// |got-want| <= Abs + Rel*|want|. NaN matches only NaN and an infinity only
// itself.
type Tol struct {
	Abs, Rel float64
}

// String formats the tolerance as the inequality it checks.
func (t Tol) String() string {
	return fmt.Sprintf("|got-want| <= %g + %g*|want|", t.Abs, t.Rel)
}

// toleranceTable is the suite's one tolerance table, keyed "Op.output".
//
// How the numbers were chosen. Every case draws its data so that outputs are
// O(1) — activations and gradients uniform in [-1,1), weights uniform with
// variance 1/fan-in — so the absolute term is meaningful next to the relative
// one (it covers outputs that cancel to near zero). A float32 backend sums the
// same terms as ref in another order (blocked GEMM, im2col, FMA, SIMD lanes,
// tree reductions, cuDNN's implicit-GEMM algorithms) and rounds each partial
// sum, so it differs from ref's float64-then-round result by about
// sqrt(terms)·2^-24·|term|. The bounds were set by running the suite against
// plain float32 implementations of every reducing op summing in forward,
// reverse, pairwise and 8-lane strided order (SGD with and without FMA): the
// worst error used at most 1/9 of any bound (SGDUpdate <= 0.11,
// Conv2DBackwardData 0.08, Conv2DBackwardFilter.dw 0.06, Conv2DForward 0.05,
// the rest less), so each bound leaves a margin of about 10x or more. The
// exception is Winograd F(4x4,3x3) (kernels/cpu's 3x3 convolutions, and an
// algorithm cuDNN may pick): its transforms scale values up and down, and
// its worst error on the suite's cases is between 1/4 and 1/2 of the Conv2D
// bounds (found by scaling the bounds down until a case failed; the usual
// interpolation points 0, ±1, ±2 reached 1/2 to 1). The largest sums are 288 terms in
// Conv2DBackwardData, 392 in Conv2DBackwardFilter and 300 in DenseForward.
// Conv2DBackwardFilter sums over N*P*Q, so its outputs are larger (|dw| up to
// 25, |db| up to 24) and its absolute term is 10x looser.
//
// These bounds are still orders of magnitude below what an indexing bug
// produces (errors of the order of the outputs themselves), and they reject
// TF32 tensor-core math: rounding conv inputs to TF32's 10-bit mantissa
// exceeds the Conv2DForward bound 60-fold. A float32 backend must not use it.
//
// The TF32 column (WithTolerances(TF32)) is for backends that let cuDNN and
// cuBLAS use TF32 tensor cores on float32 data. TF32 keeps 10 explicit
// mantissa bits, so rounding an operand to nearest is a relative error of at
// most 2^-11, and the product of two rounded operands is off by at most
// 2^-10 (+2^-22) relative; the products are then summed in float32 as
// before. A sum y = Σ x_i·w_i of products is therefore off by up to
// 2^-10·Σ|x_i·w_i| more than in float32. When its terms do not cancel,
// Σ|x_i·w_i| = |y|: hence the relative term 1e-3 (2^-10 = 9.8e-4). When they
// do, as with the suite's zero-mean data, the roundings are independent and
// uniform in ±2^-11 per operand, so the added error has a standard deviation
// of sqrt(2/3)·2^-11·rms(y) = 4e-4·rms(y) whatever the number of terms; the
// absolute term 1e-2 is 25 of those for the O(1) outputs and 4.6x the worst
// error of the suite's cases on the CPU stand-in, which rounds exactly so
// (Conv2DBackwardData 2.2e-3, DenseBackward.dw 9.7e-4, Conv2DForward
// 7.8e-4, DenseForward 5.7e-4, DenseBackward.dx 5.4e-4).
// Conv2DBackwardFilter.dw, whose outputs are up to 25, gets 5e-2 (worst seen
// 6.7e-3, 7.5x below). The bias gradients are plain sums of dy, without
// products, and the other ops use no tensor-op math: their rows are the same
// in both columns.
//
// Exact ops stay exact: max pooling, ReLU, dropout (mask, and one float32
// product per element) and the memory ops move or multiply single values, so
// any difference is a bug. MaxPoolBackward may add the (at most 4 in these
// cases) gradients that overlapping windows route to one element in float32
// and in another order: at most 3·2^-24·4 < 1e-6 off. SGDUpdate rounds
// lr*dw and then w - lr*dw (or fuses them): with |w|, |dw| <= 1 that is
// under 2·2^-24 absolute plus 2^-24 relative. The loss is a mean of
// log-sum-exps that a backend may compute in float32; dlogits are
// (softmax-onehot)/N, at most 1 in magnitude.
func toleranceTable() map[string]tolerance {
	return map[string]tolerance{
		"Conv2DForward.y":             {FP32: Tol{Abs: 1e-5, Rel: 1e-4}, TF32: Tol{Abs: 1e-2, Rel: 1e-3}},
		"Conv2DBackwardData.dx":       {FP32: Tol{Abs: 1e-5, Rel: 1e-4}, TF32: Tol{Abs: 1e-2, Rel: 1e-3}},
		"Conv2DBackwardFilter.dw":     {FP32: Tol{Abs: 1e-4, Rel: 1e-4}, TF32: Tol{Abs: 5e-2, Rel: 1e-3}},
		"Conv2DBackwardFilter.db":     both(Tol{Abs: 1e-4, Rel: 1e-4}),
		"MaxPoolForward.y":            both(Tol{}),
		"MaxPoolBackward.dx":          both(Tol{Abs: 1e-6, Rel: 1e-6}),
		"ReLUForward.y":               both(Tol{}),
		"ReLUBackward.dx":             both(Tol{}),
		"DenseForward.y":              {FP32: Tol{Abs: 1e-5, Rel: 1e-4}, TF32: Tol{Abs: 1e-2, Rel: 1e-3}},
		"DenseBackward.dx":            {FP32: Tol{Abs: 1e-5, Rel: 1e-4}, TF32: Tol{Abs: 1e-2, Rel: 1e-3}},
		"DenseBackward.dw":            {FP32: Tol{Abs: 1e-5, Rel: 1e-4}, TF32: Tol{Abs: 1e-2, Rel: 1e-3}},
		"DenseBackward.db":            both(Tol{Abs: 1e-5, Rel: 1e-4}),
		"DropoutForward.mask":         both(Tol{}),
		"DropoutForward.y":            both(Tol{}),
		"DropoutBackward.dx":          both(Tol{}),
		"SoftmaxCrossEntropy.loss":    both(Tol{Abs: 1e-5, Rel: 1e-5}),
		"SoftmaxCrossEntropy.correct": both(Tol{}),
		"SoftmaxCrossEntropy.dlogits": both(Tol{Abs: 1e-6, Rel: 1e-4}),
		"SGDUpdate.w":                 both(Tol{Abs: 5e-7, Rel: 1e-6}),
		"Memory.data":                 both(Tol{}),
		"Memory.view":                 both(Tol{}),
	}
}

// tolerance is one row of the table: the bound under each precision.
type tolerance struct {
	FP32, TF32 Tol
}

// both is the row of an op whose math TF32 does not change.
func both(t Tol) tolerance { return tolerance{FP32: t, TF32: t} }

// Tolerances is the column of precision p of the suite's tolerance table,
// keyed "Op.output" (e.g. "Conv2DForward.y"), for tests that compare a
// backend's op outside Run.
func Tolerances(p Precision) map[string]Tol {
	out := map[string]Tol{}
	for k, row := range toleranceTable() {
		out[k] = row.FP32
		if p == TF32 {
			out[k] = row.TF32
		}
	}
	return out
}

// tolerances is the FP32 column of the table.
func tolerances() map[string]Tol { return Tolerances(FP32) }

// worstShown is how many mismatches a Diff keeps for its report.
const worstShown = 5

// Mismatch is one element outside the tolerance.
type Mismatch struct {
	Index     int   // flat, row-major index
	At        []int // the same index per dimension of the compared shape
	Got, Want float64
	excess    float64
}

// Diff is the result of comparing got against want elementwise.
type Diff struct {
	Shape   []int
	Tol     Tol
	Len     int        // elements compared
	Bad     int        // elements outside the tolerance
	MaxAbs  float64    // max |got-want| (+Inf when a NaN or infinity differs)
	MaxRel  float64    // max |got-want|/|want| over elements with want != 0
	Worst   []Mismatch // the worst mismatches, by how many tolerances they are off
	Problem string     // why got and want could not be compared, if they could not
}

// OK reports whether every element matched.
func (d Diff) OK() bool { return d.Problem == "" && d.Bad == 0 }

// String summarises the comparison, listing the worst mismatches.
func (d Diff) String() string {
	if d.Problem != "" {
		return d.Problem
	}
	var b strings.Builder
	if d.Bad == 0 {
		fmt.Fprintf(&b, "all %d values match", d.Len)
	} else {
		fmt.Fprintf(&b, "%d of %d values of shape %v mismatch", d.Bad, d.Len, d.Shape)
	}
	fmt.Fprintf(&b, " (%v): max abs diff %.3g, max rel err %.3g", d.Tol, d.MaxAbs, d.MaxRel)
	for _, m := range d.Worst {
		fmt.Fprintf(&b, "\n  at %v (flat %d): got %.9g, want %.9g, diff %.3g",
			m.At, m.Index, m.Got, m.Want, math.Abs(m.Got-m.Want))
	}
	return b.String()
}

// Compare checks got against want, both row-major in shape, within tol. It
// never fails a test itself, so it can be tested and reused.
func Compare(shape []int, got, want []float32, tol Tol) Diff {
	return compare(shape, widen(got), widen(want), tol)
}

func widen(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func compare(shape []int, got, want []float64, tol Tol) Diff {
	d := Diff{Shape: shape, Tol: tol, Len: len(want)}
	if len(got) != len(want) {
		d.Problem = fmt.Sprintf("got %d values, want %d", len(got), len(want))
		return d
	}
	if n := numel(shape); n != len(want) {
		d.Problem = fmt.Sprintf("shape %v has %d elements, but %d values were compared", shape, n, len(want))
		return d
	}
	for i := range want {
		g, w := got[i], want[i]
		if g == w || (math.IsNaN(g) && math.IsNaN(w)) {
			continue
		}
		finite := !math.IsInf(w, 0) && !math.IsNaN(w)
		diff := math.Abs(g - w)
		if math.IsNaN(diff) || !finite {
			diff = math.Inf(1)
		}
		d.MaxAbs = math.Max(d.MaxAbs, diff)
		if w != 0 && finite {
			d.MaxRel = math.Max(d.MaxRel, diff/math.Abs(w))
		}
		bound := tol.Abs + tol.Rel*math.Abs(w)
		if finite && diff <= bound {
			continue
		}
		d.Bad++
		excess := math.Inf(1)
		if finite && bound > 0 {
			excess = diff / bound
		}
		d.Worst = append(d.Worst, Mismatch{Index: i, At: unflatten(i, shape), Got: g, Want: w, excess: excess})
		if len(d.Worst) > 2*worstShown {
			d.Worst = worst(d.Worst)
		}
	}
	d.Worst = worst(d.Worst)
	return d
}

// worst keeps the worstShown mismatches that exceed their bound the most,
// earliest first among equals.
func worst(ms []Mismatch) []Mismatch {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].excess > ms[j].excess })
	if len(ms) > worstShown {
		ms = ms[:worstShown]
	}
	return ms
}

func unflatten(i int, shape []int) []int {
	at := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		at[k] = i % shape[k]
		i /= shape[k]
	}
	return at
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
