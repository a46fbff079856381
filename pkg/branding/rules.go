package branding

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/webp"

	"github.com/partnerhub/partnerhub/pkg/display"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// Limits of the branding settings and the logo.
const (
	// MaxLogoBytes is the largest logo accepted: 100 KiB, small enough for an email header and for one item.
	MaxLogoBytes = 100 << 10
	// MaxLogoSide bounds a PNG's or JPEG's width and height, so a tiny file cannot claim a huge canvas.
	MaxLogoSide = 4096
	maxName     = 120
	maxEmail    = 254
	maxURL      = 2048
)

// Logo media types, the only ones accepted and served.
const (
	PNG  = "image/png"
	JPEG = "image/jpeg"
	WebP = "image/webp"
)

// MediaTypes are the media types a logo upload may declare. The declared type only has to be one of them: the
// stored type is what the content is.
var MediaTypes = []string{PNG, JPEG, WebP}

// Field error codes of branding requests.
const (
	CodeRequired   = "required"
	CodeInvalid    = "invalid"
	CodeTooLong    = "too_long"
	CodeColor      = "invalid_color"
	CodeEmail      = "invalid_email"
	CodeURL        = "invalid_url"
	CodeNotAnImage = "not_an_image"
	CodeTooLarge   = "too_large"
	CodeEmpty      = "empty"
	CodeBadImage   = "bad_image"
	CodeDimensions = "too_many_pixels" // width or height over MaxLogoSide
)

var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// IsHexColor reports whether s is a colour as #RRGGBB, exactly (no spaces): the one colour rule, which the
// mailer also applies to what it puts in an email.
func IsHexColor(s string) bool { return hexColor.MatchString(s) }

// Color checks a primary colour, #RRGGBB, and returns it in lower case so equal colours compare equal.
func Color(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !IsHexColor(s) {
		return "", false
	}
	return strings.ToLower(s), true
}

