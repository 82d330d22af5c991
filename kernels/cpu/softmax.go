package cpu

import (
	"math"

	"github.com/vggo/vggo/kernels"
)

// SoftmaxCrossEntropy implements kernels.Ops: the mean over rows of
// -log softmax(logits)[label] (max-shifted, in float64), the count of rows
// whose first arg-max is the label, and, when dlogits is not nil,
// (softmax - onehot)/N. Labels are all checked before anything is written.
// logits and dlogits are (N,K); labels is (N).
func (b *Backend) SoftmaxCrossEntropy(logits, labels, dlogits kernels.Tensor) (float64, int, error) {
	const op = "SoftmaxCrossEntropy"
	n, k, err := kernels.CheckSoftmax(op, logits, labels, dlogits)
	if err != nil {
		return 0, 0, err
	}
	ld, lbd, err := views2(op, "logits", "labels", logits, labels)
	if err != nil {
		return 0, 0, err
	}
	var dld []float32
	if dlogits != nil {
		if dld, err = view(op, "dlogits", dlogits); err != nil {
			return 0, 0, err
		}
	}
	for i := 0; i < n; i++ {
		if _, err := kernels.CheckLabel(op, i, lbd[i], k); err != nil {
			return 0, 0, err
		}
	}
	loss, correct := 0.0, 0
	for i := 0; i < n; i++ {
		row := ld[i*k : (i+1)*k]
		label := int(lbd[i])
		arg := 0
		for j, z := range row {
			if z > row[arg] {
				arg = j
			}
		}
		m := float64(row[arg])
		sum := 0.0
		for _, z := range row {
			sum += math.Exp(float64(z) - m)
		}
		loss += m + math.Log(sum) - float64(row[label])
		if arg == label {
			correct++
		}
		if dld == nil {
			continue
		}
		out := dld[i*k : (i+1)*k]
		for j, z := range row {
			g := math.Exp(float64(z)-m) / sum
			if j == label {
				g--
			}
			out[j] = float32(g / float64(n))
		}
	}
	return loss / float64(n), correct, nil
}
