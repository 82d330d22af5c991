package vgg

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/vggo/vggo/internal/atomicfile"
	"github.com/vggo/vggo/internal/safetensors"
	"github.com/vggo/vggo/kernels"
)

// CheckpointFile is the name of the checkpoint Trainer keeps in its
// Checkpoint directory.
const CheckpointFile = "checkpoint.safetensors"

// TrainState is everything besides the weights that decides how training
// continues: with it and the weights, a resumed run takes the same steps as
// one that never stopped. It travels in a checkpoint's metadata.
type TrainState struct {
	Epoch     int     // epochs completed
	Batch     int     // training batches done in epoch Epoch+1 (0 at an epoch boundary)
	Step      int     // SGD steps done in all
	Seed      uint64  // the seed of weights, shuffling and dropout
	LR        float32 // learning rate of the last step
	BatchSize int     // examples per step
	History   History // the completed epochs
	// Dropout is each dropout layer's mask counter, in network order: masks
	// derive from the layer's seed and this count.
	Dropout []uint64
	// The unfinished epoch's running sums (zero at an epoch boundary).
	LossSum float64 // sum of per-example training losses
	Correct int     // correctly classified training examples
	Seen    int     // training examples seen
	Seconds float64 // wall time spent in the epoch so far
	// What the run trained on, for resume checks; zero when the checkpoint
	// does not record it (older files, or SaveCheckpoint without Fit).
	TrainLen int   // training examples
	Sample   []int // sample shape (C,H,W) the network was built for
	Arch     Arch  // the VGG architecture (nil for other networks)
}

// The metadata keys of a checkpoint.
const (
	metaFormat    = "format" // "pt": the tensors are PyTorch-ordered
	metaEpoch     = "epoch"
	metaBatch     = "batch"
	metaStep      = "step"
	metaSeed      = "seed"
	metaLR        = "lr"
	metaBatchSize = "batch_size"
	metaHistory   = "history"
	metaDropout   = "dropout_steps"
	metaLossSum   = "epoch_loss_sum"
	metaCorrect   = "epoch_correct"
	metaSeen      = "epoch_seen"
	metaSeconds   = "epoch_seconds"
	metaArch      = "arch"         // [[convs, channels], ...] for VGG networks
	metaSample    = "sample_shape" // [C, H, W]
	metaTrainLen  = "train_len"    // training examples; optional
)

// metadata encodes the state (and what the network was built for) as
// safetensors metadata strings.
func (st *TrainState) metadata(n *Network) map[string]string {
	hist := st.History
	if hist == nil {
		hist = History{}
	}
	h, _ := json.Marshal(hist)
	drop, _ := json.Marshal(st.Dropout)
	if st.Dropout == nil {
		drop = []byte("[]")
	}
	sample, _ := json.Marshal(n.sample)
	m := map[string]string{
		metaFormat:    "pt",
		metaEpoch:     strconv.Itoa(st.Epoch),
		metaBatch:     strconv.Itoa(st.Batch),
		metaStep:      strconv.Itoa(st.Step),
		metaSeed:      strconv.FormatUint(st.Seed, 10),
		metaLR:        strconv.FormatFloat(float64(st.LR), 'g', -1, 32),
		metaBatchSize: strconv.Itoa(st.BatchSize),
		metaHistory:   string(h),
		metaDropout:   string(drop),
		metaLossSum:   strconv.FormatFloat(st.LossSum, 'g', -1, 64),
		metaCorrect:   strconv.Itoa(st.Correct),
		metaSeen:      strconv.Itoa(st.Seen),
		metaSeconds:   strconv.FormatFloat(st.Seconds, 'g', -1, 64),
		metaSample:    string(sample),
	}
	if st.TrainLen > 0 {
		m[metaTrainLen] = strconv.Itoa(st.TrainLen)
	}
	if len(n.arch) > 0 {
		blocks := make([][2]int, len(n.arch))
		for i, b := range n.arch {
			blocks[i] = [2]int{b.Convs, b.Channels}
		}
		a, _ := json.Marshal(blocks)
		m[metaArch] = string(a)
	}
	return m
}

