//go:build linux && cgo

package dl

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

// dlerror is read inside the same C call as the failing function, so the
// message always belongs to that call and to this thread.
static void *vg_dlopen(const char *path, int flags, const char **err) {
	void *h = dlopen(path, flags);
	*err = h ? NULL : dlerror();
	return h;
}

static void *vg_dlsym(void *h, const char *name, const char **err) {
	dlerror();
	void *p = dlsym(h, name);
	const char *e = dlerror();
	*err = e;
	return p;
}

static int vg_dlclose(void *h, const char **err) {
	int r = dlclose(h);
	*err = r ? dlerror() : NULL;
	return r;
}
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

type library struct {
	path   string
	mu     sync.Mutex
	handle unsafe.Pointer
}

func open(path string, flags Flags) (Library, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	// dlerror's buffer is per thread and may be overwritten by the next dl
	// call on that thread; the copy below happens before the lock is released.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var cerr *C.char
	h := C.vg_dlopen(cpath, C.int(flags), &cerr)
	if h == nil {
		return nil, &Error{Op: "dlopen", Name: path, Msg: errText(cerr)}
	}
	return &library{path: path, handle: h}, nil
}

func (l *library) Path() string { return l.path }

func (l *library) Lookup(symbol string) (unsafe.Pointer, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.handle == nil {
		return nil, &Error{Op: "dlsym", Name: symbol, Msg: l.path + " is closed"}
	}
	csym := C.CString(symbol)
	defer C.free(unsafe.Pointer(csym))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var cerr *C.char
	p := C.vg_dlsym(l.handle, csym, &cerr)
	if cerr != nil {
		return nil, &Error{Op: "dlsym", Name: symbol, Msg: C.GoString(cerr)}
	}
	if p == nil {
		return nil, &Error{Op: "dlsym", Name: symbol, Msg: "symbol resolves to NULL in " + l.path}
	}
	return p, nil
}

func (l *library) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.handle == nil {
		return nil
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var cerr *C.char
	r := C.vg_dlclose(l.handle, &cerr)
	l.handle = nil
	if r != 0 {
		return &Error{Op: "dlclose", Name: l.path, Msg: errText(cerr)}
	}
	return nil
}

func errText(cerr *C.char) string {
	if cerr == nil {
		return "unknown error (dlerror returned nothing)"
	}
	return C.GoString(cerr)
}
