//go:build cuda

package vgg

import (
	"os"
	"testing"

	"github.com/vggo/vggo/internal/standintest"
)

// TestMain fails the run when, on the CPU stand-in, a backend the tests
// closed left anything alive on the device.
func TestMain(m *testing.M) { os.Exit(standintest.MainWithLeakCheck(m)) }
