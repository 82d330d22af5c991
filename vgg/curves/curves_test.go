package curves

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/vgg"
)

func TestSave(t *testing.T) {
	h := vgg.History{
		{Epoch: 1, Loss: 2.1, TrainAcc: 0.4, TestAcc: 0.6},
		{Epoch: 2, Loss: 0.9, TrainAcc: 0.7, TestAcc: 0.75},
		{Epoch: 3, Loss: 0.6, TrainAcc: 0.8, TestAcc: 0.82},
	}
	dir := t.TempDir()
	tests := []struct {
		name  string
		file  string
		check func(t *testing.T, b []byte)
		err   string
	}{
		{name: "png", file: "curves.png", check: func(t *testing.T, b []byte) {
			img, err := png.Decode(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Greater(t, img.Bounds().Dx(), 400)
		}},
		{name: "svg", file: "curves.SVG", check: func(t *testing.T, b []byte) {
			assert.Contains(t, string(b), "<svg")
			assert.Contains(t, string(b), "test acc")
		}},
		{name: "other extension", file: "curves.jpg", err: "want a .png or .svg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			err := Save(path, h)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			tt.check(t, b)
		})
	}
	require.ErrorContains(t, Save(filepath.Join(dir, "x.png"), nil), "no epochs")
}
