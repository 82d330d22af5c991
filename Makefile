# vggo: VGG training in Go on NVIDIA GPUs or the CPU.
#
#   make run    install what is missing, then train the book's VGG on Fashion-MNIST
#   make test   install what is missing, then vet and run every test
#   make deps   only the installs (idempotent: skips what is present)

GO       ?= go
APT_PKGS ?= dataset-fashion-mnist gcc
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The CPU training run of `make run`: the book's net (VGG-11, ratio 4), lr,
# batch and 5 epochs on all 60,000 training images at 48x48, the smallest
# size tried that reaches test accuracy 0.85 in 5 epochs (40x40: 0.844),
# and which two cores finish in about 9.5 minutes (see bench/RESULTS.md).
RUN_FLAGS ?= -resize 48 -epochs 5 -device cpu

# Fragments in mk/ add their own targets and append to these lists:
# TEST_DEPS are made before the tests, TEST_AFTER (targets) after the plain
# go test, in order; GO_TEST_ENV is the tests' environment.
TEST_DEPS := deps
TEST_AFTER :=
GO_TEST_ENV :=
-include mk/*.mk

.PHONY: all deps run test vet fmt shapes

all: test

# $(call apt_install,PACKAGES): apt-get install those of PACKAGES that are
# not installed yet (nothing, not even apt-get update, when all are).
define apt_install
missing=""; for p in $(1); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
	echo "installing:$$missing"; \
	$(SUDO) apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
fi
endef

deps:
	@$(call apt_install,$(APT_PKGS))
	@$(GO) mod download

run: deps
	$(GO) run ./examples/fashion $(RUN_FLAGS)

shapes:
	$(GO) run ./examples/fashion -shapes

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags cuda ./...

test: $(TEST_DEPS) vet
	$(GO_TEST_ENV) $(GO) test -count=1 ./...
	@for t in $(TEST_AFTER); do $(MAKE) --no-print-directory $$t || exit 1; done

fmt:
	gofmt -w $$(git ls-files '*.go')
