// Package vgg builds and trains VGG networks (Simonyan & Zisserman, 2014) as
// the d2l book's section 5.7 does: VggBlock stacks 3x3 convolutions and a 2x2
// max pool, VGG chains blocks and a dense head, and Trainer runs SGD on a
// device.Device (a GPU when usable, else the CPU).
//
//	net, err := vgg.VGG(vgg.SmallConvArch(vgg.Arch11(), 4))
//	dev := device.TryGPU()
//	hist, err := vgg.Trainer{Device: dev, LR: 0.05, Epochs: 5, BatchSize: 128}.Fit(net, train, test)
//
// # Networks
//
// Arch11 to Arch19 are the VGG paper's configurations, SmallConvArch narrows
// one, and the options Hidden, DropoutRate, Classes and Init change the
// dense head and the initial weights. AlexNet is the book's AlexNet, built
// from the same layers for comparison. A Network is bound to a device when
// it is built: Build does it explicitly, and Trainer.Fit and
// Network.Evaluate do it at first use from the data's sample shape. Layers
// take their input channel count from the first batch they see, as Gluon
// does, so a block needs only its output channels.
//
// ShapeWalk and Summary (per-layer shapes, parameters, FLOPs and activation
// memory, and Summary.Compare against another network) need no device and
// allocate no tensors. CheckInput says before any allocation whether a
// sample shape fits the network and its size limits.
//
// # Training
//
// Trainer.Fit runs minibatch SGD on a Dataset as the book's train_ch5 does,
// one trainStep per batch and an evalStep per test batch, printing the
// book's line per epoch to Trainer.Out. Trainer.Progress follows it batch by
// batch, Trainer.Metrics receives one JSON MetricsRecord per epoch, and a
// Dataset that is also a RawDataset is resized on the device when the
// backend can. With Trainer.Checkpoint set, Fit saves the weights and the
// TrainState after every epoch and when Trainer.Context is cancelled; with
// Trainer.Resume it continues from that checkpoint exactly, step for step.
// Checkpoints are safetensors files with PyTorch's names and layouts
// (SaveCheckpoint, LoadCheckpoint, ReadTrainState).
//
// # Errors
//
// Errors say what went wrong and how to fix it in this package's terms, and
// the ones a caller may act on are typed, carrying the facts as fields: a
// *SizeError for a network too large for its input (the layer, its
// parameters or bytes, the limit, and the Settings to lower), a
// *CheckpointExistsError when Fit would overwrite a checkpoint it did not
// start from, a *ResumeError when a run differs from the one that saved
// the checkpoint (the Mismatch and both sides), a *CheckpointError for a
// checkpoint that does not fit the network, and an *InterruptedError
// (errors.Is ErrInterrupted) when training was stopped. A loss that becomes
// NaN or Inf is an error wrapping ErrDiverged. A command line can turn these
// into advice about its own flags with errors.As, as examples/fashion does.
package vgg
