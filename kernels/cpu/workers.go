package cpu

import (
	"sync"
	"sync/atomic"
)

// task is work split into numbered pieces; do runs piece i on worker w
// (0 <= w < workers), so scratch memory can be indexed by w.
type task interface {
	do(w, i int)
}

// workers is a fixed set of goroutines that run a task's pieces. The calling
// goroutine is worker 0 and helps, so an op on n workers uses n-1 helper
// goroutines. Pieces are handed out one at a time from a shared counter.
// Running a task allocates nothing: the task is a pointer to a struct the
// backend owns, and the helpers wait on channels made once.
type workers struct {
	n     int
	wake  []chan struct{}
	done  sync.WaitGroup
	t     task
	count int
	next  atomic.Int64
}

func newWorkers(n int) *workers {
	p := &workers{n: max(n, 1)}
	for w := 1; w < p.n; w++ {
		ch := make(chan struct{})
		p.wake = append(p.wake, ch)
		go p.loop(w, ch)
	}
	return p
}

func (p *workers) loop(w int, wake chan struct{}) {
	for range wake {
		p.work(w)
		p.done.Done()
	}
}

func (p *workers) work(w int) {
	for {
		i := int(p.next.Add(1)) - 1
		if i >= p.count {
			return
		}
		p.t.do(w, i)
	}
}

// run calls t.do for every piece 0..count-1 and returns when all are done.
func (p *workers) run(t task, count int) {
	if count <= 0 {
		return
	}
	helpers := min(p.n, count) - 1
	if helpers == 0 {
		for i := range count {
			t.do(0, i)
		}
		return
	}
	p.t, p.count = t, count
	p.next.Store(0)
	p.done.Add(helpers)
	for w := range helpers {
		p.wake[w] <- struct{}{}
	}
	p.work(0)
	p.done.Wait()
	p.t = nil
}

// close stops the helper goroutines.
func (p *workers) close() {
	for _, ch := range p.wake {
		close(ch)
	}
	p.wake = nil
}

// span returns piece i of [0, total) split into parts contiguous ranges.
func span(total, parts, i int) (lo, hi int) {
	return total * i / parts, total * (i + 1) / parts
}
