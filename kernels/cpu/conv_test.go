package cpu_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cpu"
	"github.com/vggo/vggo/kernels/ref"
)

// TestConvGroups checks the convolutions against ref on batches big enough
// that several small images share one sgemm (the conformance suite's
// batches of 1 to 3 images never group), including a last group that is
// not full, and that the Winograd path splits into several chunks of tile
// rows, the last one short.
func TestConvGroups(t *testing.T) {
	conv := func(s, pad int) kernels.Conv {
		return kernels.Conv{StrideH: s, StrideW: s, PadH: pad, PadW: pad, ReLU: true}
	}
	for _, tc := range []struct {
		n, c, h, k, r int
		p             kernels.Conv
		w             int // image width when not h
	}{
		{13, 8, 4, 16, 3, conv(1, 1), 0},
		{16, 5, 2, 7, 3, conv(1, 1), 0},
		{11, 6, 5, 4, 1, conv(1, 0), 0},
		{10, 3, 7, 5, 3, conv(2, 0), 0},
		{40, 8, 12, 8, 3, conv(1, 1), 0},
		{20, 64, 8, 64, 3, conv(1, 1), 0},
		// Rows of 18 tiles: two blocks of the AVX-512 row passes, the
		// second short.
		{2, 8, 9, 8, 3, conv(1, 1), 70},
	} {
		if tc.w == 0 {
			tc.w = tc.h
		}
		t.Run(fmt.Sprintf("n%d_c%d_%dx%d_k%d_r%d_s%d_p%d", tc.n, tc.c, tc.h, tc.w, tc.k, tc.r, tc.p.StrideH, tc.p.PadH), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.n), 3))
			P, Q, err := kernels.ConvOut(tc.h, tc.w, tc.r, tc.r, tc.p)
			require.NoError(t, err)
			fill := func(scale float64, shape ...int) []float32 {
				v := make([]float32, kernels.Numel(shape))
				for i := range v {
					v[i] = float32((2*rng.Float64() - 1) * scale)
				}
				return v
			}
			x := fill(1, tc.n, tc.c, tc.h, tc.w)
			w := fill(math.Sqrt(3/float64(tc.c*tc.r*tc.r)), tc.k, tc.c, tc.r, tc.r)
			b := fill(0.5, tc.k)
			dy := fill(1, tc.n, tc.k, P, Q)
			run := func(o kernels.Ops) (y, dx, dw, db []float32) {
				tensor := func(data []float32, shape ...int) kernels.Tensor {
					tt, err := o.Alloc(shape...)
					require.NoError(t, err)
					if data != nil {
						require.NoError(t, o.CopyIn(tt, data))
					}
					return tt
				}
				xt, wt, bt := tensor(x, tc.n, tc.c, tc.h, tc.w), tensor(w, tc.k, tc.c, tc.r, tc.r), tensor(b, tc.k)
				yt, dyt := tensor(nil, tc.n, tc.k, P, Q), tensor(dy, tc.n, tc.k, P, Q)
				dxt, dwt, dbt := tensor(nil, tc.n, tc.c, tc.h, tc.w), tensor(nil, tc.k, tc.c, tc.r, tc.r), tensor(nil, tc.k)
				require.NoError(t, o.Conv2DForward(xt, wt, bt, yt, tc.p))
				require.NoError(t, o.Conv2DBackwardData(dyt, wt, dxt, tc.p))
				require.NoError(t, o.Conv2DBackwardFilter(xt, dyt, dwt, dbt, tc.p))
				out := func(tt kernels.Tensor) []float32 {
					v := make([]float32, tt.Len())
					require.NoError(t, o.CopyOut(v, tt))
					return v
				}
				return out(yt), out(dxt), out(dwt), out(dbt)
			}
			o, err := cpu.New()
			require.NoError(t, err)
			defer o.Close()
			gy, gdx, gdw, gdb := run(o)
			wy, wdx, wdw, wdb := run(ref.New())
			for _, c := range []struct {
				name      string
				got, want []float32
				abs       float64
			}{{"y", gy, wy, 1e-5}, {"dx", gdx, wdx, 1e-5}, {"dw", gdw, wdw, 1e-4}, {"db", gdb, wdb, 1e-4}} {
				bad := 0
				for i := range c.want {
					if math.Abs(float64(c.got[i]-c.want[i])) > c.abs+1e-4*math.Abs(float64(c.want[i])) {
						bad++
					}
				}
				assert.Zero(t, bad, "%s: %d of %d elements differ from ref", c.name, bad, len(c.want))
			}
		})
	}
}
