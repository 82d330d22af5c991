package ref

import (
	"math"

	"github.com/vggo/vggo/kernels"
)

// SoftmaxCrossEntropy implements kernels.Ops. For each row n, with
// m = max_j logits[n,j] and lse = m + log Σ_j exp(logits[n,j] - m):
//
//	loss       = (1/N) Σ_n (lse - logits[n,label[n]])
//	correct    = #{n : the first j with logits[n,j] = m is label[n]}
//	dlogits[n,j] = (exp(logits[n,j] - m) / Σ_j exp(logits[n,j] - m) - [j = label[n]]) / N
//
// all in float64; dlogits is skipped when nil. Every label is validated
// before anything is written. logits and dlogits are (N,K); labels is (N).
func (*Backend) SoftmaxCrossEntropy(logits, labels, dlogits kernels.Tensor) (float64, int, error) {
	const op = "SoftmaxCrossEntropy"
	n, k, err := kernels.CheckSoftmax(op, logits, labels, dlogits)
	if err != nil {
		return 0, 0, err
	}
	v, err := views(op, []string{"logits", "labels"}, logits, labels)
	if err != nil {
		return 0, 0, err
	}
	ld, lbd := v[0], v[1]
	var dld []float32
	if dlogits != nil {
		if dld, err = kernels.HostView(op, "dlogits", dlogits); err != nil {
			return 0, 0, err
		}
	}
	cls := make([]int, n)
	for i := range cls {
		if cls[i], err = kernels.CheckLabel(op, i, lbd[i], k); err != nil {
			return 0, 0, err
		}
	}
	loss, correct := 0.0, 0
	for i := 0; i < n; i++ {
		row := ld[i*k : (i+1)*k]
		arg := 0
		for j := range row {
			if row[j] > row[arg] {
				arg = j
			}
		}
		m := float64(row[arg])
		sum := 0.0
		for _, z := range row {
			sum += math.Exp(float64(z) - m)
		}
		loss += m + math.Log(sum) - float64(row[cls[i]])
		if arg == cls[i] {
			correct++
		}
		if dld == nil {
			continue
		}
		for j, z := range row {
			g := math.Exp(float64(z)-m) / sum
			if j == cls[i] {
				g--
			}
			dld[i*k+j] = float32(g / float64(n))
		}
	}
	return loss / float64(n), correct, nil
}
