package atomicfile

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	tests := []struct {
		name    string
		content string
		fail    bool
		want    string
	}{
		{name: "create", content: "one", want: "one"},
		{name: "replace", content: "two", want: "two"},
		{name: "failed write keeps the old file", content: "three", fail: true, want: "two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteFile(path, func(w *bufio.Writer) error {
				if _, err := w.WriteString(tt.content); err != nil {
					return err
				}
				if tt.fail {
					return errors.New("disk on fire")
				}
				return nil
			})
			if tt.fail {
				require.ErrorContains(t, err, "disk on fire")
				require.ErrorContains(t, err, path)
			} else {
				require.NoError(t, err)
			}
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary files left behind")
		})
	}
}

func TestWriteFileMissingDir(t *testing.T) {
	err := WriteFile(filepath.Join(t.TempDir(), "nope", "x"), func(*bufio.Writer) error { return nil })
	require.ErrorContains(t, err, "nope")
}

// TestDirectorySyncErrors checks that a directory that cannot be synced
// (EINVAL) is ignored, while any other sync failure is returned.
func TestDirectorySyncErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want string // "" for success
	}{
		{"synced", nil, ""},
		{"cannot sync directories", &os.PathError{Op: "sync", Path: "d", Err: syscall.EINVAL}, ""},
		{"I/O error", &os.PathError{Op: "sync", Path: "d", Err: syscall.EIO}, "syncing its directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			old := syncDir
			defer func() { syncDir = old }()
			syncDir = func(*os.File) error { return c.err }
			path := filepath.Join(t.TempDir(), "f")
			err := WriteFile(path, func(w *bufio.Writer) error {
				_, err := w.WriteString("x")
				return err
			})
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, c.want)
			assert.ErrorIs(t, err, syscall.EIO)
		})
	}
}
