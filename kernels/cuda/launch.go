package cuda

import "fmt"

// Launch geometry of the project's grid-stride kernels.
const (
	blockSize = 256
	// blocksPerSM is enough resident blocks to hide memory latency.
	blocksPerSM = 16
)

// gridFor is the number of blocks for n elements: one thread per element,
// capped at blocksPerSM blocks per multiprocessor (the kernels loop).
func gridFor(n int64, sms int) uint32 {
	g := (n + blockSize - 1) / blockSize
	if lim := int64(max(sms, 1) * blocksPerSM); g > lim {
		g = lim
	}
	return uint32(max(g, 1))
}

// biasBackwardBlock is vgg_bias_backward's block size. Its tree sum halves
// the active threads each step, so the block must be a power of two, and it
// sums into a shared double[maxBiasBackwardBlock].
const (
	biasBackwardBlock    = 256
	maxBiasBackwardBlock = 1024
	// maxGridX is the largest gridDim.x of every CUDA device (2^31-1).
	maxGridX = 1<<31 - 1
)

// biasBackwardGrid returns vgg_bias_backward's launch for k channels with
// blocks of block threads: one block per channel (gridDim.x == K), and
// block a power of two no larger than 1024, which the kernel's tree sum
// needs to add every partial sum exactly once. Anything else is an error,
// never a launch.
func biasBackwardGrid(k, block int) (grid, threads uint32, err error) {
	switch {
	case k < 1 || k > maxGridX:
		return 0, 0, fmt.Errorf("cuda: vgg_bias_backward over %d channels: need 1 to %d (one block per channel)", k, maxGridX)
	case block < 1 || block > maxBiasBackwardBlock || block&(block-1) != 0:
		return 0, 0, fmt.Errorf("cuda: vgg_bias_backward with %d threads per block: its tree sum needs a power of two up to %d", block, maxBiasBackwardBlock)
	}
	return uint32(k), uint32(block), nil
}

// vgg_softmax_xent's launch: blocks of xentBlock threads (VGG_XENT_BLOCK in
// softmax.cu, a power of two for its tree sum), at most xentMaxBlocks of
// them (the rows are grid-strided), each writing three partial sums.
const (
	xentBlock     = 128
	xentMaxBlocks = 64
	// xentSlots is the number of doubles the partial sums take.
	xentSlots = 3 * xentMaxBlocks
)

// xentGrid is vgg_softmax_xent's block count for n rows: one row per
// thread up to xentMaxBlocks blocks. It depends on n alone, so a batch
// size gives the same summation order on every run.
func xentGrid(n int) uint32 {
	return uint32(min(max((n+xentBlock-1)/xentBlock, 1), xentMaxBlocks))
}

// sumXent adds vgg_softmax_xent's per-block partial sums (loss, correct,
// bad labels for each block) in block order.
func sumXent(parts []float64) [3]float64 {
	var out [3]float64
	for i, v := range parts {
		out[i%3] += v
	}
	return out
}
