#!/bin/sh
# run.sh: builds the stand-in libcublas.so.13 and libcudnn.so.9 exactly as
# mk/standin.mk does, but against the test-only fake libcuda.so.1
# (fake_vgsi.cc), then builds and runs standin_test.cc.
#
#   internal/cuda/standin/test/run.sh            (from anywhere in the tree)
#   OUT=/some/dir internal/cuda/standin/test/run.sh
#
# Needs only g++ (C++20) and a POSIX shell. Takes a few seconds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
out=${OUT:-${TMPDIR:-/tmp}/vggo-standin-test.$(id -u)}
mkdir -p "$out"
cd "$root"
flags="-std=c++20 -O2 -fPIC -Wall -Wextra -Werror -pthread -I internal/cuda -I internal/cuda/standin"
g++ $flags -shared internal/cuda/standin/test/fake_vgsi.cc -o "$out/libcuda.so.1" -Wl,-soname,libcuda.so.1
g++ $flags -shared internal/cuda/standin/cublas.cc -o "$out/libcublas.so.13" -L"$out" -l:libcuda.so.1 -Wl,-rpath,'$ORIGIN' -Wl,-soname,libcublas.so.13
g++ $flags -shared internal/cuda/standin/cudnn.cc -o "$out/libcudnn.so.9" -L"$out" -l:libcuda.so.1 -Wl,-rpath,'$ORIGIN' -Wl,-soname,libcudnn.so.9
g++ $flags internal/cuda/standin/test/standin_test.cc -o "$out/standin_test" \
	-L"$out" -l:libcublas.so.13 -l:libcudnn.so.9 -l:libcuda.so.1 -ldl -Wl,-rpath,"$out"
"$out/standin_test" "$out" "$@"
