// Package bench times the backends on the shapes of the book's VGG-11 at
// ratio 4: ops_test.go has one Go benchmark per op and layer (GFLOP/s
// reported as a metric), bench/train times whole training and inference
// steps, and bench/pytorch/vgg.py times the same network in PyTorch.
// `make bench-cpu` runs ours and two PyTorch builds side by side.
//
//	go test ./bench -run '^$' -bench . -backend cpu -batch 32
package bench