// SupportEmail checks a support address: a bare address (no display name) with a dotted domain.
func SupportEmail(s string) bool {
	if s == "" || len(s) > maxEmail || strings.ContainsAny(s, " \t<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// SupportURL checks a support link: an absolute https URL with a host and no credentials. Plain http is refused
// because the link is shown to every user below the partner and in every email they get.
func SupportURL(s string) bool {
	if s == "" || len(s) > maxURL || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Hostname() != ""
}

// Settings are what a partner sets: the primary colour, the support channel (an email address, a URL or both)
// and, optionally, the name shown in place of PartnerHub's.
type Settings struct {
	Name         string `json:"name"`
	Color        string `json:"color"`
	SupportEmail string `json:"supportEmail"`
	SupportURL   string `json:"supportUrl"`
}

// Validate checks every field and normalizes them (trimmed, colour in lower case), naming every problem.
func (s *Settings) Validate(v *fault.ValidationError) {
	s.Name = strings.TrimSpace(s.Name)
	code, detail, shown := display.Check(s.Name)
	switch {
	case v.Has("name"), s.Name == "":
	case utf8.RuneCountInString(s.Name) > maxName:
		v.Add("name", CodeTooLong, fmt.Sprintf("Use at most %d characters.", maxName))
	case !shown:
		v.Add("name", code, detail)
	}
	switch c, ok := Color(s.Color); {
	case v.Has("color"):
	case strings.TrimSpace(s.Color) == "":
		v.Add("color", CodeRequired, "Choose the primary colour, like #1F5FBF.")
	case !ok:
		v.Add("color", CodeColor, "Write the colour as # and six hexadecimal digits, like #1F5FBF.")
	default:
		s.Color = c
	}
	s.SupportEmail = strings.TrimSpace(s.SupportEmail)
	s.SupportURL = strings.TrimSpace(s.SupportURL)
	// The support channel is shown to every user below the partner, so it is display text before it is an
	// address: an invisible character is named as such rather than as a bad address.
	for _, f := range []struct{ field, value string }{{"supportEmail", s.SupportEmail}, {"supportUrl", s.SupportURL}} {
		if code, detail, shown := display.Check(f.value); !shown && !v.Has(f.field) {
			v.Add(f.field, code, detail)
		}
	}
	if s.SupportEmail != "" && !v.Has("supportEmail") && !SupportEmail(s.SupportEmail) {
		v.Add("supportEmail", CodeEmail, "Enter an email address like support@example.com.")
	}
	if s.SupportURL != "" && !v.Has("supportUrl") && !SupportURL(s.SupportURL) {
		v.Add("supportUrl", CodeURL, "Enter a secure web address that starts with https://.")
	}
	if s.SupportEmail == "" && s.SupportURL == "" && !v.Has("supportEmail") && !v.Has("supportUrl") {
		v.Add("supportEmail", CodeRequired, "Give a support channel: an email address (supportEmail), a web address (supportUrl) or both.")
	}
}

// Image is a checked logo.
type Image struct {
	ContentType string
	Data        []byte
	// Hash identifies the content: it is the logo's version in URLs and its strong ETag.
	Hash string
	// Color is the logo's main colour (DominantColor), "" when it cannot be told: an image too large to decode
	// (maxDecodePixels), one with no visible pixel, or a WebP file of a kind the decoder does not read (an
	// animation).
	Color string
}

// maxDecodePixels bounds the images whose pixels are decoded to find their main colour (16 MiB as RGBA): a
// small file can claim a large canvas, and the header check alone accepts up to MaxLogoSide².
const maxDecodePixels = 2048 * 2048

// Logo checks an uploaded logo by its content, never by the type the client declared: it must be a PNG, JPEG or
// WebP file (by its magic bytes, and a header that decodes, within MaxLogoSide) of at most MaxLogoBytes. The
// error is a validation error on "body".
func Logo(data []byte) (Image, error) {
	switch {
	case len(data) == 0:
		return Image{}, fault.Invalid("body", CodeEmpty, "Send the logo image as the request body.")
	case len(data) > MaxLogoBytes:
		return Image{}, fault.Invalid("body", CodeTooLarge, fmt.Sprintf("The logo is larger than %d KiB.", MaxLogoBytes>>10))
	}
	ct := Sniff(data)
	if ct == "" {
		return Image{}, fault.Invalid("body", CodeNotAnImage, "The logo must be a PNG, JPEG or WebP image.")
	}
	var (
		cfg image.Config
		err error
	)
	switch ct {
	case PNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case JPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case WebP:
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return Image{}, fault.Invalid("body", CodeBadImage, "The logo's image data is damaged.")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return Image{}, fault.Invalid("body", CodeDimensions, fmt.Sprintf("The logo must be at most %d×%d pixels.", MaxLogoSide, MaxLogoSide))
	}
	img := Image{ContentType: ct, Data: data, Hash: Hash(data)}
	if cfg.Width*cfg.Height <= maxDecodePixels {
		decoded, err := decode(ct, data)
		switch {
		case err == nil:
			img.Color, _ = DominantColor(decoded)
		case ct != WebP:
			return Image{}, fault.Invalid("body", CodeBadImage, "The logo's image data is damaged.")
		}
		// A WebP file whose header decodes but whose pixels the decoder does not read (an animation, which
		// browsers show) is kept, without a colour.
	}
	return img, nil
}

// decode decodes the pixels of an image of type ct.
func decode(ct string, data []byte) (image.Image, error) {
	switch ct {
	case PNG:
		return png.Decode(bytes.NewReader(data))
	case JPEG:
		return jpeg.Decode(bytes.NewReader(data))
	}
	return webp.Decode(bytes.NewReader(data))
}

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
)

// Sniff names the image type of data by its magic bytes: PNG, JPEG or WebP, or "" for anything else.
func Sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, pngMagic):
		return PNG
	case bytes.HasPrefix(data, jpegMagic):
		return JPEG
	case isWebP(data):
		return WebP
	}
	return ""
}

// isWebP checks a RIFF/WEBP header: "RIFF", the RIFF size (the file's length less 8, at most one padding byte
// off), "WEBP", then a VP8, VP8L or VP8X chunk.
func isWebP(data []byte) bool {
	if len(data) < 20 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return false
	}
	size := int64(binary.LittleEndian.Uint32(data[4:8]))
	if size < 12 || size+8 > int64(len(data)) || size+8 < int64(len(data))-1 {
		return false
	}
	switch string(data[12:16]) {
	case "VP8 ", "VP8L", "VP8X":
		return true
	}
	return false
}

// Hash is the content hash of a logo: the first 128 bits of its SHA-256, base64url.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
