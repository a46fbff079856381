package branding_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/branding"
)

// TestContrastMatchesWCAG checks the ratios against values WCAG's formula gives (and the common checkers show).
func TestContrastMatchesWCAG(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#000000", 21}, // order does not matter
		{"#777777", "#777777", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes AA on white
		{"#777777", "#ffffff", 4.48},
		{"#1f5fbf", "#ffffff", 6.09},
		{"#ff0000", "#ffffff", 4.00},
		{"#0A7C4A", "#FFFFFF", 5.26}, // upper case is a colour too
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("case=%s on %s", c.a, c.b), func(t *testing.T) {
			got, ok := branding.Contrast(c.a, c.b)
			if !ok || math.Abs(got-c.want) > 0.005 {
				t.Fatalf("Contrast = %.4f %v, want %.2f", got, ok, c.want)
			}
		})
	}
	for _, bad := range []string{"", "#fff", "red", "#12345g", "1f5fbf"} {
		if _, ok := branding.Contrast(bad, "#ffffff"); ok {
			t.Errorf("Contrast(%q) is a ratio", bad)
		}
	}
	if l, ok := branding.Luminance("#ffffff"); !ok || l != 1 {
		t.Errorf("Luminance(white) = %v %v", l, ok)
	}
}

func TestInkAndWarnings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		color, ink  string
		lowContrast bool
	}{
		{"#1f5fbf", branding.InkLight, false}, // PartnerHub's blue
		{"#ffd700", branding.InkDark, false},  // gold: dark text
		{"#000000", branding.InkLight, false},
		{"#ffffff", branding.InkDark, false},
		{"#777777", branding.InkLight, true},  // mid grey: 4.48:1 at best
		{"#d9480f", branding.InkDark, true},   // an orange: 4.39:1 at best
		{"#ff0000", branding.InkDark, false},  // 4.72:1 in dark ink, 4.00:1 in white
		{"#0a7c4a", branding.InkLight, false}, // 5.26:1
	}
	for _, c := range cases {
		t.Run("case="+c.color, func(t *testing.T) {
			if got := branding.Ink(c.color); got != c.ink {
				t.Errorf("Ink = %s, want %s", got, c.ink)
			}
			ws := branding.Warnings(c.color, "")
			if got := len(ws) == 1 && ws[0].Code == branding.WarnLowContrast; got != c.lowContrast {
				t.Fatalf("warnings %+v, want low-contrast %v", ws, c.lowContrast)
			}
			if c.lowContrast && (ws[0].Ratio >= branding.MinTextContrast || ws[0].Message == "") {
				t.Errorf("warning %+v", ws[0])
			}
		})
	}
	if ws := branding.Warnings("#1f5fbf", ""); ws == nil || len(ws) != 0 {
		t.Errorf("no warning is %#v, want an empty list", ws)
	}
}

// TestBackdrop: a logo in (nearly) the header's colour gets a chip that contrasts with it; one that stands out
// gets none, and so does one of unknown colour.
func TestBackdrop(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, logo, header, want string
		warn                     bool
	}{
		{"case=logo in the brand colour", "#1f5fbf", "#1f5fbf", branding.InkLight, true},
		{"case=a shade off", "#2a66c4", "#1f5fbf", branding.InkLight, true},
		{"case=white logo on blue", "#ffffff", "#1f5fbf", "", false},
		{"case=dark logo on a dark header", "#101010", "#202020", branding.InkLight, true},
		{"case=pale logo on a pale header", "#fdfdf0", "#ffffff", branding.InkDark, true},
		{"case=unknown colour", "", "#1f5fbf", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := branding.Backdrop(c.logo, c.header); got != c.want {
				t.Errorf("Backdrop = %q, want %q", got, c.want)
			}
			if c.want != "" {
				if r, _ := branding.Contrast(c.want, c.logo); r < branding.MinLogoContrast {
					t.Errorf("the chip %s contrasts %.2f:1 with the logo", c.want, r)
				}
			}
			blends := false
			for _, w := range branding.Warnings(c.header, c.logo) {
				blends = blends || w.Code == branding.WarnLogoBlends
			}
			if blends != c.warn {
				t.Errorf("logo-blends warning %v, want %v", blends, c.warn)
			}
		})
	}
	// Resolve puts the chip on the effective branding, only with a logo.
	r := branding.Record{AccountID: "p", Enabled: true, LogoHash: "h", LogoColor: "#1f5fbf",
		Settings: branding.Settings{Color: "#1f5fbf", SupportEmail: "a@b.example"}}
	if got := branding.Resolve([]branding.Record{r}).LogoBackdrop; got != branding.InkLight {
		t.Errorf("effective backdrop %q", got)
	}
	r.LogoHash = ""
	if got := branding.Resolve([]branding.Record{r}).LogoBackdrop; got != "" {
		t.Errorf("backdrop without a logo: %q", got)
	}
}

func TestDominantColor(t *testing.T) {
	t.Parallel()
	// A logo: transparent around, mostly brand blue, some white lettering.
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			switch {
			case x < 4 || x >= 36:
				img.Set(x, y, color.NRGBA{0xff, 0x00, 0x00, 0x00}) // invisible red: not counted
			case y >= 8 && y < 12:
				img.Set(x, y, color.NRGBA{0xff, 0xff, 0xff, 0xff})
			default:
				img.Set(x, y, color.NRGBA{0x1f, 0x5f, 0xbf, 0xff})
			}
		}
	}
	if got, ok := branding.DominantColor(img); !ok || got != "#1f5fbf" {
		t.Fatalf("DominantColor = %q %v, want #1f5fbf", got, ok)
	}
	if _, ok := branding.DominantColor(image.NewNRGBA(image.Rect(0, 0, 4, 4))); ok {
		t.Error("a fully transparent image has a colour")
	}
	// Large images are sampled, and still give their colour.
	big := image.NewGray(image.Rect(0, 0, 2000, 1000))
	for i := range big.Pix {
		big.Pix[i] = 0x40
	}
	if got, ok := branding.DominantColor(big); !ok || got != "#404040" {
		t.Fatalf("DominantColor(big) = %q %v", got, ok)
	}
	// The upload check finds it too.
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	logo, err := branding.Logo(b.Bytes())
	if err != nil || logo.Color != "#1f5fbf" {
		t.Fatalf("Logo colour %q, %v", logo.Color, err)
	}
}
