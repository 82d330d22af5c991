package vgg

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// MetricsRecord is one line of Trainer.Metrics.
type MetricsRecord struct {
	Epoch        int     `json:"epoch"`
	Step         int     `json:"step"` // SGD steps done in all
	Loss         float64 `json:"loss"`
	TrainAcc     float64 `json:"train_acc"`
	TestAcc      float64 `json:"test_acc"`
	Seconds      float64 `json:"seconds"`
	ImagesPerSec float64 `json:"images_per_sec"` // training images per second of training
	LR           float32 `json:"lr"`
	RSSBytes     int64   `json:"rss_bytes,omitempty"` // resident set size after the epoch (Linux)
	HeapBytes    uint64  `json:"heap_bytes"`          // Go heap in use after the epoch
}

// writeMetrics appends one JSON line for the epoch.
func (r *fitRun) writeMetrics(s EpochStats, images, trainSecs float64) error {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rec := MetricsRecord{Epoch: s.Epoch, Step: r.state.Step, Loss: s.Loss, TrainAcc: s.TrainAcc, TestAcc: s.TestAcc,
		Seconds: s.Seconds, LR: r.LR, RSSBytes: residentBytes(), HeapBytes: ms.HeapInuse}
	if trainSecs > 0 {
		rec.ImagesPerSec = images / trainSecs
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("vgg: metrics: %w", err)
	}
	if _, err := r.Metrics.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("vgg: writing metrics: %w", err)
	}
	return nil
}

// residentBytes is the process's resident set size from /proc/self/statm,
// or 0 where that file does not exist.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
