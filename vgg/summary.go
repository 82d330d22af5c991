package vgg

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/vggo/vggo/kernels"
)

// SummaryRow is one layer of a Summary.
type SummaryRow struct {
	Name   string // the layer's name ("block1.conv0", "dense0", ...)
	Module string // its PyTorch module ("features.0"), when it has parameters
	Kind   string // what it computes ("conv 3x3 s1 p1 +relu", "maxpool 2x2 s2", ...)
	Out    []int  // output shape for one image, (1,C,H,W) or (1,F)
	Params int64  // trainable values
	FLOPs  int64  // forward floating-point operations for one image (a multiply-add is 2)
	Act    int64  // bytes of the output for one image (float32)
}

// Summary is a per-layer account of a network's size and cost for one input
// shape: output shapes, parameters, forward FLOPs and activation memory.
//
// FLOPs count a multiply-add as two operations: 2·K·C·R·S·P·Q for a
// convolution, 2·In·Out for a dense layer. Bias additions, ReLU, the max
// pool's comparisons and dropout are not counted (they are under 1% of a
// VGG's total). Activation memory is the float32 output each layer keeps for
// the backward pass.
type Summary struct {
	Input  []int // the sample shape (C,H,W)
	Batch  int   // the batch size the "at batch" column is for
	Rows   []SummaryRow
	Params int64 // totals over Rows
	FLOPs  int64
	Act    int64
}

// Summary walks the network's layers (down to the convolutions and pools
// inside blocks) for samples of shape (C,H,W) and a batch size. It needs no
// Build and allocates no tensors, so it is instant even for full-width VGG-19.
// Counts that would overflow int64 are a *SizeError.
func (n *Network) Summary(sample []int, batch int) (*Summary, error) {
	if len(sample) != 3 || kernels.Numel(sample) <= 0 {
		return nil, fmt.Errorf("vgg: Summary: sample shape %s must be (C,H,W) with positive sizes", kernels.ShapeString(sample))
	}
	if batch <= 0 {
		return nil, fmt.Errorf("vgg: Summary: batch size %d must be > 0", batch)
	}
	if err := n.checkShape(sample); err != nil {
		return nil, err
	}
	s, err := n.costs(sample, nil)
	if err != nil {
		return nil, err
	}
	s.Batch = batch
	return s, nil
}

// costs is Summary without the batch size: every count is computed in
// int64 with overflow checks, and an overflow is an error naming the layer.
// A non-nil check sees each row as it is made and may stop the walk.
func (n *Network) costs(sample []int, check func(SummaryRow) error) (*Summary, error) {
	s := &Summary{Input: append([]int(nil), sample...), Batch: 1}
	in := append([]int{1}, sample...)
	if _, err := summarize(s, n.seq.layers, in, check); err != nil {
		return nil, err
	}
	var ok [3]bool
	for _, r := range s.Rows {
		s.Params, ok[0] = add64(s.Params, r.Params)
		s.FLOPs, ok[1] = add64(s.FLOPs, r.FLOPs)
		s.Act, ok[2] = add64(s.Act, r.Act)
		if !ok[0] || !ok[1] || !ok[2] {
			return nil, &SizeError{Sample: s.Input, Overflow: true, Lower: lowerAll()}
		}
	}
	return s, nil
}

// mul64 is the product of non-negative xs, and false when it overflows.
func mul64(xs ...int64) (int64, bool) {
	p := int64(1)
	for _, x := range xs {
		if x < 0 || (x > 0 && p > math.MaxInt64/x) {
			return 0, false
		}
		p *= x
	}
	return p, true
}

// add64 is a+b for non-negative a and b, and false when it overflows.
func add64(a, b int64) (int64, bool) {
	if a < 0 || b < 0 || a > math.MaxInt64-b {
		return 0, false
	}
	return a + b, true
}

// summarize appends a row per leaf layer and returns the output shape;
// check, when not nil, vets each row first.
func summarize(s *Summary, layers []Layer, in []int, check func(SummaryRow) error) ([]int, error) {
	for _, l := range layers {
		if seq, ok := l.(*Sequential); ok {
			var err error
			if in, err = summarize(s, seq.layers, in, check); err != nil {
				return nil, err
			}
			continue
		}
		out, err := l.OutShape(in)
		if err != nil {
			return nil, err
		}
		dims := make([]int64, len(out)+1)
		dims[0] = 4
		for i, d := range out {
			dims[i+1] = int64(d)
		}
		act, ok := mul64(dims...)
		row := SummaryRow{Name: l.Name(), Out: out, Act: act}
		overflow := !ok
		switch l := l.(type) {
		case *Conv2D:
			k, c, r := int64(l.Channels), int64(in[1]), int64(l.Kernel)
			row.Module = l.prefix
			row.Kind = fmt.Sprintf("conv %dx%d s%d p%d", l.Kernel, l.Kernel, l.Stride, l.Padding)
			if l.ReLU {
				row.Kind += " +relu"
			}
			w, ok1 := mul64(k, c, r, r)
			p, ok2 := add64(w, k)
			f, ok3 := mul64(2, w, int64(out[2]), int64(out[3]))
			row.Params, row.FLOPs = p, f
			overflow = overflow || !ok1 || !ok2 || !ok3
		case *MaxPool2D:
			row.Kind = fmt.Sprintf("maxpool %dx%d s%d", l.Size, l.Size, l.Stride)
		case *Dense:
			fin, ok0 := int64(1), true
			for _, d := range in[1:] {
				if fin, ok0 = mul64(fin, int64(d)); !ok0 {
					break
				}
			}
			row.Module = l.prefix
			row.Kind = "dense"
			if l.ReLU {
				row.Kind += " +relu"
			}
			w, ok1 := mul64(fin, int64(l.Units))
			p, ok2 := add64(w, int64(l.Units))
			f, ok3 := mul64(2, w)
			row.Params, row.FLOPs = p, f
			overflow = overflow || !ok0 || !ok1 || !ok2 || !ok3
		case *Dropout:
			row.Kind = fmt.Sprintf("dropout %g", l.Rate)
		case *Flatten:
			row.Kind = "flatten (a view)"
			row.Act = 0
		default:
			row.Kind = fmt.Sprintf("%T", l)
		}
		if overflow {
			return nil, &SizeError{Sample: s.Input, Layer: l.Name(), Overflow: true, Lower: lowerFor(row.Kind)}
		}
		if check != nil {
			if err := check(row); err != nil {
				return nil, err
			}
		}
		s.Rows = append(s.Rows, row)
		in = out
	}
	return in, nil
}

