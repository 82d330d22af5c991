# standin.mk: the CPU stand-in for NVIDIA's libraries (internal/cuda/standin),
# so that the unchanged binding and CUDA backend run on a machine without a GPU.
#
#   make standin            build .cache/standin/: libcuda.so.1 and
#                           libnvrtc.so.13, plus libcublas.so.13 and
#                           libcudnn.so.9 once their sources exist
#   make test-standin-gpu   the GPU tests (-tags cuda) of STANDIN_GPU_PKGS with
#                           VGGO_CUDA_PATH naming the stand-in: the cuda
#                           backend's conformance runs (one line each, with
#                           its case count), device, training and the command
#                           on the "GPU"; fails when a test fails or skips
#   make test-standin-cxx   the C++ tests of the stand-in cuBLAS and cuDNN
#                           against a fake driver (internal/cuda/standin/test)
#
# The libraries are found only through VGGO_CUDA_PATH (or cuda.WithLibraryPath)
# naming .cache/standin, never by the system loader, so they cannot shadow a
# real driver. `make test` builds them, tells the tests where they are
# (VGGO_STANDIN_DIR; the tests skip, saying why, when they are missing) and,
# after the plain tests, runs test-standin-gpu.

APT_PKGS += g++

STANDIN_SRC      := internal/cuda/standin
STANDIN_DIR      := $(CURDIR)/.cache/standin
STANDIN_OBJ      := $(STANDIN_DIR)/obj
STANDIN_CXX      ?= g++
STANDIN_CXXFLAGS ?= -std=c++20 -fPIC -O2 -Wall -Wextra -Werror -pthread
STANDIN_CPPFLAGS := -I$(STANDIN_SRC) -Iinternal/cuda -MMD -MP
# Every library: its own soname, no undefined symbols, only its API exported.
STANDIN_LDFLAGS  := -shared -pthread -Wl,-z,defs -Wl,--as-needed -Wl,--version-script=$(STANDIN_SRC)/exports.map

STANDIN_DRIVER_SRCS := $(STANDIN_SRC)/driver.cc $(STANDIN_SRC)/exec.cc $(STANDIN_SRC)/module.cc
STANDIN_NVRTC_SRCS  := $(STANDIN_SRC)/nvrtc.cc
STANDIN_CUBLAS_SRCS := $(wildcard $(STANDIN_SRC)/cublas.cc)
STANDIN_CUDNN_SRCS  := $(wildcard $(STANDIN_SRC)/cudnn.cc)

standin_objs = $(patsubst $(STANDIN_SRC)/%.cc,$(STANDIN_OBJ)/%.o,$(1))

STANDIN_LIBS := $(STANDIN_DIR)/libcuda.so.1 $(STANDIN_DIR)/libnvrtc.so.13
ifneq ($(STANDIN_CUBLAS_SRCS),)
STANDIN_LIBS += $(STANDIN_DIR)/libcublas.so.13
endif
ifneq ($(STANDIN_CUDNN_SRCS),)
STANDIN_LIBS += $(STANDIN_DIR)/libcudnn.so.9
endif

TEST_DEPS   += standin
TEST_AFTER  += test-standin-cxx test-standin-gpu
GO_TEST_ENV += VGGO_STANDIN_DIR=$(STANDIN_DIR)

STANDIN_GPU_PKGS ?= ./kernels/cuda ./device ./vgg ./examples/fashion
STANDIN_GPU_LOG  ?= $(CURDIR)/.cache/standin-gpu-test.log
# The tests that may skip in that run, for reasons that are not the GPU's
# (a |-separated regexp of test names): the PyTorch cross-check without
# torch, and the fault tests' child-process entry point outside a child.
STANDIN_GPU_SKIP_OK ?= TestCheckpointLoadsInPyTorch|TestGPUFaultHelperProcess

.PHONY: standin standin-clean test-standin-cxx test-standin-gpu

# The C++ checks of cuBLAS and cuDNN, built as the libraries are but against
# a fake libcuda.so.1, with the exports compared to the binding's tables.
test-standin-cxx:
	@mkdir -p $(STANDIN_DIR)/cxx-test
	@OUT=$(STANDIN_DIR)/cxx-test sh $(STANDIN_SRC)/test/run.sh >$(STANDIN_DIR)/cxx-test/log 2>&1 || \
		{ cat $(STANDIN_DIR)/cxx-test/log; echo "test-standin-cxx failed"; exit 1; }
	@echo "stand-in cuBLAS/cuDNN C++ tests: $$(tail -1 $(STANDIN_DIR)/cxx-test/log)"

