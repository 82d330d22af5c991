package vgg

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
)

// memProbe samples the process's memory after each epoch.
type memProbe struct {
	rss, heap []int64
}

func (p *memProbe) StartEpoch(int, int, int) {}
func (p *memProbe) Batch(int, int)           {}
func (p *memProbe) Finish()                  {}
func (p *memProbe) EndEpoch(EpochStats) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.heap = append(p.heap, int64(ms.HeapInuse))
	p.rss = append(p.rss, residentBytes())
}

// TestMemoryIsSteady trains several epochs with checkpoints and metrics and
// checks that memory stops growing after the first epoch, which allocates
// every buffer (per batch size, the last partial batch included). The Go
// heap after a GC is the precise check: it must stay within 256 KiB of
// epoch 2's, since scratch slices and checkpoint buffers are reused and only
// transient garbage differs. RSS moves up and down by several MiB as the
// runtime returns freed pages to the OS, so it only must not rise more than
// 8 MiB above its level in the first two epochs; re-allocating one batch's
// activations and gradients every step would add about 1 MiB per step here.
func TestMemoryIsSteady(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 8 epochs")
	}
	net, err := VGG(Arch{{1, 16}, {1, 32}}, Hidden(64), Classes(4))
	require.NoError(t, err)
	probe := &memProbe{}
	tr := Trainer{Device: device.CPU(), LR: 0.05, Epochs: 8, BatchSize: 30, Seed: 1,
		Checkpoint: t.TempDir(), Metrics: &discard{}, Progress: probe}
	_, err = tr.Fit(net, blobs(200, 16, 1), blobs(50, 16, 2))
	require.NoError(t, err)
	t.Logf("heap in use after each epoch (KiB): %v", kib(probe.heap))
	t.Logf("RSS after each epoch (KiB): %v", kib(probe.rss))
	early := max(probe.rss[0], probe.rss[1])
	for e := 2; e < len(probe.heap); e++ {
		assert.InDelta(t, probe.heap[1], probe.heap[e], 256<<10, "heap after epoch %d", e+1)
		assert.LessOrEqual(t, probe.rss[e], early+8<<20, "RSS after epoch %d", e+1)
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func kib(xs []int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = x >> 10
	}
	return out
}
