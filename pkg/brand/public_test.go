package brand_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/branding/brandingtest"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// public is GET /v1/brands/{id}, with no session.
func (tr *tree) public(id string) platformtest.Reply {
	tr.T.Helper()
	return tr.Call(platformtest.Request{Function: route.Branding, Route: "GET /v1/brands/{id}",
		Params: map[string]string{"id": id}, Headers: map[string]string{}})
}

// logoIn is a PNG logo of one colour.
func logoIn(t *testing.T, c color.NRGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 60, 20))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPublicBrandIsTheEffectiveBrandingOfABrandedAccount: GET /v1/brands/{id} answers, without a session, the
// branding an account shows — its own or its nearest branded ancestor's, with exactly the public fields — and
// the same 404 for an unknown id, a malformed one, and an account that shows PartnerHub's own look.
func TestPublicBrandIsTheEffectiveBrandingOfABrandedAccount(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	for name, id := range map[string]string{"unbranded": tr.customer.ID, "unknown": secret.NewID(), "malformed": "not an id!", "provider": tr.ProviderID} {
		if r := tr.public(id); r.StatusCode != http.StatusNotFound || r.Problem() != "not-found" {
			t.Fatalf("%s: %d %s, want 404 not-found", name, r.StatusCode, r.Body)
		}
	}

	tr.brandPartner(tr.partner.ID, tr.partnerAdmin, map[string]string{
		"name": "Northwind Portal", "color": "#0a7c4a", "supportEmail": "help@northwind.example"})
	if r := tr.upload(tr.partnerAdmin, tr.partner.ID, logoIn(t, color.NRGBA{0x0a, 0x7c, 0x4a, 0xff}), "image/png"); r.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	before := tr.Snapshot()
	for _, id := range []string{tr.partner.ID, tr.customer.ID} {
		r := tr.public(id)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("brand of %s: %d %s", id, r.StatusCode, r.Body)
		}
		keys := slices.Sorted(maps.Keys(r.JSON))
		if want := []string{"accountId", "color", "logoBackdrop", "logoUrl", "name", "supportEmail", "supportUrl"}; !slices.Equal(keys, want) {
			t.Errorf("fields %v, want only %v", keys, want)
		}
		if r.JSON["accountId"] != tr.partner.ID || r.JSON["name"] != "Northwind Portal" || r.JSON["color"] != "#0a7c4a" {
			t.Errorf("brand of %s: %s", id, r.Body)
		}
		// The logo is the brand's colour: the header shows it on a white chip.
		if r.JSON["logoBackdrop"] != branding.InkLight {
			t.Errorf("logoBackdrop %v, want %s", r.JSON["logoBackdrop"], branding.InkLight)
		}
		if got := r.Headers["Cache-Control"]; got != "public, max-age=60" {
			t.Errorf("Cache-Control %q", got)
		}
	}
	tr.Unchanged(before, "a brand lookup")

	// Switched off by the provider: PartnerHub's look again, so 404.
	if r := tr.enable(tr.Super, tr.partner.ID, false); r.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d %s", r.StatusCode, r.Body)
	}
	if r := tr.public(tr.customer.ID); r.StatusCode != http.StatusNotFound {
		t.Fatalf("after disabling: %d %s", r.StatusCode, r.Body)
	}
}

// TestSavingWarnsOfLowContrastAndABlendingLogo: settings whose header text would read badly, and a logo in
// (nearly) the header's colour, are saved with warnings in the answer, not refused; good ones have none.
func TestSavingWarnsOfLowContrastAndABlendingLogo(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	if r := tr.enable(tr.Super, tr.partner.ID, true); r.StatusCode != http.StatusOK {
		t.Fatalf("enable: %d %s", r.StatusCode, r.Body)
	}
	codes := func(r platformtest.Reply) []string {
		t.Helper()
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		list, ok := r.JSON["warnings"].([]any)
		if !ok {
			t.Fatalf("no warnings list: %s", r.Body)
		}
		var out []string
		for _, w := range list {
			m, _ := w.(map[string]any)
			if m["message"] == "" || m["ratio"] == nil {
				t.Errorf("warning %v", m)
			}
			out = append(out, m["code"].(string))
		}
		return out
	}
	// Mid grey: neither white nor dark text reaches 4.5:1 on it.
	if got := codes(tr.set(tr.partnerAdmin, tr.partner.ID, map[string]string{"color": "#777777", "supportEmail": "help@contoso.example"})); !slices.Equal(got, []string{branding.WarnLowContrast}) {
		t.Fatalf("grey header: warnings %v", got)
	}
	if v := member(tr.get(tr.partnerAdmin, tr.partner.ID), "effective"); v["color"] != "#777777" {
		t.Fatalf("the settings were not saved: %v", v)
	}
	// A good colour, then a logo in nearly that colour.
	if got := codes(tr.set(tr.partnerAdmin, tr.partner.ID, map[string]string{"color": "#1f5fbf", "supportEmail": "help@contoso.example"})); len(got) != 0 {
		t.Fatalf("blue header: warnings %v", got)
	}
	r := tr.upload(tr.partnerAdmin, tr.partner.ID, logoIn(t, color.NRGBA{0x25, 0x62, 0xc0, 0xff}), "image/png")
	if got := codes(r); !slices.Equal(got, []string{branding.WarnLogoBlends}) {
		t.Fatalf("logo in the header's colour: warnings %v", got)
	}
	if r.JSON["logoColor"] != "#2562c0" || member(r, "effective")["logoBackdrop"] != branding.InkLight {
		t.Fatalf("logo colour %v, backdrop %v", r.JSON["logoColor"], member(r, "effective")["logoBackdrop"])
	}
	// A white logo stands out on the blue header: no chip, no warning.
	r = tr.upload(tr.partnerAdmin, tr.partner.ID, logoIn(t, color.NRGBA{0xff, 0xff, 0xff, 0xff}), "image/png")
	if got := codes(r); len(got) != 0 || member(r, "effective")["logoBackdrop"] != nil {
		t.Fatalf("white logo: warnings %v, backdrop %v", got, member(r, "effective")["logoBackdrop"])
	}
	// A WebP logo is judged too: a navy one on a navy header gets the chip and the warning.
	if got := codes(tr.set(tr.partnerAdmin, tr.partner.ID, map[string]string{"color": "#1d2c50", "supportEmail": "help@contoso.example"})); len(got) != 0 {
		t.Fatalf("navy header: warnings %v", got)
	}
	r = tr.upload(tr.partnerAdmin, tr.partner.ID, brandingtest.WebP(), "image/webp")
	if got := codes(r); !slices.Equal(got, []string{branding.WarnLogoBlends}) || r.JSON["logoColor"] != brandingtest.WebPColor {
		t.Fatalf("navy WebP logo: warnings %v, logo colour %v", got, r.JSON["logoColor"])
	}
}
