// Package brandingtest makes real logo files for the tests of the branding rules and endpoints.
package brandingtest

import (
	"bytes"
	"encoding/binary"
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

// WebP is a minimal valid WebP file: a RIFF container holding one lossless (VP8L) chunk of a 1×1 image.
func WebP() []byte {
	vp8l := []byte{0x2f, 0x00, 0x00, 0x00, 0x00, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00}
	chunk := append([]byte("VP8L"), binary.LittleEndian.AppendUint32(nil, uint32(len(vp8l)))...)
	chunk = append(chunk, vp8l...)
	body := append([]byte("WEBP"), chunk...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// Padded is a PNG grown to n bytes with trailing data after its end, as some editors leave.
func Padded(t testing.TB, n int) []byte {
	t.Helper()
	b := PNG(t)
	return append(b, make([]byte, n-len(b))...)
}
