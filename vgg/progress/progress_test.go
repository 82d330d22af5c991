package progress

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/vgg"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name    string
		batches int
		done    int
		want    int
	}{
		{"ten batches: a line each", 10, 0, 10},
		{"95 batches: every tenth and the last", 95, 0, 10},
		{"resumed half way", 20, 10, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			l := NewLines(&out)
			l.StartEpoch(2, tt.batches, tt.done)
			for i := tt.done + 1; i <= tt.batches; i++ {
				l.Batch(i, 8*(i-tt.done))
			}
			l.EndEpoch(vgg.EpochStats{})
			l.Finish()
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			assert.Len(t, lines, tt.want)
			re := regexp.MustCompile(`^epoch 2: batch \d+/\d+, \d+ img/s, ETA \d+[a-z]+$`)
			for _, line := range lines {
				assert.Regexp(t, re, line)
			}
			assert.True(t, strings.HasPrefix(lines[len(lines)-1], "epoch 2: batch "+strconv.Itoa(tt.batches)+"/"), lines)
		})
	}
}

func TestBarClearsItself(t *testing.T) {
	var out bytes.Buffer
	b := NewBar(&out)
	b.StartEpoch(1, 4, 1)
	for i := 2; i <= 4; i++ {
		b.Batch(i, 16*(i-1))
	}
	b.EndEpoch(vgg.EpochStats{})
	b.Finish()
	assert.Contains(t, out.String(), "epoch 1")
	assert.Contains(t, out.String(), "(1/4)", "resumed after one batch")
	assert.True(t, strings.HasSuffix(out.String(), "\r"), "cleared line: %q", out.String())
}

func TestNewPicksLinesForFiles(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	require.NoError(t, err)
	defer f.Close()
	assert.IsType(t, &Lines{}, New(f))
	assert.IsType(t, &Lines{}, New(&bytes.Buffer{}))
}
