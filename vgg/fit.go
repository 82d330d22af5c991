package vgg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
)

// Fit trains net on train for t.Epochs epochs, reporting test accuracy after
// each, and returns the history (including epochs done before a resume). An
// unbuilt net is built on the trainer's device for train's sample shape.
func (t Trainer) Fit(net *Network, train, test Dataset) (History, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if train == nil || test == nil || train.Len() == 0 || test.Len() == 0 {
		return nil, errors.New("vgg: Fit needs non-empty training and test sets")
	}
	if !kernels.SameShape(train.SampleShape(), test.SampleShape()) {
		return nil, fmt.Errorf("vgg: training samples %s and test samples %s differ in shape",
			kernels.ShapeString(train.SampleShape()), kernels.ShapeString(test.SampleShape()))
	}
	if t.Checkpoint != "" {
		if err := os.MkdirAll(t.Checkpoint, 0o755); err != nil {
			return nil, fmt.Errorf("vgg: checkpoint directory: %w", err)
		}
	}
	dev := t.Device
	if dev == nil {
		// A network built before (by an earlier Fit, say) stays on its
		// device; TryGPU opens a new one each call, which Build would
		// refuse as another device.
		if dev = net.Device(); dev == nil {
			dev = device.TryGPU()
		}
	}
	if err := net.Build(dev, train.SampleShape(), t.Seed); err != nil {
		return nil, err
	}
	r := &fitRun{Trainer: t, net: net, sc: &hostScratch{}}
	if r.Context == nil {
		r.Context = context.Background()
	}
	if r.Progress != nil {
		defer r.Progress.Finish()
	}
	return r.fit(dev, train, test)
}

// fitRun is one Fit's working state.
type fitRun struct {
	Trainer
	net       *Network
	state     TrainState
	startStep int // state.Step when this Fit started
	sc        *hostScratch
}

func (r *fitRun) printf(format string, args ...any) {
	if r.Out != nil {
		fmt.Fprintf(r.Out, format, args...)
	}
}

func (r *fitRun) fit(dev *device.Device, train, test Dataset) (History, error) {
	r.printf("training on %s\n", dev)
	batches := numBatches(train.Len(), r.BatchSize)
	r.state = TrainState{Seed: r.Seed}
	if r.Resume {
		// Check the run against the checkpoint's state before its weights
		// replace the network's.
		st, err := ReadTrainState(r.CheckpointPath())
		if err != nil {
			return nil, err
		}
		if err := r.checkResume(st, batches, train); err != nil {
			return nil, err
		}
		if st, err = r.net.loadCheckpoint(r.CheckpointPath(), r.sc); err != nil {
			return nil, err
		}
		if st == nil {
			return nil, fmt.Errorf("vgg: %s holds weights but no training state: it cannot be resumed", r.CheckpointPath())
		}
		r.state = *st
		r.printf("resuming from %s: %d epochs and %d batches done\n", r.CheckpointPath(), st.Epoch, st.Batch)
		if st.LR != r.LR {
			r.printf("learning rate %v (the checkpoint was trained with %v)\n", r.LR, st.LR)
		}
		if st.Epoch >= r.Epochs {
			r.printf("the checkpoint has %d epochs already: ask for more epochs to train on\n", st.Epoch)
			return st.History, nil
		}
	}
	r.state.LR, r.state.BatchSize, r.state.TrainLen = r.LR, r.BatchSize, train.Len()
	r.startStep = r.state.Step
	st := &step{lr: r.LR, params: r.net.Params(), grads: buffers{ops: dev.Ops(), name: "logits"}}
	for e := r.state.Epoch; e < r.Epochs; e++ {
		if err := r.runEpoch(e, batches, st, train, test); err != nil {
			return r.state.History, err
		}
	}
	return r.state.History, nil
}

