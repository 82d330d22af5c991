package kernels

// DropKeep reports whether element i survives dropout with the given rate and
// seed. It is a counter-based generator (a splitmix64 finalizer over seed and
// index), so every backend, CPU or GPU, draws the same mask with no state to
// carry between calls. The CUDA kernel in kernels/cuda/dropout.cu implements the
// same function; a conformance test compares them.
func DropKeep(seed uint64, i int, rate float32) bool {
	return DropUniform(seed, i) >= rate
}

// DropUniform is the uniform [0,1) number behind DropKeep: 24 random bits of
// mix(seed, i) scaled by 2^-24, exact in float32.
//
// The index enters linearly (seed + (i+1)·γ), so seeds that differ by a
// multiple of γ give shifted copies of one mask: derive per-step seeds with
// StepSeed, never as seed + step·γ.
func DropUniform(seed uint64, i int) float32 {
	return float32(DropBits(seed, i)) * (1.0 / (1 << 24))
}

// DropBits is the 24-bit integer behind DropUniform: the top 24 bits of
// mix(seed + (i+1)·γ).
func DropBits(seed uint64, i int) uint32 {
	return uint32(mix64(seed+uint64(i+1)*0x9E3779B97F4A7C15) >> 40)
}

// StepSeed is the seed of a dropout layer's mask at a training step: the
// splitmix64 finalizer of seed XOR splitmix64(step). The step is mixed
// non-linearly, so the masks of consecutive steps are unrelated (with
// seed + step·γ, DropUniform's linear index term would make step s+1's mask
// at i equal step s's at i+1). It is a pure function of its arguments, so a
// run stays reproducible from its seed and step count.
func StepSeed(seed, step uint64) uint64 {
	return mix64(seed ^ mix64(step+0x9E3779B97F4A7C15))
}

// mix64 is splitmix64's finalizer.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}
