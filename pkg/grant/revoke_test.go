package grant_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// TestRevokeByTheCustomer checks the revoke: one answer, and afterwards the grant is revoked for good, every
// staff membership and the pair guard are gone, both audit logs show it, the partner's administrators are told,
// and staff acting in the customer are refused.
func TestRevokeByTheCustomer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	id := w.activeGrant(sam.id, w.partner.ContactUserID)
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)

	r := w.act(w.customerAdmin, grant.RouteRevokeGrant, id)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.Str("status") != "revoked" || r.Str("endReason") != partneraccess.ReasonRevoked || r.JSON["staffCount"] != float64(0) {
		t.Fatalf("answer: %s", r.Body)
	}
	if ms := w.staffMemberships(w.customer.ID); len(ms) != 0 {
		t.Fatalf("staff memberships outlived the revoke: %+v", ms)
	}
	if w.Data().Item(table.GrantPairGuard(w.customer.ID, w.partner.ID)) != nil {
		t.Fatal("the pair guard outlived the revoke")
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.revoked"); n != 1 {
			t.Errorf("account %s logged %d revokes", acc, n)
		}
	}
	mails := w.mails("partner-access-revoked")
	if len(mails) != 1 || mails[0].To != w.partner.ContactEmail || mails[0].Data["by"] != "customer" || mails[0].BrandAccountID != w.partner.ID {
		t.Fatalf("emails: %+v", mails)
	}
	platformtest.WantProblem(t, w.viewAccount(sam.cookie, w.customer.ID), http.StatusUnauthorized, "unauthorized")
	before := w.Snapshot()
	platformtest.WantProblem(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusConflict, "grant-ended")
	platformtest.WantProblem(t, w.setStaff(w.partnerAdmin, id, sam.id), http.StatusConflict, "grant-ended")
	w.Unchanged(before, "acting on a revoked grant")
}

// TestEndings checks the other ways a grant ends by a person: the partner ends an active grant (the customer is
// told), the customer withdraws a pending invitation (the partner is told).
func TestEndings(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.activeGrant(w.partner.ContactUserID)
	r := w.act(w.partnerAdmin, grant.RouteRevokeGrant, id)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.Str("endReason") != partneraccess.ReasonEndedByPartner || len(w.staffMemberships(w.customer.ID)) != 0 {
		t.Fatalf("answer: %s", r.Body)
	}
	if mails := w.mails("partner-access-revoked"); len(mails) != 1 || mails[0].To != w.customer.ContactEmail || mails[0].Data["by"] != "partner" {
		t.Fatalf("emails: %+v", mails)
	}

	pending := w.invite(nil)
	r = w.act(w.customerAdmin, grant.RouteRevokeGrant, pending)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.Str("endReason") != partneraccess.ReasonWithdrawn || w.Data().Item(table.GrantPairGuard(w.customer.ID, w.partner.ID)) != nil {
		t.Fatalf("answer: %s", r.Body)
	}
	if mails := w.mails("partner-access-revoked"); len(mails) != 2 {
		t.Fatalf("%d revoke emails, want 2", len(mails))
	}
}

// TestRevokeEndsStaffAccessAtTheNextRequest keeps a staff member's session, switched to the customer, sending
// GET /v1/accounts/{customerId} through the real accounts handler while the customer revokes the grant: every
// request before the revoke answers 200, the first request that starts after the revoke returned is refused
// with 401, and so is every one after it.
func TestRevokeEndsStaffAccessAtTheNextRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	id := w.activeGrant(sam.id)
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)
	accounts := w.Handler(route.Accounts)

	type result struct {
		afterRevoke bool
		status      int
	}
	var (
		revoked  atomic.Bool
		mu       sync.Mutex
		results  []result
		warm     = make(chan struct{})
		done     = make(chan struct{})
		failures = make(chan error, 1)
	)
	go func() {
		defer close(done)
		ok, after := 0, 0
		for after < 25 {
			started := revoked.Load()
			ev := w.Event(platformtest.Request{Function: route.Accounts, Route: "GET /v1/accounts/{id}", Cookie: sam.cookie,
				Params: map[string]string{"id": w.customer.ID}, Headers: map[string]string{}})
			out, err := accounts(context.Background(), ev)
			if err != nil {
				failures <- err
				return
			}
			mu.Lock()
			results = append(results, result{started, out.StatusCode})
			mu.Unlock()
			if started {
				after++
			}
			if ok++; ok == 3 && !started {
				close(warm)
			}
		}
	}()
	select {
	case <-warm:
	case err := <-failures:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		t.Fatal("the staff session never got three answers")
	}
	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)
	revoked.Store(true)
	<-done
	select {
	case err := <-failures:
		t.Fatal(err)
	default:
	}

	refused := false
	for i, r := range results {
		switch {
		case r.afterRevoke && r.status != http.StatusUnauthorized:
			t.Fatalf("request %d started after the revoke and answered %d", i, r.status)
		case refused && r.status != http.StatusUnauthorized:
			t.Fatalf("request %d answered %d after an earlier request was refused", i, r.status)
		case !r.afterRevoke && !refused && r.status != http.StatusOK && r.status != http.StatusUnauthorized:
			t.Fatalf("request %d during the revoke answered %d", i, r.status)
		}
		refused = refused || r.status == http.StatusUnauthorized
	}
	if results[0].status != http.StatusOK || !results[len(results)-1].afterRevoke {
		t.Fatalf("the session never worked, or no request followed the revoke: %+v", results)
	}
}
