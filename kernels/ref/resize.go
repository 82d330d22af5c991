package ref

import (
	"fmt"
	"math"
)

// maxResizeSide bounds every side given to NewResizer.
const maxResizeSide = 1 << 16

// coefBits is OpenCV's INTER_RESIZE_COEF_BITS: interpolation weights are
// fixed-point numbers with 11 fraction bits.
const (
	coefBits  = 11
	coefScale = 1 << coefBits
)

// resizeMode is how a Resizer computes its output.
type resizeMode uint8

const (
	// modeCopy: the sizes are equal and cv::resize copies.
	modeCopy resizeMode = iota
	// modeArea2: an exact 2x downscale, which OpenCV turns into INTER_AREA,
	// the rounded mean of each 2x2 block.
	modeArea2
	// modeLinear: fixed-point bilinear interpolation.
	modeLinear
)

// Resizer resizes uint8 images of one size to another and scales them to
// float32 in [0,1] as d2l's MXNet pipeline, transforms.Resize then
// transforms.ToTensor, does (bit for bit at the usual sizes; see the SIMD
// note below). Its tables are computed once by NewResizer; a Resizer is
// immutable, safe for concurrent use, and resizing allocates nothing.
//
// The arithmetic is OpenCV's cv::resize with INTER_LINEAR on 8-bit images
// (what MXNet's image resize operator calls on the CPU):
//
//   - Equal sizes copy the image.
//   - An exact 2x downscale in both directions (28 to 14) is turned into
//     INTER_AREA by OpenCV: each output is (a+b+c+d+2)>>2 over its 2x2 block.
//   - Otherwise source coordinates use half-pixel centers,
//     src = float32((dst+0.5)*scale - 0.5) with scale = 1/(dstSize/srcSize),
//     split into sx = floor(src) and the fraction f. Horizontally, positions
//     left of pixel 0 or at or beyond the last pixel take that border pixel
//     (f = 0); vertically both rows are clamped into the image and f is kept.
//     The weights 1-f and f become 11-bit fixed point, round(w*2048), and each
//     of the two source rows is interpolated exactly in integers:
//     h = p0*a0 + p1*a1.
//   - The vertical step is OpenCV's SIMD kernel (VResizeLinearVec_32s8u,
//     used on x86 and ARM): v = (((h0>>4)*b0>>16) + ((h1>>4)*b1>>16) + 2) >> 2.
//     OpenCV's scalar tail, used for the last few columns only when the output
//     width is not a multiple of the vector width, computes
//     (h0*b0 + h1*b1 + 2^21) >> 22 instead, which can differ by one level.
//     Every width that is a multiple of 32 (224, 96, 64) is all-SIMD there, so
//     for those this Resizer matches OpenCV bit for bit.
//
// The result v is a uint8, as cv::resize returns: the rounding to 256 levels
// happens before ToTensor's division by 255, and it is reproduced here because
// it is what the book's models were trained on. The float32 output is then
// float32(v)/255.
type Resizer struct {
	srcRows, srcCols, dstRows, dstCols int
	mode                               resizeMode
	// xofs and alpha hold, per output column, the two source columns and
	// their weights; yofs and beta the same per output row.
	xofs, alpha, yofs, beta []int32
	// toFloat maps a resized byte v to float32(v)/255; toByte is the
	// identity.
	toFloat [256]float32
	toByte  [256]uint8
}

