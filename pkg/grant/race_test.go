package grant_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// rounds is how often each race runs.
const rounds = 10

// outcome is one racer's answer: a status and a problem slug.
type outcome struct {
	status int
	slug   string
	err    error
}

// race sends the requests at once, each from its own goroutine, through the real handlers.
func (w *world) race(reqs ...platformtest.Request) []outcome {
	w.T.Helper()
	evs := make([]events.APIGatewayV2HTTPRequest, len(reqs))
	handlers := make([]httpapi.Handler, len(reqs))
	for i, r := range reqs {
		evs[i], handlers[i] = w.Event(r), w.Handler(r.Function)
	}
	out := make([]outcome, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Go(func() {
			<-start
			reply, err := platformtest.Invoke(handlers[i], evs[i])
			resp := reply.APIGatewayV2HTTPResponse
			out[i] = outcome{status: resp.StatusCode, err: err}
			var doc struct {
				Type string `json:"type"`
			}
			if json.Unmarshal([]byte(resp.Body), &doc) == nil {
				out[i].slug = strings.TrimPrefix(doc.Type, "https://partnerhub.dev/problems/")
			}
		})
	}
	close(start)
	wg.Wait()
	for _, o := range out {
		if o.err != nil {
			w.T.Fatal(o.err)
		}
	}
	return out
}

func (w *world) request(cookie, routeKey, grantID string, body any) platformtest.Request {
	fn := route.PartnerAccess
	if routeKey == grant.RouteRevokeGrant {
		fn = route.Revoke
	}
	return platformtest.Request{Function: fn, Route: routeKey, Cookie: cookie, Params: map[string]string{"grantId": grantID}, Body: body}
}

// lostRace reports whether an answer is a loser's: a 409 that says the grant moved on.
func lostRace(o outcome) bool {
	return o.status == http.StatusConflict && slices.Contains([]string{"grant-changed", "grant-ended", "grant-not-pending", "grant-not-active"}, o.slug)
}

// ended checks what every ended grant must hold: final status, no pair guard, no staff membership, off the
// expiry index, and exactly one ending on each side's audit log.
func (w *world) ended(t *testing.T, id, status string) {
	t.Helper()
	g := w.grantRecord(id)
	if g.Status != status {
		t.Fatalf("grant %s is %s, want %s", id, g.Status, status)
	}
	if w.Data().Item(table.GrantPairGuard(w.customer.ID, w.partner.ID)) != nil {
		t.Fatalf("pair guard left behind by the %s grant", status)
	}
	for _, m := range w.staffMemberships(w.customer.ID) {
		if m.GrantID == id {
			t.Fatalf("staff membership of %s left behind by the %s grant", m.UserID, status)
		}
	}
	if it := w.Data().Item(table.GrantKey(id)); it[table.AttrXPK] != nil {
		t.Fatalf("the %s grant is still on the expiry index", status)
	}
}

// endings counts the events on an account that end a grant: revoked, declined, expired.
func (w *world) endings(accountID string) int {
	a := w.Audit(accountID)
	return count(a, "partner-access.revoked") + count(a, "partner-access.declined") + count(a, "partner-access.expired")
}

// TestRaceTwoAccepts sends two acceptances of one invitation at once: exactly one wins, the other gets a 409,
// and the acceptance is logged and announced once.
func TestRaceTwoAccepts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	second := w.Session(w.partner.ContactUserID, w.partner.ID) // the same administrator in a second tab
	for round := range rounds {
		t.Run(fmt.Sprintf("round=%d", round), func(t *testing.T) {
			id := w.invite(nil)
			out := w.race(w.request(w.partnerAdmin, grant.RouteAccept, id, nil), w.request(second, grant.RouteAccept, id, nil))
			wins := 0
			for _, o := range out {
				switch {
				case o.status == http.StatusOK:
					wins++
				case !lostRace(o):
					t.Fatalf("loser answered %+v", o)
				}
			}
			if wins != 1 {
				t.Fatalf("%d acceptances won: %+v", wins, out)
			}
			if g := w.grantRecord(id); g.Status != "active" || g.Version != 2 {
				t.Fatalf("grant after the race: %+v", g)
			}
			for _, acc := range []string{w.customer.ID, w.partner.ID} {
				if n := count(w.Audit(acc), "partner-access.accepted"); n != round+1 {
					t.Fatalf("account %s logged %d acceptances after %d rounds", acc, n, round+1)
				}
			}
			if n := len(w.mails("partner-invitation-accepted")); n != round+1 {
				t.Fatalf("%d acceptance emails after %d rounds", n, round+1)
			}
			platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)
		})
	}
}

