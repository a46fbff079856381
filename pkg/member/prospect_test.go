package member_test

import (
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// TestNobodyInvitedIntoAProspect: a prospect's people hear from the platform when it is converted, so inviting a
// user into one is refused and changes nothing.
func TestNobodyInvitedIntoAProspect(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	prospect := account.Account{ID: secret.NewID(), Kind: account.Customer, Stage: account.Prospect, ParentID: h.provider.ID,
		Ancestors: h.provider.Path(), Company: account.Company{Name: "Prospective Co"}, Status: account.Pending, CreatedAt: start, Version: 1}
	h.Put(dynamo.AccountItem(prospect))
	before := h.Snapshot()
	r := h.invite(h.superTok, prospect.ID, map[string]any{"name": "Pia Prospect", "email": "pia@example.com", "roles": []string{"read-only"}})
	if r.StatusCode != 409 || r.Problem() != "account-is-prospect" {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	h.Unchanged(before, "an invitation into a prospect")
}
