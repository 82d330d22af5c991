// Package atomicfile writes files so that a reader, or a crash, never sees a
// half-written one: the content goes to a temporary file in the same
// directory, which is synced to disk and then renamed over the target. A
// process killed mid-write leaves the previous file intact (and at worst a
// stray temporary file named .NAME.tmp-*).
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// WriteFile creates or replaces path with what write produces. write gets a
// buffered writer; if it returns an error the target is left untouched.
func WriteFile(path string, write func(w *bufio.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err = write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: sync: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// Sync the directory so the rename itself survives a crash. Some file
	// systems cannot sync a directory (EINVAL), which is harmless here; any
	// other failure means the rename may not be durable, and is returned.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("writing %s: opening its directory to sync it: %w", path, err)
	}
	serr := syncDir(d)
	cerr := d.Close()
	if serr != nil && !errors.Is(serr, syscall.EINVAL) {
		return fmt.Errorf("writing %s: syncing its directory: %w", path, serr)
	}
	if cerr != nil {
		return fmt.Errorf("writing %s: closing its directory: %w", path, cerr)
	}
	return nil
}

// syncDir syncs an open directory; tests replace it to inject failures.
var syncDir = (*os.File).Sync
