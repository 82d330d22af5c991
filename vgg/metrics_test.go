package vgg

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
)

func TestMetricsAndProgress(t *testing.T) {
	train, test := blobs(40, 8, 1), blobs(16, 8, 2)
	var metrics bytes.Buffer
	p := &stopAfter{batches: -1}
	tr := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 2, BatchSize: 16, Seed: 1, Metrics: &metrics, Progress: p}
	hist, err := tr.Fit(tinyNet(t, 0.2), train, test)
	require.NoError(t, err)
	assert.Equal(t, []string{"start", "end", "start", "end", "finish"}, p.events)
	sc := bufio.NewScanner(&metrics)
	var recs []MetricsRecord
	for sc.Scan() {
		var r MetricsRecord
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&r))
		recs = append(recs, r)
	}
	require.Len(t, recs, 2)
	for i, r := range recs {
		assert.Equal(t, hist[i].Epoch, r.Epoch)
		assert.Equal(t, hist[i].Loss, r.Loss)
		assert.Equal(t, hist[i].TestAcc, r.TestAcc)
		assert.Equal(t, 3*(i+1), r.Step)
		assert.Positive(t, r.ImagesPerSec)
		assert.Positive(t, r.HeapBytes)
		assert.Equal(t, float32(0.1), r.LR)
	}
}
