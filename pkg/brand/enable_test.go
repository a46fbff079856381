package brand_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func TestOnlyTheProviderEnablesBranding(t *testing.T) {
	t.Parallel()
	tr := newTree(t)

	t.Run("case=refused requests change nothing", func(t *testing.T) {
		before := tr.Snapshot()
		wantProblem(t, tr.enable(tr.partnerAdmin, tr.partner.ID, true), http.StatusForbidden, "forbidden")
		wantProblem(t, tr.enable(tr.mspAdmin, tr.partner.ID, true), http.StatusForbidden, "forbidden")
		wantProblem(t, tr.enable(tr.Super, tr.customer.ID, true), http.StatusBadRequest, "branding-not-available")
		wantProblem(t, tr.enable(tr.Super, tr.ProviderID, true), http.StatusBadRequest, "branding-not-available")
		wantProblem(t, tr.enable(tr.Super, "no-such-account", true), http.StatusNotFound, "not-found")
		wantProblem(t, tr.enable(tr.customerAdmin, tr.partner.ID, true), http.StatusNotFound, "not-found") // outside its tree
		for body, want := range map[string][]string{
			`{}`:                            {"enabled:required"},
			`{"enabled":"yes"}`:             {"enabled:wrong_type"},
			`{"enabled":true,"color":"#1"}`: {"color:unknown_field"},
		} {
			r := tr.Call(platformtest.Request{Function: route.Branding, Route: "PUT /v1/accounts/{id}/branding/enabled",
				Params: map[string]string{"id": tr.partner.ID}, Cookie: tr.Super, Body: body})
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(r.Fields(), want) {
				t.Fatalf("body %s: %d %s", body, r.StatusCode, r.Body)
			}
		}
		tr.Unchanged(before, "refused enables")
	})

	r := tr.enable(tr.Super, tr.partner.ID, true)
	if r.StatusCode != http.StatusOK || r.JSON["enabled"] != true || r.Str("accountId") != tr.partner.ID {
		t.Fatalf("enable: %d %s", r.StatusCode, r.Body)
	}
	if n := count(tr.Audit(tr.partner.ID), "branding.enabled"); n != 1 {
		t.Fatalf("%d branding.enabled events", n)
	}
	if got := tr.get(tr.partnerAdmin, tr.partner.ID); got.JSON["enabled"] != true {
		t.Fatalf("the partner sees %s", got.Body)
	}

	t.Run("case=enabling again writes nothing", func(t *testing.T) {
		before := tr.Snapshot()
		if r := tr.enable(tr.Super, tr.partner.ID, true); r.StatusCode != http.StatusOK || r.JSON["enabled"] != true {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		tr.Unchanged(before, "enabling again")
	})

	t.Run("case=msp too", func(t *testing.T) {
		if r := tr.enable(tr.Super, tr.msp.ID, true); r.StatusCode != http.StatusOK || r.JSON["enabled"] != true {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
	})

	r = tr.enable(tr.Super, tr.partner.ID, false)
	if r.StatusCode != http.StatusOK || r.JSON["enabled"] != false {
		t.Fatalf("disable: %d %s", r.StatusCode, r.Body)
	}
	if n := count(tr.Audit(tr.partner.ID), "branding.disabled"); n != 1 {
		t.Fatalf("%d branding.disabled events", n)
	}
	wantProblem(t, tr.set(tr.partnerAdmin, tr.partner.ID, map[string]string{"color": "#0a7c4a", "supportEmail": "help@contoso.example"}),
		http.StatusConflict, "branding-not-enabled")
}