// String is the summary as an aligned table with totals.
func (s *Summary) String() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "layer\tmodule\tkind\toutput\tparams\tMFLOPs\tact/image\tact@%d\t\n", s.Batch)
	for _, r := range s.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Name, r.Module, r.Kind, kernels.ShapeString(r.Out),
			count(r.Params), mflops(r.FLOPs), bytesize(r.Act), bytesizeTimes(r.Act, s.Batch))
	}
	fmt.Fprintf(tw, "total\t\t\t\t%s\t%s\t%s\t%s\t\n", count(s.Params), mflops(s.FLOPs), bytesize(s.Act), bytesizeTimes(s.Act, s.Batch))
	tw.Flush()
	fmt.Fprintf(&b, "input %s; %s parameters (%s as float32); %.2f GFLOPs forward per image (a multiply-add is 2; bias, ReLU, pooling and dropout not counted); training costs about 3x the forward FLOPs\n",
		kernels.ShapeString(s.Input), count(s.Params), bytesizeTimes(s.Params, 4), float64(s.FLOPs)/1e9)
	return b.String()
}

// Compare explains, from the numbers, why one network costs more than
// another (for example VGG-11 against AlexNet on the same input).
func (s *Summary) Compare(name string, other *Summary, otherName string) string {
	if other == nil || len(s.Rows) == 0 || len(other.Rows) == 0 {
		return fmt.Sprintf("%s vs %s: nothing to compare, a network has no layers\n", name, otherName)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s vs %s on %s inputs:\n", name, otherName, kernels.ShapeString(s.Input))
	fmt.Fprintf(&b, "  forward FLOPs  %8.2f G vs %8.2f G  (%.1fx)\n", float64(s.FLOPs)/1e9, float64(other.FLOPs)/1e9, ratio(s.FLOPs, other.FLOPs))
	fmt.Fprintf(&b, "  parameters     %8.1f M vs %8.1f M  (%.1fx)\n", float64(s.Params)/1e6, float64(other.Params)/1e6, ratio(s.Params, other.Params))
	fmt.Fprintf(&b, "  activations    %10s vs %10s  (%.1fx per image)\n", bytesize(s.Act), bytesize(other.Act), ratio(s.Act, other.Act))
	convs := func(x *Summary) (n int, flops int64) {
		for _, r := range x.Rows {
			if strings.HasPrefix(r.Kind, "conv") {
				n++
				flops += r.FLOPs
			}
		}
		return n, flops
	}
	n1, f1 := convs(s)
	n2, f2 := convs(other)
	first := func(x *Summary) SummaryRow { return x.Rows[0] }
	fmt.Fprintf(&b, "Why: %s has %d convolutions doing %.0f%% of its FLOPs, %s %d doing %.0f%%. ",
		name, n1, 100*ratio(f1, s.FLOPs), otherName, n2, 100*ratio(f2, other.FLOPs))
	fmt.Fprintf(&b, "%s's first layer keeps the full resolution (%s out), while %s's first (%s) shrinks the image at once (%s out), so every later layer of %s works on far fewer positions. ",
		name, kernels.ShapeString(first(s).Out), otherName, first(other).Kind, kernels.ShapeString(first(other).Out), otherName)
	top := slices.Clone(s.Rows)
	slices.SortStableFunc(top, func(a, b SummaryRow) int { return cmp.Compare(b.FLOPs, a.FLOPs) })
	fmt.Fprintf(&b, "%s's costliest layers are", name)
	for i, r := range top[:min(3, len(top))] {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %s (%s, %.2f GFLOPs)", sep, r.Name, kernels.ShapeString(r.Out), float64(r.FLOPs)/1e9)
	}
	big := slices.Clone(s.Rows)
	slices.SortStableFunc(big, func(a, b SummaryRow) int { return cmp.Compare(b.Params, a.Params) })
	fmt.Fprintf(&b, ". Most parameters sit in %s (%.1f M, %s in, %s out).\n",
		big[0].Name, float64(big[0].Params)/1e6, rowBefore(s, big[0].Name), kernels.ShapeString(big[0].Out))
	return b.String()
}

// rowBefore is the output shape of the row before name.
func rowBefore(s *Summary, name string) string {
	for i, r := range s.Rows {
		if r.Name == name && i > 0 {
			return kernels.ShapeString(s.Rows[i-1].Out)
		}
	}
	return kernels.ShapeString(s.Input)
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// count formats a parameter count with thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func mflops(f int64) string { return fmt.Sprintf("%.1f", float64(f)/1e6) }

// bytesizeTimes formats n*k bytes, computed in float64 so that it cannot
// overflow.
func bytesizeTimes(n int64, k int) string {
	if p, ok := mul64(n, int64(k)); ok {
		return bytesize(p)
	}
	return fmt.Sprintf("%.3g GiB", float64(n)*float64(k)/(1<<30))
}

// bytesize formats bytes in KiB, MiB or GiB.
func bytesize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
