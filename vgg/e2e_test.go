package vgg_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/vgg"
)

// TestFashionMNISTEndToEnd trains a two-block VGG built with the public API
// on the first 3,000 real training images at 32x32 and checks test accuracy
// on the first 1,000 test images. PyTorch with the same setting reaches
// 0.78-0.81 over three seeds.
func TestFashionMNISTEndToEnd(t *testing.T) {
	train, test, err := fashionmnist.Load(fashionmnist.DefaultDir)
	if errors.Is(err, fashionmnist.ErrNotFound) {
		t.Skipf("Fashion-MNIST not installed (%v): apt-get install dataset-fashion-mnist, or run make test", err)
	}
	require.NoError(t, err)
	trainData, err := fashionmnist.NewDataset(train.Subset(3000), 32, true, 1)
	require.NoError(t, err)
	testData, err := fashionmnist.NewDataset(test.Subset(1000), 32, false, 1)
	require.NoError(t, err)

	net, err := vgg.VGG(vgg.Arch{{1, 8}, {1, 16}}, vgg.Hidden(128), vgg.DropoutRate(0))
	require.NoError(t, err)
	dev := device.CPU()
	defer dev.Close()
	hist, err := vgg.Trainer{Device: dev, LR: 0.1, Epochs: 5, BatchSize: 64, Seed: 1}.Fit(net, trainData, testData)
	require.NoError(t, err)
	for _, h := range hist {
		t.Log(h)
	}
	require.Len(t, hist, 5)
	assert.GreaterOrEqual(t, hist[4].TestAcc, 0.70)
	assert.Less(t, hist[4].Loss, hist[0].Loss)
}