# The verbose log goes to STANDIN_GPU_LOG; shown are the package results,
# the conformance lines and, on failure, the failing tests' output.
test-standin-gpu: standin cuda-deps
	@echo "GPU tests on the CPU stand-in: VGGO_CUDA_PATH=$(STANDIN_DIR) go test -count=1 -v -tags cuda $(STANDIN_GPU_PKGS) (log: $(STANDIN_GPU_LOG))"
	@$(GO_TEST_ENV) VGGO_CUDA_PATH=$(STANDIN_DIR) $(GO) test -count=1 -v -tags cuda $(STANDIN_GPU_PKGS) >$(STANDIN_GPU_LOG) 2>&1; rc=$$?; \
	grep -E '^(ok|FAIL|panic:)|conformance on ' $(STANDIN_GPU_LOG) | sed 's/^ *cuda_test.go:[0-9]*: /  /'; \
	if [ $$rc != 0 ]; then grep -E -A40 '^ *--- FAIL' $(STANDIN_GPU_LOG) | head -300; exit $$rc; fi; \
	skips=$$(grep -E '^ *--- SKIP' $(STANDIN_GPU_LOG) | grep -v -E -- '--- SKIP: ($(STANDIN_GPU_SKIP_OK))[ /]'); \
	if [ -n "$$skips" ]; then echo "GPU tests skipped on the stand-in (each must run there):"; echo "$$skips"; exit 1; fi

standin: $(STANDIN_LIBS)

standin-clean:
	rm -rf $(STANDIN_DIR)

$(STANDIN_OBJ)/%.o: $(STANDIN_SRC)/%.cc
	@mkdir -p $(dir $@)
	$(STANDIN_CXX) $(STANDIN_CXXFLAGS) -fvisibility=hidden -fvisibility-inlines-hidden $(STANDIN_CPPFLAGS) -c -o $@ $<

$(STANDIN_DIR)/libcuda.so.1: $(call standin_objs,$(STANDIN_DRIVER_SRCS)) $(STANDIN_SRC)/exports.map
	$(STANDIN_CXX) $(STANDIN_LDFLAGS) -Wl,-soname,libcuda.so.1 -o $@ $(call standin_objs,$(STANDIN_DRIVER_SRCS)) -ldl

$(STANDIN_DIR)/libnvrtc.so.13: $(call standin_objs,$(STANDIN_NVRTC_SRCS)) $(STANDIN_SRC)/exports.map
	$(STANDIN_CXX) $(STANDIN_LDFLAGS) -Wl,-soname,libnvrtc.so.13 -o $@ $(call standin_objs,$(STANDIN_NVRTC_SRCS))

# cuBLAS and cuDNN use the driver's vgsi_ interface (standin.h): they need
# libcuda.so.1 (DT_NEEDED) and find it next to themselves ($ORIGIN), which
# is the copy the binding has already loaded.
$(STANDIN_DIR)/libcublas.so.13: $(call standin_objs,$(STANDIN_CUBLAS_SRCS)) $(STANDIN_DIR)/libcuda.so.1 $(STANDIN_SRC)/exports.map
	$(STANDIN_CXX) $(STANDIN_LDFLAGS) -Wl,-soname,libcublas.so.13 -Wl,-rpath,'$$ORIGIN' -o $@ \
		$(call standin_objs,$(STANDIN_CUBLAS_SRCS)) -L$(STANDIN_DIR) -l:libcuda.so.1 -lm

$(STANDIN_DIR)/libcudnn.so.9: $(call standin_objs,$(STANDIN_CUDNN_SRCS)) $(STANDIN_DIR)/libcuda.so.1 $(STANDIN_SRC)/exports.map
	$(STANDIN_CXX) $(STANDIN_LDFLAGS) -Wl,-soname,libcudnn.so.9 -Wl,-rpath,'$$ORIGIN' -o $@ \
		$(call standin_objs,$(STANDIN_CUDNN_SRCS)) -L$(STANDIN_DIR) -l:libcuda.so.1 -lm

-include $(wildcard $(STANDIN_OBJ)/*.d)
