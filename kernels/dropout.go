package kernels

// DropKeep reports whether element i survives dropout with the given rate and
// seed. It is a counter-based generator (a splitmix64 finalizer over seed and
// index), so every backend, CPU or GPU, draws the same mask with no state to
// carry between calls. The CUDA kernel in kernels/dropout.cu implements the
// same function; a conformance test compares them.
func DropKeep(seed uint64, i int, rate float32) bool {
	return DropUniform(seed, i) >= rate
}

// DropUniform is the uniform [0,1) number behind DropKeep: 24 random bits of
// mix(seed, i) scaled by 2^-24, exact in float32.
func DropUniform(seed uint64, i int) float32 {
	z := seed + uint64(i+1)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	z ^= z >> 31
	return float32(z>>40) * (1.0 / (1 << 24))
}
