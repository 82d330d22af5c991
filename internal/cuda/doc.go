// Package cuda binds the parts of the CUDA driver API, cuBLAS, cuDNN 9 and
// NVRTC that VGG training needs. Nothing is linked at build time: each
// library is found and opened at run time (internal/dl), and calls go through
// small C trampolines that cast each pointer to its exact prototype. The
// prototypes, enum values and struct layouts are the project's own (decl.h);
// a test compiles them against NVIDIA's real headers to prove they agree.
//
// Each library's functions are one table, keyed by the index its calls use
// (symbols.go). Every function the backend calls is required: it is resolved
// with dlsym when the library loads, and a missing one is a *SymbolError
// then, never a crash later. The few the binding offers beyond that are
// optional: a library without one still loads, and calling it returns a
// *SymbolError.
//
// Each library is an explicit value from LoadDriver, LoadCUBLAS, LoadCUDNN or
// LoadNVRTC with a Close method; there is no package-level state. Where to
// look is set with options (WithLibraryPath) and the VGGO_CUDA_PATH
// environment variable, then the system loader, then /usr/local/cuda*/lib64,
// then pip wheel layouts. Failures are *LibraryError (with every place tried
// and the loader's message), *SymbolError, or *Error (a library status code
// with its name, text and a hint). The codes a caller may branch on match
// ErrNoDevice, ErrOutOfMemory and ErrDriverTooOld with errors.Is.
//
// Threads: see Driver. The binding is Linux-only and needs cgo; elsewhere
// the loaders are absent and the CPU backends are used.
package cuda