// runEpoch trains epoch e (0-based) from where the state says, tests, and
// checkpoints.
func (r *fitRun) runEpoch(e, batches int, st *step, train, test Dataset) error {
	start := time.Now()
	s := &r.state
	seen0, images := s.Seen, 0
	if r.Progress != nil {
		r.Progress.StartEpoch(e+1, batches, s.Batch)
	}
	run := &epochRun{from: s.Batch, sums: epochSums{s.LossSum, s.Correct, s.Seen}, stop: r.Context.Err, after: func(done int, sums epochSums) error {
		s.Step++
		s.Batch, s.LossSum, s.Correct, s.Seen = done, sums.lossSum, sums.correct, sums.seen
		images = sums.seen - seen0
		if r.Progress != nil {
			r.Progress.Batch(done, images)
		}
		return r.Context.Err()
	}}
	loss, trainAcc, err := r.net.epoch(train, e, r.BatchSize, st, run)
	if err == nil && r.Context.Err() != nil {
		err = r.Context.Err()
	}
	trainSecs := time.Since(start).Seconds()
	if err != nil {
		if stopped(err) {
			return r.interrupt(e, start)
		}
		if errors.Is(err, ErrDiverged) && r.Checkpoint != "" && s.Epoch > 0 {
			return fmt.Errorf("%w; %s still holds epoch %d: resume from it with a lower learning rate", err, r.CheckpointPath(), s.Epoch)
		}
		return err
	}
	stop := &epochRun{stop: r.Context.Err, after: func(int, epochSums) error { return r.Context.Err() }}
	_, testAcc, err := r.net.epoch(test, e, r.BatchSize, nil, stop)
	if err != nil {
		if stopped(err) {
			return r.interrupt(e, start)
		}
		return err
	}
	stats := EpochStats{Epoch: e + 1, Loss: loss, TrainAcc: trainAcc, TestAcc: testAcc, Seconds: s.Seconds + time.Since(start).Seconds()}
	s.History = append(s.History, stats)
	s.Epoch, s.Batch, s.LossSum, s.Correct, s.Seen, s.Seconds = e+1, 0, 0, 0, 0, 0
	if r.Progress != nil {
		r.Progress.EndEpoch(stats)
	}
	r.printf("%s\n", stats)
	if r.Metrics != nil {
		if err := r.writeMetrics(stats, float64(images), trainSecs); err != nil {
			return err
		}
	}
	if r.Checkpoint != "" {
		s.Dropout = r.net.dropoutSteps()
		if err := r.net.saveCheckpoint(r.CheckpointPath(), s, r.sc); err != nil {
			return err
		}
	}
	if r.Context.Err() != nil && e+1 < r.Epochs {
		return &InterruptedError{Epoch: e + 1, Batch: batches, Checkpoint: r.CheckpointPath()}
	}
	return nil
}

// stopped reports whether an epoch's error is the context's cancellation
// (or no error), as opposed to a real failure such as divergence, which
// must be returned as is rather than saved as an interruption.
func stopped(err error) bool {
	return err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// interrupt saves the unfinished epoch e's state and reports where. When
// this Fit took no step there is nothing new to save: a resumed checkpoint
// stays as it is, and a fresh run writes none.
func (r *fitRun) interrupt(e int, start time.Time) error {
	s := &r.state
	s.Seconds += time.Since(start).Seconds()
	if s.Step == r.startStep {
		path := ""
		if r.Resume {
			path = r.CheckpointPath()
		}
		return &InterruptedError{Epoch: e + 1, Batch: s.Batch, Checkpoint: path}
	}
	if r.Checkpoint != "" {
		s.Dropout = r.net.dropoutSteps()
		if err := r.net.saveCheckpoint(r.CheckpointPath(), s, r.sc); err != nil {
			return fmt.Errorf("vgg: interrupted, but saving the checkpoint failed: %w", err)
		}
	}
	return &InterruptedError{Epoch: e + 1, Batch: s.Batch, Checkpoint: r.CheckpointPath()}
}
