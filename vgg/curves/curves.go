// Package curves draws a training history as the book's animator does: loss,
// train accuracy and test accuracy per epoch on one chart, saved as PNG or
// SVG.
package curves

import (
	"bufio"
	"fmt"
	"image/color"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/vggo/vggo/internal/atomicfile"
	"github.com/vggo/vggo/vgg"
)

// CheckPath reports whether path names a format Save can write (.png or
// .svg), so a bad path fails before training starts.
func CheckPath(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".svg":
		return nil
	}
	return fmt.Errorf("curves: %s: want a .png or .svg file name", path)
}

// Save draws h to path (.png or .svg), atomically.
func Save(path string, h vgg.History) error {
	if err := CheckPath(path); err != nil {
		return err
	}
	if len(h) == 0 {
		return fmt.Errorf("curves: %s: no epochs to plot", path)
	}
	p := plot.New()
	p.Title.Text = "training curves"
	p.X.Label.Text = "epoch"
	p.Y.Min, p.Y.Max = 0, 1
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	series := []struct {
		name  string
		value func(vgg.EpochStats) float64
		color color.Color
		dash  []vg.Length
	}{
		{"train loss", func(s vgg.EpochStats) float64 { return s.Loss }, color.RGBA{31, 119, 180, 255}, nil},
		{"train acc", func(s vgg.EpochStats) float64 { return s.TrainAcc }, color.RGBA{214, 39, 40, 255}, []vg.Length{vg.Points(5), vg.Points(3)}},
		{"test acc", func(s vgg.EpochStats) float64 { return s.TestAcc }, color.RGBA{44, 160, 44, 255}, []vg.Length{vg.Points(2), vg.Points(2)}},
	}
	for _, sr := range series {
		pts := make(plotter.XYs, len(h))
		for i, s := range h {
			pts[i] = plotter.XY{X: float64(s.Epoch), Y: sr.value(s)}
			p.Y.Max = max(p.Y.Max, pts[i].Y)
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("curves: %s: %w", sr.name, err)
		}
		line.Color, line.Dashes = sr.color, sr.dash
		points.Color, points.Shape = sr.color, draw.CircleGlyph{}
		p.Add(line, points)
		p.Legend.Add(sr.name, line, points)
	}
	p.X.Min, p.X.Max = float64(h[0].Epoch)-0.5, float64(h[len(h)-1].Epoch)+0.5
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, format)
	if err != nil {
		return fmt.Errorf("curves: %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, func(w *bufio.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}
