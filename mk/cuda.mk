# cuda.mk: NVIDIA's real cuBLAS, cuDNN 9, NVRTC and CUDA runtime libraries and
# headers from PyPI, so that `make test` proves the run-time-loaded binding in
# internal/cuda (symbols, declarations, kernel compilation) on machines without
# a GPU. The driver (libcuda.so.1) is not on PyPI; the tests check that its
# absence is reported clearly.
#
# The wheels go into a --target directory under .cache/ (gitignored); a stamp
# file that names the pinned versions makes a second `make test` do nothing.

CUDA_PYTHON ?= python3
CUDA_WHEEL_DIR ?= $(CURDIR)/.cache/nvidia-wheels
CUDA_WHEELS ?= \
	nvidia-cudnn-cu13==9.28.1.4 \
	nvidia-cublas==13.10.0.20 \
	nvidia-cuda-nvrtc==13.5.37 \
	nvidia-cuda-runtime==13.5.37 \
	nvidia-cuda-crt==13.5.37 \
	nvidia-cuda-cccl==13.3.5.0.6
CUDA_STAMP := $(CUDA_WHEEL_DIR)/.installed-$(shell echo '$(CUDA_WHEELS)' | md5sum | cut -c1-12)

TEST_DEPS += cuda-deps
GO_TEST_ENV += VGGO_NVIDIA_PIP=$(CUDA_WHEEL_DIR)/nvidia

.PHONY: cuda-deps

cuda-deps: $(CUDA_STAMP)

$(CUDA_STAMP):
	@echo "installing NVIDIA wheels into $(CUDA_WHEEL_DIR) (about 1.7 GB unpacked, once)"
	@rm -rf $(CUDA_WHEEL_DIR)
	@$(CUDA_PYTHON) -m pip --version >/dev/null 2>&1 || { \
		echo "pip is missing: installing python3-pip"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends python3-pip; }
	@if $(CUDA_PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps \
		--target $(CUDA_WHEEL_DIR) $(CUDA_WHEELS); then touch $@; else \
		rm -rf $(CUDA_WHEEL_DIR); \
		echo "WARNING: could not install NVIDIA's wheels from PyPI: the tests of the CUDA binding against the real libraries will skip, saying so (run make cuda-deps to retry)"; \
	fi
