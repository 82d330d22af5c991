//go:build linux && cgo

package cuda

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRoundUp(t *testing.T) {
	for _, tc := range []struct{ n, m, want uint64 }{{17, 16, 32}, {16, 16, 16}, {1, 1 << 20, 1 << 20}} {
		assert.Equal(t, tc.want, roundUp(tc.n, tc.m), "roundUp(%d, %d)", tc.n, tc.m)
	}
}
