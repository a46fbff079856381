package branding

import (
	"fmt"
	"image"
	"math"
	"strconv"
)

// The colours the portal's header writes in on the brand colour (web/app.css --brand-ink, web/js/ui.js inkFor):
// whichever of the two contrasts more with it.
const (
	InkLight = "#ffffff"
	InkDark  = "#111111"
)

// Contrast thresholds, from WCAG 2.2: text needs 4.5:1 (SC 1.4.3, normal size), a graphical object 3:1 against
// what is next to it (SC 1.4.11). A logo is exempt from both, but one below 3:1 on the header is hard to see.
const (
	MinTextContrast = 4.5
	MinLogoContrast = 3.0
)

// Luminance is the relative luminance of a #RRGGBB colour as WCAG 2 defines it, from 0 (black) to 1 (white);
// ok is false for anything else.
func Luminance(color string) (l float64, ok bool) {
	if !IsHexColor(color) {
		return 0, false
	}
	channel := func(hex string) float64 {
		v, _ := strconv.ParseUint(hex, 16, 8) // two hex digits, checked by IsHexColor
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(color[1:3]) + 0.7152*channel(color[3:5]) + 0.0722*channel(color[5:7]), true
}

// Contrast is the WCAG 2 contrast ratio of two #RRGGBB colours, from 1 (the same) to 21 (black on white),
// whichever is lighter; ok is false when either is not a colour.
func Contrast(a, b string) (ratio float64, ok bool) {
	la, okA := Luminance(a)
	lb, okB := Luminance(b)
	if !okA || !okB {
		return 0, false
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05), true
}

// Ink is the header's text colour on a brand colour: InkLight or InkDark, whichever contrasts more (InkLight
// when they tie or the colour is not one).
func Ink(color string) string {
	light, ok := Contrast(InkLight, color)
	if !ok {
		return InkLight
	}
	if dark, _ := Contrast(InkDark, color); dark > light {
		return InkDark
	}
	return InkLight
}

// Backdrop is what the header puts behind a logo whose main colour is logoColor on a header of headerColor: ""
// when the logo stands out enough by itself (MinLogoContrast), else a chip of InkLight or InkDark, whichever
// contrasts more with the logo. A logo of unknown colour ("") gets none: there is nothing to judge.
func Backdrop(logoColor, headerColor string) string {
	ratio, ok := Contrast(logoColor, headerColor)
	if !ok || ratio >= MinLogoContrast {
		return ""
	}
	light, _ := Contrast(InkLight, logoColor)
	dark, _ := Contrast(InkDark, logoColor)
	if dark > light {
		return InkDark
	}
	return InkLight
}

// Warning is something about a brand that works but reads badly: saved anyway, and shown to the partner.
type Warning struct {
	// Code is stable: low-contrast or logo-blends.
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Ratio   float64 `json:"ratio"`
}

// Warning codes.
const (
	WarnLowContrast = "low-contrast"
	WarnLogoBlends  = "logo-blends"
)

// Warnings judges a brand colour and its logo's main colour ("" when unknown or without a logo) the way the
// header shows them: the header's text (Ink) below MinTextContrast, and a logo below MinLogoContrast on the
// header, which the header then shows on a chip (Backdrop). None is an empty list, not nil.
func Warnings(color, logoColor string) []Warning {
	out := []Warning{}
	if ratio, ok := Contrast(Ink(color), color); ok && ratio < MinTextContrast {
		out = append(out, Warning{Code: WarnLowContrast, Ratio: round2(ratio), Message: fmt.Sprintf(
			"The header's text has a contrast of %.2f:1 on %s; at least %.1f:1 is needed to read it easily. Pick a darker or a lighter colour.",
			ratio, color, MinTextContrast)})
	}
	if ratio, ok := Contrast(logoColor, color); ok && ratio < MinLogoContrast {
		out = append(out, Warning{Code: WarnLogoBlends, Ratio: round2(ratio), Message: fmt.Sprintf(
			"Your logo's main colour (%s) is close to the header colour (%.2f:1, below %.0f:1): the header shows the logo on a %s chip so it stays visible. A logo in another colour, or a different header colour, looks better.",
			logoColor, ratio, MinLogoContrast, chipName(Backdrop(logoColor, color)))})
	}
	return out
}

func chipName(c string) string {
	if c == InkDark {
		return "dark"
	}
	return "white"
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// maxSamples bounds the pixels DominantColor looks at, whatever the image's size.
const maxSamples = 1 << 16

// DominantColor is the main colour of a logo as #rrggbb: the most common colour among its visible pixels
// (alpha at least half), each channel counted in 16 steps, then averaged within that step so a gradient's
// colour is not a corner of it. A large image is sampled on a grid. ok is false when no pixel is visible.
func DominantColor(img image.Image) (color string, ok bool) {
	b := img.Bounds()
	step := 1
	for (b.Dx()/step)*(b.Dy()/step) > maxSamples {
		step++
	}
	type sum struct{ n, r, g, b uint64 }
	buckets := map[uint32]*sum{}
	var best *sum
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			r, g, bl, a := img.At(x, y).RGBA() // 16 bits, alpha-premultiplied
			if a < 0x8000 {
				continue
			}
			// Un-premultiply to 8 bits.
			r8, g8, b8 := uint64(r*0xff/a), uint64(g*0xff/a), uint64(bl*0xff/a)
			key := uint32(r8>>4)<<8 | uint32(g8>>4)<<4 | uint32(b8>>4)
			s := buckets[key]
			if s == nil {
				s = &sum{}
				buckets[key] = s
			}
			s.n++
			s.r, s.g, s.b = s.r+r8, s.g+g8, s.b+b8
			if best == nil || s.n > best.n {
				best = s
			}
		}
	}
	if best == nil {
		return "", false
	}
	return fmt.Sprintf("#%02x%02x%02x", best.r/best.n, best.g/best.n, best.b/best.n), true
}
