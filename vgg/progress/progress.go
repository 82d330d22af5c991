// Package progress shows vgg.Trainer's progress: a live bar with batches,
// images per second and the time left when the output is a terminal, plain
// lines (about ten per epoch) when it is a file or a pipe.
package progress

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/vggo/vggo/vgg"
)

// New returns a bar when w is a terminal, else plain lines.
func New(w io.Writer) vgg.Progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return NewBar(w)
	}
	return NewLines(w)
}

// epochClock measures one epoch's pace from its StartEpoch.
type epochClock struct {
	epoch, batches, done0 int
	start                 time.Time
}

func (c *epochClock) begin(epoch, batches, done int) {
	*c = epochClock{epoch: epoch, batches: batches, done0: done, start: time.Now()}
}

// rate returns images per second and the estimated time left after done
// batches and images since the start.
func (c *epochClock) rate(done, images int) (float64, time.Duration) {
	secs := time.Since(c.start).Seconds()
	if secs <= 0 || done <= c.done0 {
		return 0, 0
	}
	perBatch := secs / float64(done-c.done0)
	eta := time.Duration(perBatch * float64(c.batches-done) * float64(time.Second))
	return float64(images) / secs, eta.Round(time.Second)
}

// Lines prints a line every tenth of an epoch's batches:
//
//	epoch 1: batch 47/469, 1234 img/s, ETA 1m2s
type Lines struct {
	w     io.Writer
	clock epochClock
	every int
}

// NewLines returns a Progress that writes plain lines to w.
func NewLines(w io.Writer) *Lines { return &Lines{w: w} }

// StartEpoch implements vgg.Progress.
func (l *Lines) StartEpoch(epoch, batches, done int) {
	l.clock.begin(epoch, batches, done)
	l.every = max(1, (batches+9)/10)
}

// Batch implements vgg.Progress.
func (l *Lines) Batch(done, images int) {
	if done%l.every != 0 && done != l.clock.batches {
		return
	}
	ips, eta := l.clock.rate(done, images)
	fmt.Fprintf(l.w, "epoch %d: batch %d/%d, %.0f img/s, ETA %s\n", l.clock.epoch, done, l.clock.batches, ips, eta)
}

// EndEpoch implements vgg.Progress.
func (l *Lines) EndEpoch(vgg.EpochStats) {}

// Finish implements vgg.Progress.
func (l *Lines) Finish() {}

// Bar draws a progress bar per epoch that clears itself before the epoch's
// line is printed.
type Bar struct {
	w     io.Writer
	clock epochClock
	bar   *progressbar.ProgressBar
}

// NewBar returns a Progress that draws a bar on w, a terminal.
func NewBar(w io.Writer) *Bar { return &Bar{w: w} }

// StartEpoch implements vgg.Progress.
func (b *Bar) StartEpoch(epoch, batches, done int) {
	b.clock.begin(epoch, batches, done)
	b.bar = progressbar.NewOptions(batches,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(fmt.Sprintf("epoch %d", epoch)),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("batch"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
	)
	if done > 0 {
		_ = b.bar.Set(done)
	}
}

// Batch implements vgg.Progress.
func (b *Bar) Batch(done, images int) {
	if b.bar == nil {
		return
	}
	ips, _ := b.clock.rate(done, images)
	b.bar.Describe(fmt.Sprintf("epoch %d, %.0f img/s", b.clock.epoch, ips))
	_ = b.bar.Set(done)
}

// EndEpoch implements vgg.Progress.
func (b *Bar) EndEpoch(vgg.EpochStats) { b.Finish() }

// Finish implements vgg.Progress: it clears the bar.
func (b *Bar) Finish() {
	if b.bar != nil {
		_ = b.bar.Clear()
		b.bar = nil
	}
}
