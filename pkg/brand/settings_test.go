package brand_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/branding/brandingtest"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func TestBrandingNotEnabled(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	before := tr.Snapshot()
	wantProblem(t, tr.set(tr.partnerAdmin, tr.partner.ID, map[string]string{"color": "#0a7c4a", "supportEmail": "help@contoso.example"}),
		http.StatusConflict, "branding-not-enabled")
	wantProblem(t, tr.upload(tr.partnerAdmin, tr.partner.ID, brandingtest.PNG(t), "image/png"), http.StatusConflict, "branding-not-enabled")
	// A customer's branding can never be enabled, so setting it is always this conflict.
	wantProblem(t, tr.set(tr.customerAdmin, tr.customer.ID, map[string]string{"color": "#0a7c4a", "supportEmail": "help@fabrikam.example"}),
		http.StatusConflict, "branding-not-enabled")
	tr.Unchanged(before, "branding calls before branding was enabled")

	r := tr.get(tr.partnerAdmin, tr.partner.ID)
	if r.StatusCode != http.StatusOK || r.JSON["enabled"] != false || r.JSON["color"] != nil || r.JSON["logoUrl"] != nil ||
		member(r, "effective")["name"] != "PartnerHub" || member(r, "effective")["accountId"] != nil {
		t.Fatalf("GET before enabling: %d %s", r.StatusCode, r.Body)
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	if r := tr.enable(tr.Super, tr.partner.ID, true); r.StatusCode != http.StatusOK {
		t.Fatalf("enable: %d %s", r.StatusCode, r.Body)
	}

	t.Run("case=bad bodies change nothing and name every problem", func(t *testing.T) {
		before := tr.Snapshot()
		for body, want := range map[string][]string{
			`{}`: {"color:required", "supportEmail:required"},
			`{"color":"#12345","supportEmail":"help"}`:                       {"color:invalid_color", "supportEmail:invalid_email"},
			`{"color":"#123456","supportUrl":"http://help.contoso.example"}`: {"supportUrl:invalid_url"},
			`{"color":123456,"supportEmail":"a@b.example","logo":"x"}`:       {"color:wrong_type", "logo:unknown_field"},
			`[]`: {"body:wrong_type"},
		} {
			r := tr.Call(platformtest.Request{Function: route.Branding, Route: "PUT /v1/accounts/{id}/branding",
				Params: map[string]string{"id": tr.partner.ID}, Cookie: tr.partnerAdmin, Body: body})
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(r.Fields(), want) {
				t.Fatalf("body %s: %d %v, want %v", body, r.StatusCode, r.Fields(), want)
			}
		}
		tr.Unchanged(before, "bad branding bodies")
	})

	r := tr.set(tr.partnerAdmin, tr.partner.ID, map[string]string{"color": "#0A7C4A", "supportEmail": "help@contoso.example", "name": "Contoso Cloud"})
	if r.StatusCode != http.StatusOK || r.Str("color") != "#0a7c4a" || r.Str("supportEmail") != "help@contoso.example" ||
		r.JSON["supportUrl"] != nil || r.Str("name") != "Contoso Cloud" || r.JSON["enabled"] != true {
		t.Fatalf("set: %d %s", r.StatusCode, r.Body)
	}
	if e := member(r, "effective"); e["accountId"] != tr.partner.ID || e["color"] != "#0a7c4a" || e["name"] != "Contoso Cloud" {
		t.Fatalf("effective %v", e)
	}
	if n := count(tr.Audit(tr.partner.ID), "branding.updated"); n != 1 {
		t.Fatalf("%d branding.updated events", n)
	}

	// The settings are replaced as a whole: a URL instead of the address, and no name.
	r = tr.set(tr.partnerAdmin, tr.partner.ID, map[string]string{"color": "#123456", "supportUrl": "https://help.contoso.example/portal"})
	if r.StatusCode != http.StatusOK || r.JSON["supportEmail"] != nil || r.Str("supportUrl") != "https://help.contoso.example/portal" || r.JSON["name"] != nil {
		t.Fatalf("replace: %d %s", r.StatusCode, r.Body)
	}
	if e := member(r, "effective"); e["name"] != "Contoso Partner" {
		t.Fatalf("without its own name the brand is the company's: %v", e)
	}

	t.Run("case=who may set it", func(t *testing.T) {
		body := map[string]string{"color": "#654321", "supportEmail": "help@northwind.example"}
		// The msp's administrator administers its direct child.
		if r := tr.set(tr.mspAdmin, tr.partner.ID, body); r.StatusCode != http.StatusOK {
			t.Fatalf("msp admin: %d %s", r.StatusCode, r.Body)
		}
		// The provider's super administrator may act on the whole tree.
		if r := tr.set(tr.Super, tr.partner.ID, body); r.StatusCode != http.StatusOK {
			t.Fatalf("super admin: %d %s", r.StatusCode, r.Body)
		}
		before := tr.Snapshot()
		wantProblem(t, tr.set(tr.customerAdmin, tr.partner.ID, body), http.StatusNotFound, "not-found") // above its tree
		wantProblem(t, tr.set(tr.partnerAdmin, tr.msp.ID, body), http.StatusNotFound, "not-found")
		tr.Unchanged(before, "refused settings")
	})

	t.Run("case=anyone with a view of the account reads it", func(t *testing.T) {
		for _, cookie := range []string{tr.Super, tr.mspAdmin, tr.partnerAdmin} {
			if r := tr.get(cookie, tr.partner.ID); r.StatusCode != http.StatusOK || r.Str("color") != "#654321" {
				t.Fatalf("%d %s", r.StatusCode, r.Body)
			}
		}
		wantProblem(t, tr.get(tr.customerAdmin, tr.partner.ID), http.StatusNotFound, "not-found")
	})
}
