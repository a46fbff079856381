package branding_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/branding/brandingtest"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func fieldCode(t *testing.T, err error) string {
	t.Helper()
	var v *fault.ValidationError
	if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Field != "body" {
		t.Fatalf("want one validation error on body, got %v", err)
	}
	return v.Fields[0].Code
}

func TestLogoIsCheckedByContent(t *testing.T) {
	t.Parallel()
	ok := []struct {
		name string
		data []byte
		want string
	}{
		{"case=png", brandingtest.PNG(t), branding.PNG},
		{"case=jpeg", brandingtest.JPEG(t), branding.JPEG},
		{"case=webp", brandingtest.WebP(), branding.WebP},
		{"case=lossy webp with alpha", brandingtest.WebPLossy(), branding.WebP},
		{"case=exactly the limit", brandingtest.Padded(t, branding.MaxLogoBytes), branding.PNG},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			img, err := branding.Logo(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if img.ContentType != c.want || img.Hash != branding.Hash(c.data) || len(img.Hash) != 22 || !bytes.Equal(img.Data, c.data) {
				t.Fatalf("got %s %q", img.ContentType, img.Hash)
			}
		})
	}
	bad := []struct {
		name string
		data []byte
		code string
	}{
		{"case=empty", nil, branding.CodeEmpty},
		{"case=a text file", []byte("This is not an image, whatever the request says.\n"), branding.CodeNotAnImage},
		{"case=svg is not accepted", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), branding.CodeNotAnImage},
		{"case=gif is not accepted", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), branding.CodeNotAnImage},
		{"case=one byte over the limit", brandingtest.Padded(t, branding.MaxLogoBytes+1), branding.CodeTooLarge},
		{"case=png magic with garbage after it", append([]byte("\x89PNG\r\n\x1a\n"), strings.Repeat("x", 64)...), branding.CodeBadImage},
		{"case=riff that is not webp", append([]byte("RIFF\x0c\x00\x00\x00WAVEfmt "), 0, 0, 0, 0), branding.CodeNotAnImage},
		{"case=webp with a wrong size", append(brandingtest.WebP(), make([]byte, 10)...), branding.CodeNotAnImage},
		{"case=webp header with damaged data", damagedWebP(), branding.CodeBadImage},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := branding.Logo(c.data)
			if got := fieldCode(t, err); got != c.code {
				t.Fatalf("code %q, want %q", got, c.code)
			}
		})
	}
	t.Run("case=too many pixels", func(t *testing.T) {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, branding.MaxLogoSide+1, 1))); err != nil {
			t.Fatal(err)
		}
		if got := fieldCode(t, func() error { _, err := branding.Logo(b.Bytes()); return err }()); got != branding.CodeDimensions {
			t.Fatalf("code %q", got)
		}
	})
}

// damagedWebP is a well-formed RIFF/WEBP container whose VP8L chunk does not start with its signature.
func damagedWebP() []byte {
	b := brandingtest.WebP()
	b[20] = 0x00 // the VP8L signature byte, 0x2f
	return b
}

// TestLogoColour: the main colour is told for every type, WebP too (lossless exactly, lossy nearly), so the
// contrast checks judge every logo.
func TestLogoColour(t *testing.T) {
	t.Parallel()
	img, err := branding.Logo(brandingtest.WebP())
	if err != nil || img.Color != brandingtest.WebPColor {
		t.Errorf("lossless WebP: %q, %v; want %s", img.Color, err, brandingtest.WebPColor)
	}
	img, err = branding.Logo(brandingtest.WebPLossy())
	if err != nil {
		t.Fatal(err)
	}
	if ratio, ok := branding.Contrast(img.Color, brandingtest.WebPColor); !ok || ratio > 1.2 {
		t.Errorf("lossy WebP: %q, %.2f:1 from %s", img.Color, ratio, brandingtest.WebPColor)
	}
	for name, data := range map[string][]byte{"png": brandingtest.PNG(t), "jpeg": brandingtest.JPEG(t)} {
		if img, err := branding.Logo(data); err != nil || img.Color == "" {
			t.Errorf("%s: %q, %v", name, img.Color, err)
		}
	}
}

func TestUploadRouteAcceptsTheLogoTypes(t *testing.T) {
	t.Parallel()
	rt, ok := route.ByKey("PUT /v1/accounts/{id}/branding/logo")
	if !ok || !slices.Equal(rt.MediaTypes(), branding.MediaTypes) {
		t.Fatalf("the logo route accepts %v, the rules %v", rt.MediaTypes(), branding.MediaTypes)
	}
}

func TestSettingsValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   branding.Settings
		want []string // "field:code"
	}{
		{"case=email channel", branding.Settings{Color: "#0A7C4A", SupportEmail: "help@acme.example"}, nil},
		{"case=url channel and a name", branding.Settings{Name: " Acme ", Color: "#0a7c4a", SupportURL: "https://help.acme.example/portal?x=1"}, nil},
		{"case=both channels", branding.Settings{Color: "#FFFFFF", SupportEmail: "a@b.example", SupportURL: "https://b.example"}, nil},
		{"case=nothing", branding.Settings{}, []string{"color:required", "supportEmail:required"}},
		{"case=short colour", branding.Settings{Color: "#fff", SupportEmail: "a@b.example"}, []string{"color:invalid_color"}},
		{"case=named colour", branding.Settings{Color: "red", SupportEmail: "a@b.example"}, []string{"color:invalid_color"}},
		{"case=colour without #", branding.Settings{Color: "0A7C4A", SupportEmail: "a@b.example"}, []string{"color:invalid_color"}},
		{"case=colour with alpha", branding.Settings{Color: "#0A7C4AFF", SupportEmail: "a@b.example"}, []string{"color:invalid_color"}},
		{"case=bad email", branding.Settings{Color: "#0A7C4A", SupportEmail: "help at acme"}, []string{"supportEmail:invalid_email"}},
		{"case=email with a display name", branding.Settings{Color: "#0A7C4A", SupportEmail: "Help <help@acme.example>"}, []string{"supportEmail:invalid_email"}},
		{"case=plain http", branding.Settings{Color: "#0A7C4A", SupportURL: "http://help.acme.example"}, []string{"supportUrl:invalid_url"}},
		{"case=javascript url", branding.Settings{Color: "#0A7C4A", SupportURL: "javascript:alert(1)"}, []string{"supportUrl:invalid_url"}},
		{"case=url with credentials", branding.Settings{Color: "#0A7C4A", SupportURL: "https://user:pw@acme.example"}, []string{"supportUrl:invalid_url"}},
		{"case=relative url", branding.Settings{Color: "#0A7C4A", SupportURL: "/help"}, []string{"supportUrl:invalid_url"}},
		{"case=name with a line break", branding.Settings{Name: "Acme\nEvil", Color: "#0A7C4A", SupportEmail: "a@b.example"}, []string{"name:invalid"}},
		{"case=name too long", branding.Settings{Name: strings.Repeat("n", 121), Color: "#0A7C4A", SupportEmail: "a@b.example"}, []string{"name:too_long"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := &fault.ValidationError{}
			in := c.in
			in.Validate(v)
			var got []string
			for _, f := range v.Fields {
				got = append(got, f.Field+":"+f.Code)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			if c.want == nil && (in.Color != strings.ToLower(in.Color) || in.Name != strings.TrimSpace(in.Name)) {
				t.Fatalf("not normalized: %+v", in)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	set := func(id string, enabled bool, color string) branding.Record {
		return branding.Record{AccountID: id, AccountName: "Company " + id, Enabled: enabled,
			Settings: branding.Settings{Color: color, SupportEmail: "help@" + id + ".example"}, LogoHash: "h" + id}
	}
	cases := []struct {
		name string
		path []branding.Record
		want string // the account whose branding wins; "" for the default
	}{
		{"case=no records", nil, ""},
		{"case=msp brands what is below it", []branding.Record{set("msp", true, "#111111")}, "msp"},
		{"case=nearest wins", []branding.Record{set("msp", true, "#111111"), set("partner", true, "#222222")}, "partner"},
		{"case=disabled falls back", []branding.Record{set("msp", true, "#111111"), set("partner", false, "#222222")}, "msp"},
		{"case=enabled but not set falls back", []branding.Record{set("msp", true, "#111111"), set("partner", true, "")}, "msp"},
		{"case=nothing applies", []branding.Record{set("msp", false, "#111111"), set("partner", true, "")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := branding.Resolve(c.path)
			if got.AccountID != c.want {
				t.Fatalf("branding of %q, want %q", got.AccountID, c.want)
			}
			if c.want == "" && got != branding.Default {
				t.Fatalf("got %+v, want the default", got)
			}
			if c.want != "" && (got.Name != "Company "+c.want || got.LogoURL != "/v1/logos/"+c.want+"?v=h"+c.want || got.SupportEmail != "help@"+c.want+".example") {
				t.Fatalf("got %+v", got)
			}
		})
	}
	t.Run("case=its own name wins over the company's", func(t *testing.T) {
		r := set("p", true, "#333333")
		r.Settings.Name = "Acme Cloud"
		if got := branding.Resolve([]branding.Record{r}); got.Name != "Acme Cloud" {
			t.Fatalf("name %q", got.Name)
		}
	})
	t.Run("case=json", func(t *testing.T) {
		b, err := branding.Default.MarshalJSON()
		if err != nil || string(b) != `{"accountId":null,"name":"PartnerHub","logoUrl":null,"color":"#1f5fbf","supportEmail":null,"supportUrl":null,"logoBackdrop":null}` {
			t.Fatalf("%s %v", b, err)
		}
		if abs := (branding.Effective{LogoURL: "/v1/logos/a?v=h"}).Absolute("https://portal.example/"); abs.LogoURL != "https://portal.example/v1/logos/a?v=h" {
			t.Fatalf("absolute %q", abs.LogoURL)
		}
	})
}
