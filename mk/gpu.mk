# gpu.mk: the GPU targets.
#
#   make test-cuda      vet with the cuda tag, then every test with -tags cuda:
#                       the cuda backend's conformance suite and GPU tests run
#                       and fail when no GPU is usable
#   make gpu-binaries   build the -tags cuda test binaries, examples/fashion
#                       and bench/gpu into build/gpu/ (plus Fashion-MNIST when
#                       installed), for bench/gpu-check.sh on a GPU machine
#                       without Go

GPU_BUILD    ?= build/gpu
GPU_TEST_PKGS ?= kernels/cuda vgg device
GPU_LDFLAGS  ?= -s -w
GPU_DATA     ?= /usr/share/datasets/fashion-mnist

.PHONY: test-cuda gpu-binaries

test-cuda:
	$(GO) vet -tags cuda ./...
	$(GO_TEST_ENV) $(GO) test -count=1 -tags cuda ./...

gpu-binaries:
	@mkdir -p $(GPU_BUILD)
	@for p in $(GPU_TEST_PKGS); do \
		echo "go test -c -tags cuda ./$$p -> $(GPU_BUILD)/$$(echo $$p | tr / _).test"; \
		$(GO) test -c -tags cuda -ldflags='$(GPU_LDFLAGS)' -o $(GPU_BUILD)/$$(echo $$p | tr / _).test ./$$p || exit 1; \
	done
	$(GO) build -ldflags='$(GPU_LDFLAGS)' -o $(GPU_BUILD)/fashion ./examples/fashion
	$(GO) build -ldflags='$(GPU_LDFLAGS)' -o $(GPU_BUILD)/gpubench ./bench/gpu
	@if [ -d $(GPU_DATA) ]; then mkdir -p $(GPU_BUILD)/fashion-mnist && cp -u $(GPU_DATA)/*-ubyte* $(GPU_BUILD)/fashion-mnist/; \
	else echo "no Fashion-MNIST in $(GPU_DATA): bench/gpu-check.sh will time on random images"; fi
	@du -sh $(GPU_BUILD)
