package fashionmnist

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is the sentinel matched (with errors.Is) by every error that
// means the data set is not where it was looked for. Tests use it to skip.
var ErrNotFound = errors.New("fashionmnist: data set not found")

// installHint says how to get the data; it ends every not-found message.
const installHint = "install the Debian package dataset-fashion-mnist " +
	"(apt-get install dataset-fashion-mnist) or load the data from a directory that holds the four IDX files"

// NotFoundError reports that the data directory or some of its files are
// missing. errors.Is(err, ErrNotFound) is true for it.
type NotFoundError struct {
	// Dir is the directory that was searched.
	Dir string
	// Missing lists the files that were looked for and not found, each as
	// "name or name.gz".
	Missing []string
	// Reason is set when Dir itself is unusable ("does not exist", "is not a
	// directory"); Missing is then every file that was wanted.
	Reason string
	// Err is the underlying error from the file system, if any.
	Err error
}

// Error names the directory, the files looked for, and the fix.
func (e *NotFoundError) Error() string {
	var b strings.Builder
	b.WriteString("fashionmnist: ")
	if e.Reason != "" {
		fmt.Fprintf(&b, "directory %s %s", e.Dir, e.Reason)
		if len(e.Missing) > 0 {
			fmt.Fprintf(&b, " (looked for %s)", strings.Join(e.Missing, ", "))
		}
	} else {
		fmt.Fprintf(&b, "no %s in %s", strings.Join(e.Missing, ", nor "), e.Dir)
	}
	b.WriteString(": ")
	b.WriteString(installHint)
	return b.String()
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// Unwrap returns the underlying file-system error, if any.
func (e *NotFoundError) Unwrap() error { return e.Err }

// FormatError reports a file that is not a valid Fashion-MNIST IDX file:
// truncated, wrong magic number, wrong element type or rank, absurd sizes,
// counts that disagree, or labels out of range.
type FormatError struct {
	// File is the path of the offending file; empty for ParseIDX on bytes
	// that came from no file.
	File string
	// Msg says what is wrong.
	Msg string
	// Err is an underlying error (for example from the gzip reader), if any.
	Err error
}

// Error names the file, the problem and the fix.
func (e *FormatError) Error() string {
	if e.File == "" {
		return "fashionmnist: IDX data: " + e.Msg
	}
	return "fashionmnist: " + e.File + ": " + e.Msg +
		" (the file is damaged or is not a Fashion-MNIST IDX file: reinstall " +
		"dataset-fashion-mnist or download the file again)"
}

// Unwrap returns the underlying error, if any.
func (e *FormatError) Unwrap() error { return e.Err }

// formatErr builds a *FormatError with a formatted message.
func formatErr(file string, format string, args ...any) *FormatError {
	return &FormatError{File: file, Msg: fmt.Sprintf(format, args...)}
}
