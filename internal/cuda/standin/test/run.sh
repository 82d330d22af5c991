#!/bin/sh
# run.sh: builds the stand-in libcublas.so.13 and libcudnn.so.9 exactly as
# mk/standin.mk does (hidden visibility, -z defs, exports.map), but against
# the test-only fake libcuda.so.1 (fake_vgsi.cc); checks that each library
# exports exactly the symbols of the binding's table (internal/cuda/cublas.go
# cublasSyms, internal/cuda/cudnn.go cudnnSyms); then builds and runs
# standin_test.cc.
#
#   internal/cuda/standin/test/run.sh            (from anywhere in the tree)
#   OUT=/some/dir internal/cuda/standin/test/run.sh
#
# Needs only g++ (C++20, with binutils' nm) and a POSIX shell. Takes a few
# seconds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
out=${OUT:-${TMPDIR:-/tmp}/vggo-standin-test.$(id -u)}
mkdir -p "$out"
cd "$root"
src=internal/cuda/standin
# mk/standin.mk: STANDIN_CXXFLAGS, STANDIN_CPPFLAGS, the object rule's
# visibility flags and STANDIN_LDFLAGS.
cxxflags="-std=c++20 -fPIC -O2 -Wall -Wextra -Werror -pthread"
cppflags="-I$src -Iinternal/cuda"
objflags="-fvisibility=hidden -fvisibility-inlines-hidden"
ldflags="-shared -pthread -Wl,-z,defs -Wl,--as-needed -Wl,--version-script=$src/exports.map"

# The fake keeps default visibility and no version script: the test calls
# its fake_ hooks.
g++ $cxxflags $cppflags -shared $src/test/fake_vgsi.cc -o "$out/libcuda.so.1" -Wl,-soname,libcuda.so.1
for lib in cublas:libcublas.so.13 cudnn:libcudnn.so.9; do
	name=${lib%%:*} so=${lib#*:}
	g++ $cxxflags $objflags $cppflags -c $src/$name.cc -o "$out/$name.o"
	g++ $ldflags -Wl,-soname,$so -Wl,-rpath,'$ORIGIN' -o "$out/$so" "$out/$name.o" -L"$out" -l:libcuda.so.1 -lm
done

# table FILE VAR: the dlsym names (required and optional) of the binding's
# symbol table VAR in internal/cuda/FILE.
table() {
	sed -n "/^var $2 = \[.*\]symbol{/,/^}/p" "internal/cuda/$1" |
		sed -nE 's/.*\{"([A-Za-z0-9_]+)", *(required|optional)\}.*/\1/p'
}
# exports LIB FILE VAR: LIB's defined dynamic symbols must be exactly the
# names of the table.
bad=0
exports() {
	want=$(table "$2" "$3" | sort -u)
	if [ -z "$want" ]; then
		echo "FAIL exports: no symbol table $3 in internal/cuda/$2"
		bad=1
		return
	fi
	got=$(nm -D --defined-only "$out/$1" | awk '{print $NF}' | sort -u)
	if [ "$got" != "$want" ]; then
		echo "FAIL exports of $1 (< missing, > extra):"
		printf '%s\n' "$want" >"$out/$1.want"
		printf '%s\n' "$got" >"$out/$1.got"
		diff "$out/$1.want" "$out/$1.got" | grep '^[<>]' || true
		bad=1
		return
	fi
	echo "exports of $1: the $(printf '%s\n' "$got" | wc -l | tr -d ' ') symbols of $3"
}
exports libcublas.so.13 cublas.go cublasSyms
exports libcudnn.so.9 cudnn.go cudnnSyms
[ $bad -eq 0 ] || exit 1

g++ $cxxflags $cppflags $src/test/standin_test.cc -o "$out/standin_test" \
	-L"$out" -l:libcublas.so.13 -l:libcudnn.so.9 -l:libcuda.so.1 -ldl -Wl,-rpath,"$out"
"$out/standin_test" "$out" "$@"
