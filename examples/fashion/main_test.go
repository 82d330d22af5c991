package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShapesFlagPrintsTheBookWalk(t *testing.T) {
	c, err := parseFlags([]string{"-shapes"}, io.Discard)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run(c, &out))
	want := []string{
		"(1, 64, 112, 112)", "(1, 128, 56, 56)", "(1, 256, 28, 28)", "(1, 512, 14, 14)", "(1, 512, 7, 7)",
		"(1, 4096)", "(1, 4096)", "(1, 4096)", "(1, 4096)", "(1, 10)",
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, len(want))
	for i, l := range lines {
		assert.True(t, strings.HasSuffix(l, "output shape:\t"+want[i]), l)
	}
}

func TestDefaultsAreTheBooks(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 0.05, c.lr)
	assert.Equal(t, 5, c.epochs)
	assert.Equal(t, 128, c.batchSize)
	assert.Equal(t, 224, c.resize)
	assert.Equal(t, 4, c.ratio)
	assert.Equal(t, "auto", c.device)
	assert.Equal(t, "vgg11", c.arch)
}

// Bad settings fail before any data is read: -data points nowhere in every
// case, so an error about the data would mean the check came too late.
func TestBadFlagsFailBeforeWork(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-lr", "-0.1"}, "learning rate"},
		{[]string{"-batch-size", "0"}, "batch size"},
		{[]string{"-epochs", "0"}, "epochs"},
		{[]string{"-arch", "vgg12"}, "unknown architecture"},
		{[]string{"-resize", "16"}, "at least 32"},
		{[]string{"-resize", "0"}, "-resize 0"},
		{[]string{"-ratio", "0"}, "-ratio 0"},
		{[]string{"-ratio", "128"}, "0 channels"},
		{[]string{"-device", "tpu"}, "unknown device"},
		{[]string{"-train-limit", "-1"}, "-train-limit"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			cfg, err := parseFlags(append(c.args, "-data", t.TempDir()+"/none"), io.Discard)
			if err == nil {
				err = run(cfg, io.Discard)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "dataset-fashion-mnist")
		})
	}
}

func TestMissingDataSaysHowToFix(t *testing.T) {
	c, err := parseFlags([]string{"-data", t.TempDir(), "-resize", "32"}, io.Discard)
	require.NoError(t, err)
	err = run(c, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "train-images-idx3-ubyte")
	assert.Contains(t, err.Error(), "dataset-fashion-mnist")
}