// parseState decodes a checkpoint's metadata, listing every bad entry.
func parseState(meta map[string]string) (*TrainState, []string) {
	var st TrainState
	var problems []string
	bad := func(key, why string) { problems = append(problems, fmt.Sprintf("metadata %q: %s", key, why)) }
	get := func(key string) (string, bool) {
		v, ok := meta[key]
		if !ok {
			bad(key, "missing (this is a weights file, not a training checkpoint)")
		}
		return v, ok
	}
	nonNeg := func(key string, dst *int) {
		if v, ok := get(key); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				bad(key, fmt.Sprintf("%q is not a count", v))
			}
			*dst = n
		}
	}
	float := func(key string, bits int, dst *float64) {
		if v, ok := get(key); ok {
			f, err := strconv.ParseFloat(v, bits)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
				bad(key, fmt.Sprintf("%q is not a finite non-negative number", v))
			}
			*dst = f
		}
	}
	nonNeg(metaEpoch, &st.Epoch)
	nonNeg(metaBatch, &st.Batch)
	nonNeg(metaStep, &st.Step)
	nonNeg(metaBatchSize, &st.BatchSize)
	nonNeg(metaCorrect, &st.Correct)
	nonNeg(metaSeen, &st.Seen)
	float(metaLossSum, 64, &st.LossSum)
	float(metaSeconds, 64, &st.Seconds)
	var lr float64
	float(metaLR, 32, &lr)
	st.LR = float32(lr)
	if v, ok := get(metaSeed); ok {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			bad(metaSeed, fmt.Sprintf("%q is not a 64-bit seed", v))
		}
		st.Seed = s
	}
	if v, ok := get(metaHistory); ok {
		if err := json.Unmarshal([]byte(v), &st.History); err != nil {
			bad(metaHistory, "not a JSON list of epochs: "+err.Error())
		} else if len(st.History) != st.Epoch {
			bad(metaHistory, fmt.Sprintf("%d epochs recorded, but epoch is %d", len(st.History), st.Epoch))
		}
	}
	if v, ok := get(metaDropout); ok {
		if err := json.Unmarshal([]byte(v), &st.Dropout); err != nil {
			bad(metaDropout, "not a JSON list of counts: "+err.Error())
		}
	}
	if _, ok := meta[metaTrainLen]; ok {
		nonNeg(metaTrainLen, &st.TrainLen)
	}
	if v, ok := meta[metaSample]; ok && v != "null" {
		if err := json.Unmarshal([]byte(v), &st.Sample); err != nil || len(st.Sample) != 3 || kernels.Numel(st.Sample) == 0 {
			bad(metaSample, fmt.Sprintf("%q is not a sample shape [C, H, W]", v))
		}
	}
	if v, ok := meta[metaArch]; ok {
		var blocks [][2]int
		if err := json.Unmarshal([]byte(v), &blocks); err != nil {
			bad(metaArch, fmt.Sprintf("%q is not a list of [convs, channels] blocks", v))
		}
		for _, b := range blocks {
			st.Arch = append(st.Arch, Block{Convs: b[0], Channels: b[1]})
		}
	}
	if st.Correct > st.Seen {
		bad(metaCorrect, fmt.Sprintf("%d correct of %d seen", st.Correct, st.Seen))
	}
	return &st, problems
}

// ReadTrainState reads and validates a checkpoint's header and training
// state without loading weights, to check a resume before any work starts.
func ReadTrainState(path string) (*TrainState, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vgg: checkpoint: %w", err)
	}
	defer f.Close()
	st, problems := parseState(f.Metadata())
	if len(problems) > 0 {
		return nil, &CheckpointError{File: path, Problems: problems}
	}
	return st, nil
}

// dropouts lists the network's dropout layers in order.
func (n *Network) dropouts() []*Dropout {
	var out []*Dropout
	var walk func(ls []Layer)
	walk = func(ls []Layer) {
		for _, l := range ls {
			switch l := l.(type) {
			case *Dropout:
				out = append(out, l)
			case *Sequential:
				walk(l.layers)
			}
		}
	}
	walk(n.seq.layers)
	return out
}

// hostScratch holds host buffers reused across checkpoint saves and loads,
// so a run that checkpoints every epoch does not grow its heap.
type hostScratch struct {
	f32   []float32
	bytes []byte
}

func (s *hostScratch) floats(n int) []float32 {
	if cap(s.f32) < n {
		s.f32 = make([]float32, n)
	}
	return s.f32[:n]
}

// SaveCheckpoint writes the network's weights (float32, PyTorch's names and
// layouts) and st to path as safetensors, atomically: a reader or a crash
// sees the old file or the new one, never a mix. st may be nil for a
// weights-only file.
func (n *Network) SaveCheckpoint(path string, st *TrainState) error {
	return n.saveCheckpoint(path, st, &hostScratch{})
}

