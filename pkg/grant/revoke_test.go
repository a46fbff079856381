package grant_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// TestRevokeByTheCustomer checks the revoke: one answer, and afterwards the grant is revoked for good, every
// staff membership and the pair guard are gone, both audit logs show it, the partner's administrators are told,
// and staff acting in the customer are refused (403 access-ended) but stay signed in to their own account.
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
	platformtest.WantProblem(t, w.viewAccount(sam.cookie, w.customer.ID), http.StatusForbidden, "access-ended")
	platformtest.WantStatus(t, w.viewAccount(sam.cookie, w.partner.ID), http.StatusOK)
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
// with 403 access-ended, and every one after it is refused too — but never with 401: the session lives on, back
// in the partner, where a request with the same cookie then works.
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
		slug        string
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
			var doc struct{ Type string }
			_ = json.Unmarshal([]byte(out.Body), &doc) // a problem's type; nothing for a 200
			mu.Lock()
			results = append(results, result{started, out.StatusCode, strings.TrimPrefix(doc.Type, problem.TypeBase)})
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
		case r.status == http.StatusUnauthorized:
			t.Fatalf("request %d signed the staff member out: %+v", i, r)
		case r.afterRevoke && r.status == http.StatusOK:
			t.Fatalf("request %d started after the revoke and answered 200", i)
		case refused && r.status == http.StatusOK:
			t.Fatalf("request %d answered 200 after an earlier request was refused", i)
		case !refused && r.status != http.StatusOK && (r.status != http.StatusForbidden || r.slug != "access-ended"):
			t.Fatalf("request %d, the first refused, answered %d %s rather than 403 access-ended", i, r.status, r.slug)
		}
		refused = refused || r.status != http.StatusOK
	}
	if results[0].status != http.StatusOK || !results[len(results)-1].afterRevoke {
		t.Fatalf("the session never worked, or no request followed the revoke: %+v", results)
	}
	platformtest.WantStatus(t, w.viewAccount(sam.cookie, w.partner.ID), http.StatusOK)
}

// TestRevokeLeavesStaffTheirOwnAccount follows a staff member acting in the customer when the customer revokes:
// their next request there is refused with 403 access-ended naming the customer, and the same cookie then works
// in their own account (the partner), which GET /v1/me shows as the current one. A staff member the grant never
// moved, still acting in the partner, notices nothing.
func TestRevokeLeavesStaffTheirOwnAccount(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam, pat := w.addStaff("Sam Staff"), w.addStaff("Pat Staff")
	id := w.activeGrant(sam.id, pat.id)
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)
	platformtest.WantStatus(t, w.viewAccount(sam.cookie, w.customer.ID), http.StatusOK)

	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)

	r := w.viewAccount(sam.cookie, w.customer.ID)
	platformtest.WantProblem(t, r, http.StatusForbidden, "access-ended")
	if !strings.HasPrefix(r.Str("detail"), "Fabrikam Inc ended your access") {
		t.Errorf("the problem does not name the customer: %s", r.Body)
	}
	if slices.ContainsFunc(r.Cookies, func(c string) bool { return strings.HasPrefix(c, httpapi.SessionCookie+"=") }) {
		t.Errorf("the refusal cleared the session cookie: %v", r.Cookies)
	}
	platformtest.WantStatus(t, w.viewAccount(sam.cookie, w.partner.ID), http.StatusOK)
	me := w.Call(platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Cookie: sam.cookie, Headers: map[string]string{}})
	platformtest.WantStatus(t, me, http.StatusOK)
	if cur, _ := me.JSON["currentAccount"].(map[string]any); cur["id"] != w.partner.ID {
		t.Fatalf("after the refusal the session acts in %v, not the partner %s", cur["id"], w.partner.ID)
	}
	// Still refused in the customer: the access ended for good, and the switcher will not take them back.
	if got := w.viewAccount(sam.cookie, w.customer.ID); got.StatusCode == http.StatusOK || got.StatusCode == http.StatusUnauthorized {
		t.Fatalf("back in the customer after the revoke: %d %s", got.StatusCode, got.Body)
	}
	platformtest.WantProblem(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusNotFound, "not-member")
	platformtest.WantStatus(t, w.viewAccount(pat.cookie, w.partner.ID), http.StatusOK)
}

// TestRequestsRacingAfterTheRevoke sends several requests of a staff member's session in the customer at once,
// after the customer revoked: each that found the session still in the customer moves it home (only one move
// holds, the others find it moved) and answers 403 access-ended; none signs the person out or reaches the
// customer; the session then works in the partner.
func TestRequestsRacingAfterTheRevoke(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	id := w.activeGrant(sam.id)
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)
	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)

	accounts := w.Handler(route.Accounts)
	const n = 6
	var (
		wg       sync.WaitGroup
		statuses [n]int
		slugs    [n]string
		errs     [n]error
	)
	for i := range n {
		ev := w.Event(platformtest.Request{Function: route.Accounts, Route: "GET /v1/accounts/{id}", Cookie: sam.cookie,
			Params: map[string]string{"id": w.customer.ID}, Headers: map[string]string{}})
		wg.Go(func() {
			out, err := accounts(context.Background(), ev)
			var doc struct{ Type string }
			_ = json.Unmarshal([]byte(out.Body), &doc)
			statuses[i], slugs[i], errs[i] = out.StatusCode, strings.TrimPrefix(doc.Type, problem.TypeBase), err
		})
	}
	wg.Wait()
	ended := 0
	for i := range n {
		switch {
		case errs[i] != nil:
			t.Fatalf("request %d: %v", i, errs[i])
		case statuses[i] == http.StatusOK || statuses[i] == http.StatusUnauthorized:
			t.Fatalf("request %d answered %d %s", i, statuses[i], slugs[i])
		case slugs[i] == "access-ended":
			ended++
		}
	}
	if ended == 0 {
		t.Fatalf("no request said the access ended: %v %v", statuses, slugs)
	}
	platformtest.WantStatus(t, w.viewAccount(sam.cookie, w.partner.ID), http.StatusOK)
}