// TestRaceAcceptAgainstRevoke accepts an invitation while the customer revokes it. Either the revoke came
// first (the acceptance loses with a 409), or the acceptance did and the revoke then ended the active grant:
// both orders end revoked, with one revoke on each log and nothing left behind.
func TestRaceAcceptAgainstRevoke(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for round := range rounds {
		t.Run(fmt.Sprintf("round=%d", round), func(t *testing.T) {
			id := w.invite(nil)
			accepted := count(w.Audit(w.customer.ID), "partner-access.accepted")
			out := w.race(w.request(w.partnerAdmin, grant.RouteAccept, id, nil), w.request(w.customerAdmin, grant.RouteRevokeGrant, id, nil))
			accept, revoke := out[0], out[1]
			if revoke.status != http.StatusOK {
				t.Fatalf("revoke answered %+v", revoke)
			}
			if accept.status != http.StatusOK && !lostRace(accept) {
				t.Fatalf("accept answered %+v", accept)
			}
			w.ended(t, id, "revoked")
			if got := count(w.Audit(w.customer.ID), "partner-access.accepted") - accepted; (accept.status == http.StatusOK) != (got == 1) || got > 1 {
				t.Fatalf("accept answered %d but %d acceptances were logged", accept.status, got)
			}
			if n := w.endings(w.customer.ID); n != round+1 {
				t.Fatalf("%d endings logged after %d rounds", n, round+1)
			}
		})
	}
}

// TestRaceStaffAgainstRevoke assigns staff while the customer revokes: whichever commits first, no staff
// membership outlives the revoked grant.
func TestRaceStaffAgainstRevoke(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	for round := range rounds {
		t.Run(fmt.Sprintf("round=%d", round), func(t *testing.T) {
			id := w.activeGrant(w.partner.ContactUserID)
			out := w.race(w.request(w.partnerAdmin, grant.RouteStaff, id, map[string]any{"userIds": []string{sam.id, w.partner.ContactUserID}}),
				w.request(w.customerAdmin, grant.RouteRevokeGrant, id, nil))
			if out[1].status != http.StatusOK || out[0].status != http.StatusOK && !lostRace(out[0]) {
				t.Fatalf("answers %+v", out)
			}
			w.ended(t, id, "revoked")
		})
	}
}

// TestRaceRevokeAgainstEndDate revokes a grant whose end date has just passed while the sweep ends it: exactly
// one of them ends it (revoked or expired), the other finds it ended, and nothing is left behind.
func TestRaceRevokeAgainstEndDate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sweeper := w.App.Sweeper()
	for round := range rounds {
		t.Run(fmt.Sprintf("round=%d", round), func(t *testing.T) {
			ends := w.Clock.Now().Add(2 * 24 * time.Hour).Truncate(time.Second)
			id := w.invite(map[string]any{"partnerId": w.partnerID(), "endsAt": ends.Format(time.RFC3339)})
			platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
			platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, w.partner.ContactUserID), http.StatusOK)
			w.advance(2*24*time.Hour + time.Minute)
			endings := w.endings(w.customer.ID)

			revoke := w.Event(w.request(w.customerAdmin, grant.RouteRevokeGrant, id, nil))
			h := w.Handler(route.Revoke)
			var (
				wg       sync.WaitGroup
				status   int
				sweepErr error
				callErr  error
			)
			start := make(chan struct{})
			wg.Go(func() {
				<-start
				out, err := platformtest.Invoke(h, revoke)
				status, callErr = out.StatusCode, err
			})
			wg.Go(func() {
				<-start
				_, sweepErr = sweeper.Run(context.Background())
			})
			close(start)
			wg.Wait()
			if callErr != nil || sweepErr != nil {
				t.Fatalf("revoke %v, sweep %v", callErr, sweepErr)
			}
			g := w.grantRecord(id)
			switch {
			case status == http.StatusOK && g.Status == "revoked":
			case status == http.StatusConflict && g.Status == "expired":
			default:
				t.Fatalf("revoke answered %d and the grant is %s", status, g.Status)
			}
			w.ended(t, id, g.Status)
			if n := w.endings(w.customer.ID) - endings; n != 1 {
				t.Fatalf("%d endings logged for one grant", n)
			}
		})
	}
}