// NewResizer returns a Resizer from srcRows x srcCols images to
// dstRows x dstCols images. Every size must be in 1..65536.
func NewResizer(srcRows, srcCols, dstRows, dstCols int) (*Resizer, error) {
	for _, s := range []int{srcRows, srcCols, dstRows, dstCols} {
		if s < 1 || s > maxResizeSide {
			return nil, fmt.Errorf("ref: cannot resize %dx%d images to %dx%d: every side must be in 1..%d",
				srcRows, srcCols, dstRows, dstCols, maxResizeSide)
		}
	}
	r := &Resizer{srcRows: srcRows, srcCols: srcCols, dstRows: dstRows, dstCols: dstCols}
	for v := range r.toFloat {
		r.toFloat[v] = float32(v) / 255
		r.toByte[v] = uint8(v)
	}
	// cv::resize computes the inverse scale from the sizes and inverts it.
	scaleX := 1 / (float64(dstCols) / float64(srcCols))
	scaleY := 1 / (float64(dstRows) / float64(srcRows))
	isTwo := func(s float64) bool { return math.Abs(s-2) < 0x1p-52 }
	switch {
	case srcRows == dstRows && srcCols == dstCols:
		r.mode = modeCopy
	case isTwo(scaleX) && isTwo(scaleY):
		r.mode = modeArea2
	default:
		r.mode = modeLinear
		r.xofs, r.alpha = linearTable(dstCols, srcCols, scaleX, true)
		r.yofs, r.beta = linearTable(dstRows, srcRows, scaleY, false)
	}
	return r, nil
}

// linearTable computes OpenCV's INTER_LINEAR source indices and fixed-point
// weights, two per output position. zeroBorder selects the horizontal rule
// (outside positions take the border pixel with weight 1) over the vertical
// one (indices clamped, weights kept).
func linearTable(dst, src int, scale float64, zeroBorder bool) (ofs, w []int32) {
	ofs = make([]int32, 2*dst)
	w = make([]int32, 2*dst)
	for d := range dst {
		f := float32((float64(d)+0.5)*scale - 0.5)
		s := int(math.Floor(float64(f)))
		f -= float32(s)
		s0, s1 := s, s+1
		if zeroBorder {
			if s < 0 {
				f, s0, s1 = 0, 0, 1
			}
			if s0 >= src-1 {
				f, s0, s1 = 0, src-1, src-1
			}
		}
		ofs[2*d] = int32(min(max(s0, 0), src-1))
		ofs[2*d+1] = int32(min(max(s1, 0), src-1))
		w[2*d] = fixedWeight((1 - f) * coefScale)
		w[2*d+1] = fixedWeight(f * coefScale)
	}
	return ofs, w
}

// fixedWeight is OpenCV's saturate_cast<short>(float): round half to even.
func fixedWeight(v float32) int32 {
	return int32(math.RoundToEven(float64(v)))
}

// SrcLen is the number of pixels in one source image.
func (r *Resizer) SrcLen() int { return r.srcRows * r.srcCols }

// DstLen is the number of values in one resized image.
func (r *Resizer) DstLen() int { return r.dstRows * r.dstCols }

// Resize writes the resized image src (SrcLen bytes, row-major) into dst
// (DstLen values) as float32 in [0,1]. It panics if a length is wrong, as
// copying past a slice's end would.
func (r *Resizer) Resize(dst []float32, src []uint8) {
	r.checkLens("Resize", len(dst), len(src), 1)
	resizeInto(r, dst, src, &r.toFloat)
}

// ResizeBytes is Resize without the final division by 255: it writes the
// uint8 image that cv::resize returns.
func (r *Resizer) ResizeBytes(dst, src []uint8) {
	r.checkLens("ResizeBytes", len(dst), len(src), 1)
	resizeInto(r, dst, src, &r.toByte)
}

// ResizeBatch resizes len(src)/SrcLen images stored back to back in src into
// dst, which must hold exactly as many resized images. It panics if a length
// is wrong.
func (r *Resizer) ResizeBatch(dst []float32, src []uint8) {
	n := len(src) / r.SrcLen()
	r.checkLens("ResizeBatch", len(dst), len(src), n)
	in, out := r.SrcLen(), r.DstLen()
	for i := range n {
		resizeInto(r, dst[i*out:(i+1)*out], src[i*in:(i+1)*in], &r.toFloat)
	}
}

// checkLens panics unless the lengths fit n images.
func (r *Resizer) checkLens(op string, dst, src, n int) {
	if src != n*r.SrcLen() || dst != n*r.DstLen() {
		panic(fmt.Sprintf("ref: Resizer.%s from %dx%d to %dx%d: got %d source bytes and %d destination values, want %d and %d (n=%d)",
			op, r.srcRows, r.srcCols, r.dstRows, r.dstCols, src, dst, n*r.SrcLen(), n*r.DstLen(), n))
	}
}

