package cuda

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
