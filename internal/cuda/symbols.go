package cuda

import (
	"unsafe"

	"github.com/vggo/vggo/internal/dl"
)

// symbol is one entry of a library's function table. Each library file
// declares its table as an array keyed by the index constants the calls use,
// e.g.
//
//	var nvrtcSyms = [nvrtcSymCount]symbol{
//		nvrtcVersion: {"nvrtcVersion", required},
//		...
//	}
//
// so every dlsym name is written once, next to its index, and no two lists
// have to agree by position. An index without an entry has an empty name,
// which the tests reject.
type symbol struct {
	// name is the exact string passed to dlsym (often a versioned name such
	// as "cuMemAlloc_v2", see decl.h).
	name string
	// need says whether the library loads without it.
	need need
}

// need says whether a library loads without one of its table's symbols.
type need bool

const (
	// required: the load fails with a *SymbolError when the symbol is
	// missing. Every function the backend calls is required.
	required need = false
	// optional: the library loads without the symbol, and calling it
	// returns a *SymbolError instead of calling through a nil pointer. For
	// functions the binding offers but the backend does not call, so that a
	// library which drops one still loads.
	optional need = true
)

// names lists the dlsym names of table in index order.
func names(table []symbol) []string {
	out := make([]string, len(table))
	for i, s := range table {
		out[i] = s.name
	}
	return out
}

// resolve looks up every symbol of table in l: a missing required one closes
// l and is a *SymbolError; a missing optional one leaves its entry nil and
// remembers the loader's message for the *SymbolError of a later call.
func (c *config) resolve(l *lib, table []symbol) (*lib, error) {
	l.syms = table
	l.fn = make([]unsafe.Pointer, len(table))
	for i, s := range table {
		p, err := l.main.Lookup(s.name)
		if err == nil {
			l.fn[i] = p
			continue
		}
		if s.need == optional {
			if l.absent == nil {
				l.absent = map[int]string{}
			}
			l.absent[i] = dl.Message(err)
			continue
		}
		_ = l.close()
		return nil, &SymbolError{Library: l.path, Symbol: s.name, DlError: dl.Message(err)}
	}
	return l, nil
}

// get returns the function at index i of l's table, or, for an optional
// symbol the library lacks, a *SymbolError naming it and the library. The
// functions of optional symbols are reached only through get.
func (l *lib) get(i int) (unsafe.Pointer, error) {
	if p := l.fn[i]; p != nil {
		return p, nil
	}
	return nil, &SymbolError{Library: l.path, Symbol: l.syms[i].name, DlError: l.absent[i], Optional: true}
}
