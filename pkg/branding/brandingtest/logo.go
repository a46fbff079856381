// Package brandingtest makes real logo files for the tests of the branding rules and endpoints.
package brandingtest

import (
	"bytes"
	_ "embed"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// tinyImage is a small picture in the partner's colours.
func tinyImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for x := range 8 {
		for y := range 4 {
			img.Set(x, y, color.RGBA{0x0a, 0x7c, byte(x * 30), 0xff})
		}
	}
	return img
}

// PNG is a real PNG file.
func PNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, tinyImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// JPEG is a real JPEG file.
func JPEG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, tinyImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The WebP files are a 16×8 navy logo (WebPColor) with a transparent first column, made by cwebp from a PNG:
// one lossless (a VP8L chunk), one lossy with alpha (VP8X, ALPH and VP8 chunks).
var (
	//go:embed testdata/navy-lossless.webp
	webpLossless []byte
	//go:embed testdata/navy-lossy.webp
	webpLossy []byte
)

// WebPColor is the main colour of the WebP logos.
const WebPColor = "#1b2a4e"

// WebP is a real lossless WebP file.
func WebP() []byte { return bytes.Clone(webpLossless) }

// WebPLossy is a real lossy WebP file with an alpha channel.
func WebPLossy() []byte { return bytes.Clone(webpLossy) }

// Padded is a PNG grown to n bytes with trailing data after its end, as some editors leave.
func Padded(t testing.TB, n int) []byte {
	t.Helper()
	b := PNG(t)
	return append(b, make([]byte, n-len(b))...)
}
