# standin.mk: the CPU stand-in for NVIDIA's libraries (internal/cuda/standin),
# so that the unchanged binding and CUDA backend run on a machine without a GPU.
#
#   make standin   build .cache/standin/: libcuda.so.1 and libnvrtc.so.13, plus
#                  libcublas.so.13 and libcudnn.so.9 once their sources exist
#
# The libraries are found only through VGGO_CUDA_PATH (or cuda.WithLibraryPath)
# naming .cache/standin, never by the system loader, so they cannot shadow a
# real driver. `make test` builds them and tells the tests where they are
# (VGGO_STANDIN_DIR); the tests skip, saying why, when they are missing.

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
GO_TEST_ENV += VGGO_STANDIN_DIR=$(STANDIN_DIR)

.PHONY: standin standin-clean

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
