package onboarding_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// resendMatching is one page of POST /v1/accounts/{id}/activation-emails.
func (f *fixture) resendMatching(cookie, accountID string, match map[string]string, cursor string) platformtest.Reply {
	f.t.Helper()
	body := map[string]any{"match": match}
	if cursor != "" {
		body["cursor"] = cursor
	}
	return f.call(f.resend, onboarding.RouteResendMatching, map[string]string{"id": accountID}, cookie, mustJSON(body))
}

// matchRun is what a whole run of a bulk resend answered, page after page.
type matchRun struct {
	pages  []int             // the number of results of each page
	status map[string]string // user id → outcome
	rows   map[string]map[string]any
	counts map[string]int // summed over the pages
}

// resendAllMatching runs a bulk resend to its end, as the portal's loop does.
func (f *fixture) resendAllMatching(cookie, accountID string, match map[string]string) (matchRun, error) {
	run := matchRun{status: map[string]string{}, rows: map[string]map[string]any{}, counts: map[string]int{}}
	cursor := ""
	for range 100 {
		r := f.resendMatching(cookie, accountID, match, cursor)
		if r.StatusCode != 202 {
			return run, fmt.Errorf("page %d: %d %s", len(run.pages)+1, r.StatusCode, r.Body)
		}
		list, _ := r.JSON["results"].([]any)
		run.pages = append(run.pages, len(list))
		for _, x := range list {
			m := x.(map[string]any)
			id := m["userId"].(string)
			if _, dup := run.status[id]; dup {
				return run, fmt.Errorf("user %s twice in one run", id)
			}
			run.status[id], run.rows[id] = m["status"].(string), m
		}
		for k, v := range r.JSON["counts"].(map[string]any) {
			run.counts[k] += int(v.(float64))
		}
		next, _ := r.JSON["next"].(string)
		if next == "" {
			return run, nil
		}
		cursor = next
	}
	return run, fmt.Errorf("no end after 100 pages")
}

// invitedWorld is an MSP with its contact (invited, their first email just sent) and n seeded invited users.
func invitedWorld(t *testing.T, n int) (f *fixture, msp account.Account, admin string) {
	f = newFixture(t)
	c := f.create(f.super, account.MSP, f.providerID, "Bulk MSP "+t.Name())
	msp = f.Account(c.ID)
	f.SeedInvited(msp, n, "bulk", start)
	return f, msp, f.adminOf(msp.ID)
}

