package fashionmnist

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// epochBatches runs one epoch and returns copies of its batches.
func epochBatches(t *testing.T, l *Loader, epoch int) []Batch {
	t.Helper()
	l.Reset(epoch)
	var out []Batch
	for l.Next() {
		b := l.Batch()
		out = append(out, Batch{
			Images:  slices.Clone(b.Images),
			Labels:  slices.Clone(b.Labels),
			Classes: slices.Clone(b.Classes),
			Index:   slices.Clone(b.Index),
			N:       b.N,
			Size:    b.Size,
		})
	}
	require.False(t, l.Next(), "Next after the end of an epoch")
	return out
}

func TestLoaderBatches(t *testing.T) {
	set := newFixture(1, 23, 28, 28).set()
	tests := []struct {
		name      string
		cfg       LoaderConfig
		wantSizes []int
	}{
		{"no shuffle, no resize", LoaderConfig{BatchSize: 10}, []int{10, 10, 3}},
		{"shuffle, resize 32", LoaderConfig{BatchSize: 10, Size: 32, Shuffle: true, Seed: 7}, []int{10, 10, 3}},
		{"batch larger than set", LoaderConfig{BatchSize: 100, Size: 14}, []int{23}},
		{"exact fit", LoaderConfig{BatchSize: 23, Size: 5, Shuffle: true}, []int{23}},
		{"batch of one, 2 workers", LoaderConfig{BatchSize: 1, Size: 7, Workers: 2}, slices.Repeat([]int{1}, 23)},
		{"3 workers", LoaderConfig{BatchSize: 8, Size: 40, Shuffle: true, Workers: 3}, []int{8, 8, 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := NewLoader(set, tc.cfg)
			require.NoError(t, err)
			defer l.Close()
			size := tc.cfg.Size
			if size == 0 {
				size = 28
			}
			assert.Equal(t, size, l.Size())
			assert.Equal(t, 23, l.Len())
			assert.Equal(t, len(tc.wantSizes), l.NumBatches())

			rz, err := NewResizer(28, 28, size, size)
			require.NoError(t, err)
			want := make([]float32, size*size)
			var seen []int
			batches := epochBatches(t, l, 0)
			require.Len(t, batches, len(tc.wantSizes))
			for bi, b := range batches {
				require.Equal(t, tc.wantSizes[bi], b.N)
				assert.Equal(t, [4]int{b.N, 1, size, size}, b.Shape())
				require.Len(t, b.Images, b.N*size*size)
				require.Len(t, b.Labels, b.N)
				require.Len(t, b.Classes, b.N)
				require.Len(t, b.Index, b.N)
				for i, k := range b.Index {
					assert.Equal(t, set.Labels[k], b.Classes[i])
					assert.Equal(t, float32(set.Labels[k]), b.Labels[i])
					rz.Resize(want, set.Image(k))
					require.Equal(t, want, b.Images[i*size*size:(i+1)*size*size], "batch %d image %d", bi, i)
				}
				seen = append(seen, b.Index...)
			}
			if tc.cfg.Shuffle {
				assert.False(t, slices.IsSorted(seen), "shuffled order")
			} else {
				assert.True(t, slices.IsSorted(seen), "file order")
			}
			slices.Sort(seen)
			assert.Equal(t, identity(23), seen, "every image exactly once")
		})
	}
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func TestLoaderShuffleIsDeterministic(t *testing.T) {
	set := newFixture(2, 1000, 2, 2).set()
	newL := func(seed uint64) *Loader {
		l, err := NewLoader(set, LoaderConfig{BatchSize: 64, Shuffle: true, Seed: seed})
		require.NoError(t, err)
		return l
	}
	order := func(l *Loader, epoch int) []int {
		l.Reset(epoch)
		return slices.Clone(l.Order())
	}
	a, b := newL(42), newL(42)

	// Epoch 3 is the same whether or not other epochs ran before it.
	e3 := order(a, 3)
	order(b, 0)
	order(b, 1)
	assert.Equal(t, e3, order(b, 3))
	assert.Equal(t, e3, order(a, 3), "Reset to the same epoch again")

	// It is what rand.Shuffle with PCG(seed, epoch) gives.
	ref := identity(1000)
	rand.New(rand.NewPCG(42, 3)).Shuffle(len(ref), func(i, j int) { ref[i], ref[j] = ref[j], ref[i] })
	assert.Equal(t, ref, e3)

	for _, other := range [][]int{order(a, 4), order(a, 0), order(newL(43), 3)} {
		assert.NotEqual(t, e3, other)
	}
	for epoch := range 5 {
		p := order(a, epoch)
		assert.NotEqual(t, identity(1000), p)
		slices.Sort(p)
		assert.Equal(t, identity(1000), p, "epoch %d is a permutation", epoch)
	}

	// The batches follow the order.
	batches := epochBatches(t, a, 3)
	var idx []int
	for _, bt := range batches {
		idx = append(idx, bt.Index...)
	}
	assert.Equal(t, e3, idx)
}

func TestLoaderWorkersGiveSameBatches(t *testing.T) {
	set := newFixture(3, 50, 28, 28).set()
	var runs [][]Batch
	for _, w := range []int{0, 1, 2, 5} {
		l, err := NewLoader(set, LoaderConfig{BatchSize: 16, Size: 36, Shuffle: true, Seed: 1, Workers: w})
		require.NoError(t, err)
		runs = append(runs, epochBatches(t, l, 2))
		require.NoError(t, l.Close())
		require.NoError(t, l.Close(), "Close twice")
		assert.Equal(t, runs[0], epochBatches(t, l, 2), "after Close")
	}
	for _, r := range runs[1:] {
		assert.Equal(t, runs[0], r)
	}
}

func TestLoaderAllocationFree(t *testing.T) {
	set := newFixture(4, 40, 28, 28).set()
	for _, w := range []int{1, 2} {
		l, err := NewLoader(set, LoaderConfig{BatchSize: 16, Size: 56, Shuffle: true, Seed: 9, Workers: w})
		require.NoError(t, err)
		epoch := 0
		step := func() {
			if !l.Next() {
				epoch++
				l.Reset(epoch)
				l.Next()
			}
		}
		step() // warm up
		allocs := testing.AllocsPerRun(50, step)
		assert.Zero(t, allocs, "allocations per batch with %d workers", w)
		require.NoError(t, l.Close())
	}
}

func TestNewLoaderErrors(t *testing.T) {
	good := newFixture(5, 4, 28, 28).set()
	tests := []struct {
		name string
		set  *Set
		cfg  LoaderConfig
		want string
	}{
		{"nil set", nil, LoaderConfig{BatchSize: 1}, "nil Set"},
		{"empty set", &Set{Rows: 28, Cols: 28}, LoaderConfig{BatchSize: 1}, "all must be positive"},
		{"short images", &Set{Images: make([]uint8, 10), Labels: make([]uint8, 1), N: 1, Rows: 28, Cols: 28}, LoaderConfig{BatchSize: 1}, "10 image bytes"},
		{"short labels", &Set{Images: make([]uint8, 784), N: 1, Rows: 28, Cols: 28}, LoaderConfig{BatchSize: 1}, "0 labels for N=1"},
		{"batch size 0", good, LoaderConfig{}, "batch size 0"},
		{"negative workers", good, LoaderConfig{BatchSize: 1, Workers: -1}, "-1 workers"},
		{"negative size", good, LoaderConfig{BatchSize: 1, Size: -3}, "negative"},
		{"not square", &Set{Images: make([]uint8, 6), Labels: make([]uint8, 1), N: 1, Rows: 2, Cols: 3}, LoaderConfig{BatchSize: 1}, "not square"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewLoader(tc.set, tc.cfg)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func BenchmarkLoaderEpoch224(b *testing.B) {
	set := newFixture(6, 256, 28, 28).set()
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			l, err := NewLoader(set, LoaderConfig{BatchSize: 128, Size: 224, Shuffle: true, Workers: w})
			require.NoError(b, err)
			defer l.Close()
			epoch := 0
			for b.Loop() {
				l.Reset(epoch)
				for l.Next() {
				}
				epoch++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*set.N), "ns/image")
		})
	}
}

// A Dataset serves the same batches as a Loader with the same seed.
func TestDatasetMatchesLoader(t *testing.T) {
	set := newFixture(7, 37, 28, 28).set()
	for _, shuffle := range []bool{false, true} {
		l, err := NewLoader(set, LoaderConfig{BatchSize: 16, Size: 32, Shuffle: shuffle, Seed: 5})
		require.NoError(t, err)
		d, err := NewDataset(set, 32, shuffle, 5)
		require.NoError(t, err)
		x := make([]float32, 16*32*32)
		labels := make([]float32, 16)
		for _, epoch := range []int{2, 0, 2} {
			for i, b := range epochBatches(t, l, epoch) {
				n, err := d.Batch(epoch, i, 16, x, labels)
				require.NoError(t, err)
				require.Equal(t, b.N, n)
				require.Equal(t, b.Images, x[:n*32*32], "shuffle %v epoch %d batch %d", shuffle, epoch, i)
				require.Equal(t, b.Labels, labels[:n])
			}
		}
	}
}
