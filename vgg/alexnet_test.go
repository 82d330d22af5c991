package vgg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlexNetChecksAndNames(t *testing.T) {
	for _, c := range []struct {
		name string
		rate float32
		err  string
	}{
		{"default", 0.5, ""},
		{"zero", 0, ""},
		{"one", 1, "dropout rate 1 is outside [0, 1)"},
		{"negative", -0.1, "outside [0, 1)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			net, err := AlexNet(DropoutRate(c.rate), Hidden(8))
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			s, err := net.Summary([]int{1, 224, 224}, 1)
			require.NoError(t, err)
			var modules []string
			for _, r := range s.Rows {
				if r.Module != "" {
					modules = append(modules, r.Module)
				}
			}
			assert.Equal(t, []string{"features.0", "features.3", "features.6", "features.8", "features.10",
				"classifier.1", "classifier.4", "classifier.6"}, modules, "torchvision's AlexNet names")
		})
	}
}
