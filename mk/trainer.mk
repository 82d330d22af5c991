# trainer.mk: run the fuzz targets of the two file parsers (IDX data and
# safetensors checkpoints) for FUZZTIME each. `make test` already runs their
# checked-in corpora (testdata/fuzz/<Target>/) as ordinary tests; new
# crashers the fuzzer finds land there too and should be committed once fixed.

FUZZTIME ?= 3m

.PHONY: fuzz

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseIDX$$' -fuzztime $(FUZZTIME) ./data/fashionmnist
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/safetensors
