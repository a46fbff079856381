package grant_test

import (
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/grant"
)

// TestProspectInvitesNoSupportPartner: a prospect has no support partners until it is converted to a customer.
func TestProspectInvitesNoSupportPartner(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// The customer goes back to being a prospect through its update seam: only the stage changes.
	if _, err := w.Store.UpdateAccount(t.Context(), w.customer.ID, func(acc *account.Account, _ *dynamo.Tx) error {
		acc.Stage = account.Prospect
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before := w.Snapshot()
	r := w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, map[string]any{"partnerId": w.partnerID()})
	if r.StatusCode != http.StatusForbidden || r.Problem() != "account-is-prospect" {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	w.Unchanged(before, "a prospect inviting a support partner")
}
