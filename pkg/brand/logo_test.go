package brand_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/brand"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/branding/brandingtest"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func TestLogoUpload(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.brandPartner(tr.partner.ID, tr.partnerAdmin, map[string]string{"color": "#0a7c4a", "supportEmail": "help@contoso.example"})
	logo := brandingtest.PNG(t)
	hash := branding.Hash(logo)

	t.Run("case=refused uploads change nothing", func(t *testing.T) {
		before := tr.Snapshot()
		r := tr.upload(tr.partnerAdmin, tr.partner.ID, []byte("just some text\n"), "image/png")
		if r.StatusCode != http.StatusBadRequest || r.Fields()[0] != "body:not_an_image" {
			t.Fatalf("text as png: %d %s", r.StatusCode, r.Body)
		}
		r = tr.upload(tr.partnerAdmin, tr.partner.ID, brandingtest.Padded(t, branding.MaxLogoBytes+1), "image/png")
		if r.StatusCode != http.StatusBadRequest || r.Fields()[0] != "body:too_large" {
			t.Fatalf("100 KiB + 1: %d %s", r.StatusCode, r.Body)
		}
		wantProblem(t, tr.upload(tr.partnerAdmin, tr.partner.ID, logo, "image/gif"), http.StatusUnsupportedMediaType, "unsupported-media-type")
		wantProblem(t, tr.upload(tr.partnerAdmin, tr.partner.ID, logo, "application/json"), http.StatusUnsupportedMediaType, "unsupported-media-type")
		wantProblem(t, tr.upload(tr.customerAdmin, tr.partner.ID, logo, "image/png"), http.StatusNotFound, "not-found")
		noOrigin := tr.Event(platformtest.Request{Function: route.Branding, Route: brand.RouteLogo, Params: map[string]string{"id": tr.partner.ID},
			Cookie: tr.partnerAdmin, Body: logo, Headers: map[string]string{"content-type": "image/png"}})
		wantProblem(t, tr.Send(route.Branding, noOrigin), http.StatusForbidden, "origin-not-allowed")
		tr.Unchanged(before, "refused uploads")
	})

	r := tr.upload(tr.partnerAdmin, tr.partner.ID, logo, "image/png")
	want := "/v1/logos/" + tr.partner.ID + "?v=" + hash
	if r.StatusCode != http.StatusOK || r.Str("logoUrl") != want || member(r, "effective")["logoUrl"] != want {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	if n := count(tr.Audit(tr.partner.ID), "branding.logo-updated"); n != 1 {
		t.Fatalf("%d branding.logo-updated events", n)
	}

	t.Run("case=served publicly", func(t *testing.T) {
		r := tr.publicLogo(tr.partner.ID, hash, nil)
		body, err := base64.StdEncoding.DecodeString(r.Body)
		if r.StatusCode != http.StatusOK || !r.IsBase64Encoded || err != nil || !bytes.Equal(body, logo) {
			t.Fatalf("%d base64=%v %v", r.StatusCode, r.IsBase64Encoded, err)
		}
		for k, v := range map[string]string{"Content-Type": "image/png", "ETag": `"` + hash + `"`,
			"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"} {
			if r.Headers[k] != v {
				t.Errorf("%s: %q, want %q", k, r.Headers[k], v)
			}
		}
		if r := tr.publicLogo(tr.partner.ID, "", nil); r.StatusCode != http.StatusOK || r.Headers["Cache-Control"] != "public, max-age=300, must-revalidate" {
			t.Fatalf("latest: %d %v", r.StatusCode, r.Headers)
		}
		if r := tr.publicLogo(tr.partner.ID, "old", nil); r.Headers["Cache-Control"] != "public, max-age=300, must-revalidate" {
			t.Fatalf("an old version's URL must not be cached for long: %v", r.Headers)
		}
		r = tr.publicLogo(tr.partner.ID, hash, map[string]string{"if-none-match": `"` + hash + `"`})
		if r.StatusCode != http.StatusNotModified || r.Body != "" || r.Headers["ETag"] != `"`+hash+`"` {
			t.Fatalf("conditional: %d %v %q", r.StatusCode, r.Headers, r.Body)
		}
		wantProblem(t, tr.publicLogo(tr.msp.ID, "", nil), http.StatusNotFound, "not-found")
		wantProblem(t, tr.publicLogo("../../etc", "", nil), http.StatusNotFound, "not-found")
	})

	t.Run("case=the content decides the type", func(t *testing.T) {
		for _, c := range []struct {
			name, declared, want string
			data                 []byte
		}{
			{"png declared as jpeg", "image/jpeg", "image/png", brandingtest.PNG(t)},
			{"jpeg", "image/jpeg", "image/jpeg", brandingtest.JPEG(t)},
			{"webp", "image/webp", "image/webp", brandingtest.WebP()},
			{"jpeg declared as webp", "image/webp", "image/jpeg", brandingtest.JPEG(t)},
		} {
			// The same bytes twice leave the same version; make each upload new.
			data := append(c.data, []byte(c.name)...)
			if c.want == branding.WebP {
				data = c.data
			}
			r := tr.upload(tr.partnerAdmin, tr.partner.ID, data, c.declared)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", c.name, r.StatusCode, r.Body)
			}
			served := tr.publicLogo(tr.partner.ID, branding.Hash(data), nil)
			if served.StatusCode != http.StatusOK || served.Headers["Content-Type"] != c.want {
				t.Fatalf("%s: served %d as %q, want %q", c.name, served.StatusCode, served.Headers["Content-Type"], c.want)
			}
		}
	})

	t.Run("case=gone while branding is off", func(t *testing.T) {
		tr.enable(tr.Super, tr.partner.ID, false)
		wantProblem(t, tr.publicLogo(tr.partner.ID, "", nil), http.StatusNotFound, "not-found")
		tr.enable(tr.Super, tr.partner.ID, true)
		if r := tr.publicLogo(tr.partner.ID, "", nil); r.StatusCode != http.StatusOK {
			t.Fatalf("after enabling again: %d", r.StatusCode)
		}
	})
}