func (n *Network) saveCheckpoint(path string, st *TrainState, sc *hostScratch) error {
	if n.dev == nil {
		return errors.New("vgg: SaveCheckpoint before Build: train the network or call Build first")
	}
	var meta map[string]string
	if st != nil {
		meta = st.metadata(n)
	}
	params := n.Params()
	infos := make([]safetensors.TensorInfo, len(params))
	for i, p := range params {
		infos[i] = safetensors.TensorInfo{Name: p.Name, DType: safetensors.F32, Shape: p.Shape}
	}
	hdr, _, err := safetensors.Header(infos, meta)
	if err != nil {
		return fmt.Errorf("vgg: checkpoint %s: %w", path, err)
	}
	ops := n.dev.Ops()
	err = atomicfile.WriteFile(path, func(w *bufio.Writer) error {
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		for _, p := range params {
			host := sc.floats(p.Value.Len())
			if err := ops.CopyOut(host, p.Value); err != nil {
				return fmt.Errorf("reading %s from the device: %w", p.Name, err)
			}
			sc.bytes = safetensors.AppendFloat32(sc.bytes[:0], host)
			if _, err := w.Write(sc.bytes); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("vgg: checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint loads weights saved by SaveCheckpoint (or by PyTorch's
// safetensors for the same network) into the built network, and returns the
// training state when the file has one (nil for a weights-only file).
// Before touching the network it checks every tensor's name, dtype, shape
// and byte length, and the dropout layers, and reports each mismatch in a
// *CheckpointError.
func (n *Network) LoadCheckpoint(path string) (*TrainState, error) {
	return n.loadCheckpoint(path, &hostScratch{})
}

func (n *Network) loadCheckpoint(path string, sc *hostScratch) (*TrainState, error) {
	if n.dev == nil {
		return nil, errors.New("vgg: LoadCheckpoint before Build: build the network for its sample shape first")
	}
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vgg: checkpoint: %w", err)
	}
	defer f.Close()
	var problems []string
	var trained Arch // the checkpoint's architecture, when it differs from the network's
	params := n.Params()
	want := map[string]bool{}
	for _, p := range params {
		want[p.Name] = true
		info, ok := f.Tensor(p.Name)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: missing (the network has it, shape %s)", p.Name, kernels.ShapeString(p.Shape)))
			continue
		}
		if info.DType != safetensors.F32 {
			problems = append(problems, fmt.Sprintf("%s: dtype %s, want F32", p.Name, info.DType))
		}
		if !kernels.SameShape(info.Shape, p.Shape) {
			problems = append(problems, fmt.Sprintf("%s: shape %s in the file, %s in the network", p.Name, kernels.ShapeString(info.Shape), kernels.ShapeString(p.Shape)))
		}
		if got, need := info.End-info.Begin, int64(4*kernels.Numel(p.Shape)); got != need {
			problems = append(problems, fmt.Sprintf("%s: %d bytes in the file, the network needs %d", p.Name, got, need))
		}
	}
	for _, info := range f.Tensors() {
		if !want[info.Name] {
			problems = append(problems, fmt.Sprintf("%s: in the file (%s %s) but not in the network", info.Name, info.DType, kernels.ShapeString(info.Shape)))
		}
	}
	var st *TrainState
	if meta := f.Metadata(); meta[metaEpoch] != "" {
		var bad []string
		st, bad = parseState(meta)
		problems = append(problems, bad...)
		if d := n.dropouts(); len(bad) == 0 && len(st.Dropout) != len(d) {
			problems = append(problems, fmt.Sprintf("metadata %q: %d dropout counters, the network has %d dropout layers", metaDropout, len(st.Dropout), len(d)))
		}
		if len(bad) == 0 && st.Arch != nil && n.arch != nil && !equalArch(st.Arch, n.arch) {
			trained = st.Arch
			problems = append(problems, fmt.Sprintf("metadata %q: trained with blocks %v, the network has %v", metaArch, st.Arch, n.arch))
		}
	}
	if len(problems) > 0 {
		e := &CheckpointError{File: path, Problems: problems}
		if trained != nil {
			e.Trained, e.Network = trained, n.arch
		}
		return nil, e
	}
	ops := n.dev.Ops()
	for _, p := range params {
		host := sc.floats(p.Value.Len())
		if sc.bytes, err = f.ReadFloat32(p.Name, host, sc.bytes); err != nil {
			return nil, fmt.Errorf("vgg: checkpoint: %w", err)
		}
		if err := ops.CopyIn(p.Value, host); err != nil {
			return nil, fmt.Errorf("vgg: checkpoint %s: writing %s to the device: %w", path, p.Name, err)
		}
	}
	if st != nil {
		for i, d := range n.dropouts() {
			d.step = st.Dropout[i]
		}
	}
	return st, nil
}

// dropoutSteps reads each dropout layer's mask counter.
func (n *Network) dropoutSteps() []uint64 {
	d := n.dropouts()
	out := make([]uint64, len(d))
	for i, l := range d {
		out[i] = l.step
	}
	return out
}

func equalArch(a, b Arch) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