// pixel is an output element type; lut maps a resized byte to it.
type pixel interface{ ~float32 | ~uint8 }

// rowCache is the widest output whose interpolated source rows are kept on
// the stack between output rows, as OpenCV keeps them.
const rowCache = 1024

// resizeInto resizes one image, mapping each resulting byte through lut.
func resizeInto[T pixel](r *Resizer, dst []T, src []uint8, lut *[256]T) {
	sc, dc := r.srcCols, r.dstCols
	switch {
	case r.mode == modeCopy:
		for i, p := range src {
			dst[i] = lut[p]
		}
	case r.mode == modeArea2:
		for dy := range r.dstRows {
			out := dst[dy*dc : (dy+1)*dc]
			top := src[2*dy*sc : (2*dy+1)*sc]
			bot := src[(2*dy+1)*sc : (2*dy+2)*sc]
			for dx := range out {
				s := int(top[2*dx]) + int(top[2*dx+1]) + int(bot[2*dx]) + int(bot[2*dx+1])
				out[dx] = lut[uint8((s+2)>>2)]
			}
		}
	case dc <= rowCache:
		// The horizontal pass of a source row is computed once and reused
		// while consecutive output rows need it.
		var buf0, buf1 [rowCache]int32
		h0, h1 := buf0[:dc], buf1[:dc]
		tag0, tag1 := -1, -1
		for dy := range r.dstRows {
			y0, y1 := int(r.yofs[2*dy]), int(r.yofs[2*dy+1])
			if tag0 != y0 {
				if tag1 == y0 {
					h0, h1, tag0, tag1 = h1, h0, tag1, tag0
				} else {
					r.hrow(h0, src[y0*sc:(y0+1)*sc])
					tag0 = y0
				}
			}
			bot := h0
			if y1 != y0 {
				if tag1 != y1 {
					r.hrow(h1, src[y1*sc:(y1+1)*sc])
					tag1 = y1
				}
				bot = h1
			}
			vrow(dst[dy*dc:(dy+1)*dc], h0, bot, r.beta[2*dy], r.beta[2*dy+1], lut)
		}
	default:
		for dy := range r.dstRows {
			y0, y1 := int(r.yofs[2*dy]), int(r.yofs[2*dy+1])
			row0, row1 := src[y0*sc:(y0+1)*sc], src[y1*sc:(y1+1)*sc]
			b0, b1 := r.beta[2*dy], r.beta[2*dy+1]
			out := dst[dy*dc : (dy+1)*dc]
			for dx := range out {
				out[dx] = lut[vpix(r.hpix(row0, dx), r.hpix(row1, dx), b0, b1)]
			}
		}
	}
}

// hrow is the horizontal pass over one source row, pre-shifted by 4 bits
// for the vertical pass.
func (r *Resizer) hrow(h []int32, row []uint8) {
	for dx := range h {
		h[dx] = r.hpix(row, dx)
	}
}

// hpix is output column dx of the horizontal pass over row, shifted right by
// 4 as OpenCV's SIMD vertical kernel does before multiplying.
func (r *Resizer) hpix(row []uint8, dx int) int32 {
	x0, x1 := r.xofs[2*dx], r.xofs[2*dx+1]
	return (int32(row[x0])*r.alpha[2*dx] + int32(row[x1])*r.alpha[2*dx+1]) >> 4
}

// vrow is the vertical pass of one output row.
func vrow[T pixel](out []T, h0, h1 []int32, b0, b1 int32, lut *[256]T) {
	h0, h1 = h0[:len(out)], h1[:len(out)]
	for dx := range out {
		out[dx] = lut[vpix(h0[dx], h1[dx], b0, b1)]
	}
}

// vpix is OpenCV's SIMD vertical step on two pre-shifted horizontal values.
// Each term is at most (255*2048>>4)*b>>16 with b0+b1 = 2048, so the sum is
// at most 1020 and the result fits a byte.
func vpix(h0, h1, b0, b1 int32) uint8 {
	return uint8(((h0*b0)>>16 + (h1*b1)>>16 + 2) >> 2)
}
