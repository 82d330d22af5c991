package cuda

// Stats counts what the backend did that matters for speed, for tests and
// benchmarks: in a steady training step Allocs stays put and StreamSyncs
// grows by one (the loss read-back).
type Stats struct {
	// Allocs and Frees count device allocations (tensors, workspaces).
	Allocs, Frees int
	// StreamSyncs counts waits for the whole stream (cuStreamSynchronize).
	StreamSyncs int
	// StagingWaits counts waits for a pinned staging buffer to be free again
	// (cuEventSynchronize on the copy that last read it); they return at
	// once unless the host runs more than a batch ahead.
	StagingWaits int
	// Launches counts kernel launches of the project's own kernels.
	Launches int
}
