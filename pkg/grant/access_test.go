package grant_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestStaffAccessIsCheckedOnEveryRequest checks what authentication asks of a session acting through a grant,
// beyond its membership: the grant is before its end date even when the sweep has not ended it yet, the user is
// still a member of the partner, and the partner account is open. Switching to the customer asks the same. A
// grant that ended leaves the person their own account (403 access-ended, and the session back home); losing the
// partner leaves them nothing to fall back to (401).
func TestStaffAccessIsCheckedOnEveryRequest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// cut ends the staff member's access some way other than a revoke; it may move the clock.
		cut func(w *world, staff staffMember)
		// status and slug are the answer in the customer; home whether the session then works in the partner.
		status int
		slug   string
		home   bool
	}{
		{"case=end date passed, not yet swept", func(w *world, _ staffMember) { w.advance(2 * 24 * time.Hour) },
			http.StatusForbidden, "access-ended", true},
		{"case=removed from the partner", func(w *world, staff staffMember) {
			platformtest.WantStatus(w.T, w.Call(platformtest.Request{Function: route.Revoke, Route: "DELETE /v1/accounts/{id}/users/{userId}", Cookie: w.partnerAdmin,
				Params: map[string]string{"id": w.partner.ID, "userId": staff.id}}), http.StatusOK)
		}, http.StatusUnauthorized, "unauthorized", false},
		{"case=partner disabled", func(w *world, _ staffMember) {
			platformtest.WantStatus(w.T, w.Call(platformtest.Request{Function: route.Revoke, Route: "POST /v1/accounts/{id}/disable", Cookie: w.mspAdmin,
				Params: map[string]string{"id": w.partner.ID}}), http.StatusOK)
		}, http.StatusUnauthorized, "unauthorized", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			staff := w.addStaff("Sam Staff")
			ends := w.Clock.Now().Add(2 * 24 * time.Hour)
			id := w.invite(map[string]any{"partnerId": w.partnerID(), "endsAt": ends.Format(time.RFC3339)})
			platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
			platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, staff.id), http.StatusOK)
			inCustomer := w.Session(staff.id, w.customer.ID)
			platformtest.WantStatus(t, w.viewAccount(inCustomer, w.customer.ID), http.StatusOK)

			c.cut(w, staff)
			// A session acting in the customer, signed in after the cut as the membership still allows, is refused.
			if _, ok := w.membership(staff.id, w.customer.ID); !ok {
				t.Fatal("the cut removed the membership itself: nothing left to check")
			}
			fresh := w.Session(staff.id, w.customer.ID)
			platformtest.WantProblem(t, w.viewAccount(fresh, w.customer.ID), c.status, c.slug)
			if c.home {
				platformtest.WantStatus(t, w.viewAccount(fresh, w.partner.ID), http.StatusOK)
			}
		})
	}
}

// TestSwitchNeedsAUsableGrant checks that the account switcher does not move a staff member's session into the
// customer once the grant's end date has passed, even before the sweep ends it.
func TestSwitchNeedsAUsableGrant(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	staff := w.addStaff("Sam Staff")
	ends := w.Clock.Now().Add(24 * time.Hour)
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "endsAt": ends.Format(time.RFC3339)})
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, staff.id), http.StatusOK)
	platformtest.WantStatus(t, w.switchTo(staff.cookie, w.customer.ID), http.StatusOK)
	w.advance(24 * time.Hour)
	inPartner := w.Session(staff.id, w.partner.ID)
	w.AcceptLicense(inPartner, license.Current().Version)
	platformtest.WantProblem(t, w.switchTo(inPartner, w.customer.ID), http.StatusNotFound, "not-member")
	platformtest.WantStatus(t, w.viewAccount(inPartner, w.partner.ID), http.StatusOK)
}