func TestResendMatchingPagesThroughEveryMatch(t *testing.T) {
	t.Parallel()
	f, msp, admin := invitedWorld(t, 55)
	outbox := len(f.ItemsOf(table.TypeOutbox))
	run, err := f.resendAllMatching(admin, msp.ID, map[string]string{"status": onboarding.Unregistered})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(run.pages, []int{50, 6}) {
		t.Errorf("pages %v, want 50, 6 (55 seeded and the contact)", run.pages)
	}
	if run.counts["sent"] != 55 || run.counts["rate_limited"] != 1 || len(run.status) != 56 {
		t.Errorf("counts %v over %d users", run.counts, len(run.status))
	}
	if run.status[msp.ContactUserID] != onboarding.ResendRateLimited {
		t.Errorf("the contact, emailed at creation: %q", run.status[msp.ContactUserID])
	}
	if n := len(f.ItemsOf(table.TypeOutbox)) - outbox; n != 55 {
		t.Errorf("%d new emails, want 55", n)
	}
	for id, s := range run.status {
		if s == onboarding.ResendSent && f.User(id).ActivationTokenID == "" {
			t.Errorf("user %s sent without a token", id)
		}
	}

	t.Run("case=again at once", func(t *testing.T) {
		before := f.Snapshot()
		run, err := f.resendAllMatching(admin, msp.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if run.counts["rate_limited"] != 56 || run.counts["sent"] != 0 {
			t.Errorf("counts %v", run.counts)
		}
		f.Unchanged(before, "a bulk resend within the interval")
	})
}

func TestResendMatchingFilters(t *testing.T) {
	t.Parallel()
	f, msp, admin := invitedWorld(t, 50)
	// Registered users are never part of the selection.
	f.SeedMembers(msp, 20, "registered", start)
	for _, c := range []struct {
		name  string
		match map[string]string
		keep  func(m map[string]any) bool
		want  int
	}{
		// Administrators: one in ten of the 50 seeded (SeedInvited), and the contact; none of the 20 seeded
		// after them is both invited and an administrator.
		{"role", map[string]string{"role": string(role.AccountAdmin)}, nil, 5 + 1},
		{"search", map[string]string{"q": "lovelace"}, func(m map[string]any) bool {
			return strings.Contains(strings.ToLower(m["name"].(string)), "lovelace")
		}, 0},
		{"initial", map[string]string{"initial": "G"}, func(m map[string]any) bool { return strings.HasPrefix(m["name"].(string), "G") }, 0},
	} {
		t.Run("case="+c.name, func(t *testing.T) {
			f.clock.Advance(2 * time.Minute) // each case may send to everyone it matches again
			run, err := f.resendAllMatching(admin, msp.ID, c.match)
			if err != nil {
				t.Fatal(err)
			}
			if len(run.status) == 0 {
				t.Fatal("nothing matched")
			}
			for id, row := range run.rows {
				u := f.User(id)
				if u.Status != user.Invited {
					t.Errorf("%s (%s) is %s", row["name"], id, u.Status)
				}
				if c.keep != nil && !c.keep(row) {
					t.Errorf("%v does not match %v", row, c.match)
				}
			}
			if c.want > 0 && len(run.status) != c.want {
				t.Errorf("%d matched, want %d", len(run.status), c.want)
			}
		})
	}

	t.Run("case=nobody matches", func(t *testing.T) {
		before := f.Snapshot()
		r := f.resendMatching(admin, msp.ID, map[string]string{"q": "nobody-has-this-name"}, "")
		if r.StatusCode != 202 || len(r.JSON["results"].([]any)) != 0 || r.JSON["next"] != nil {
			t.Errorf("%d %s, want 202, no results, next null", r.StatusCode, r.Body)
		}
		f.Unchanged(before, "a bulk resend that matched nobody")
	})

	t.Run("case=a cursor of another match", func(t *testing.T) {
		first := f.resendMatching(admin, msp.ID, nil, "")
		next := first.Str("next")
		if next == "" {
			t.Fatalf("one page only: %s", first.Body)
		}
		before := f.Snapshot()
		r := f.resendMatching(admin, msp.ID, map[string]string{"role": string(role.ReadOnly)}, next)
		platformtest.WantProblem(t, r, 400, "validation")
		if got := r.Fields(); !slices.Equal(got, []string{"cursor:invalid"}) {
			t.Errorf("fields %v", got)
		}
		r = f.resendMatching(admin, msp.ID, map[string]string{"status": "registered", "role": "wizard"}, "")
		if got := r.Fields(); !slices.Equal(got, []string{"match.role:unknown_role", "match.status:invalid"}) {
			t.Errorf("fields %v", got)
		}
		f.Unchanged(before, "refused bulk resends")
	})
}

func TestResendMatchingPermission(t *testing.T) {
	t.Parallel()
	f, msp, _ := invitedWorld(t, 5)
	other := f.create(f.super, account.MSP, f.providerID, "Other Bulk MSP")
	reader := f.as(actor.Actor{UserID: msp.ContactUserID, AccountID: msp.ID, Roles: []role.Name{role.ReadOnly}})
	before := f.Snapshot()
	platformtest.WantProblem(t, f.resendMatching(reader, msp.ID, nil, ""), 403, "forbidden")
	platformtest.WantProblem(t, f.resendMatching(f.adminOf(other.ID), msp.ID, nil, ""), 404, "account-not-found")
	platformtest.WantProblem(t, f.resendMatching(f.adminOf(other.ID), "no-such-account", nil, ""), 404, "account-not-found")
	f.Unchanged(before, "refused bulk resends")
}

// TestResendMatchingTwoRunsAtOnce: two administrators (or two tabs) run the same bulk resend at the same time;
// each user gets one new link, not two: the second is rate_limited by the interval resendOne keeps, decided on the
// user's version.
func TestResendMatchingTwoRunsAtOnce(t *testing.T) {
	t.Parallel()
	f, msp, admin := invitedWorld(t, 30)
	other := f.adminOf(msp.ID)
	outbox := len(f.ItemsOf(table.TypeOutbox))
	runs := make([]matchRun, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, who := range []string{admin, other} {
		wg.Go(func() { runs[i], errs[i] = f.resendAllMatching(who, msp.ID, nil) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sent := runs[0].counts["sent"] + runs[1].counts["sent"]
	if sent != 30 {
		t.Errorf("sent %d and %d, want 30 in all", runs[0].counts["sent"], runs[1].counts["sent"])
	}
	for id := range runs[0].status {
		if runs[0].status[id] == onboarding.ResendSent && runs[1].status[id] == onboarding.ResendSent {
			t.Errorf("user %s sent twice", id)
		}
	}
	if n := len(f.ItemsOf(table.TypeOutbox)) - outbox; n != 30 {
		t.Errorf("%d new emails, want 30", n)
	}
}
