package cuda

import (
	"errors"
	"fmt"
	"strings"

	cu "github.com/vggo/vggo/internal/cuda"
)

// Reason condenses an error of New into one line, for a message that says
// why the CPU is used instead: which library or check failed, where the
// library was looked for, and what to do.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var le *cu.LibraryError
	if errors.As(err, &le) {
		places := make([]string, 0, len(le.Tried))
		for _, t := range le.Tried {
			if i := strings.Index(t, "): "); i >= 0 {
				t = t[:i+1]
			} else if i := strings.Index(t, ": "); i >= 0 {
				t = t[:i]
			}
			places = append(places, t)
		}
		return fmt.Sprintf("cannot load %s: %s; looked in: %s; hint: %s",
			le.Name, oneLine(le.DlError), strings.Join(places, ", "), le.Hint())
	}
	return oneLine(err.Error())
}

// oneLine joins a multi-line message with single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
