package twofactor

import (
	"encoding/base64"
	"fmt"

	"rsc.io/qr"
)

// qrScale is how many pixels one QR module takes: a typical otpauth URI (version 6–8, 41–49 modules plus the
// quiet zone) becomes a PNG of about 300 pixels, sharp enough for any phone camera.
const qrScale = 6

// QRDataURL draws text as a QR code (error correction level M) and returns it as a PNG data URL that a page can
// put straight into <img src>.
func QRDataURL(text string) (string, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	code.Scale = qrScale
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG()), nil
}
