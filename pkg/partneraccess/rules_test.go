package partneraccess_test

import (
	"errors"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestNext checks every cell of the state machine: which events move which states where, and that ended
// grants stay ended.
func TestNext(t *testing.T) {
	t.Parallel()
	statuses := []partneraccess.Status{partneraccess.Invited, partneraccess.Active, partneraccess.Declined, partneraccess.Expired, partneraccess.Revoked}
	events := []partneraccess.Event{partneraccess.Accept, partneraccess.Decline, partneraccess.Revoke, partneraccess.Expire}
	want := map[partneraccess.Status]map[partneraccess.Event]partneraccess.Status{
		partneraccess.Invited: {partneraccess.Accept: partneraccess.Active, partneraccess.Decline: partneraccess.Declined, partneraccess.Revoke: partneraccess.Revoked, partneraccess.Expire: partneraccess.Expired},
		partneraccess.Active:  {partneraccess.Revoke: partneraccess.Revoked, partneraccess.Expire: partneraccess.Expired},
	}
	for _, from := range statuses {
		for _, e := range events {
			t.Run("from="+string(from)+"/event="+string(e), func(t *testing.T) {
				t.Parallel()
				got, err := partneraccess.Next(from, e)
				to, allowed := want[from][e]
				switch {
				case allowed && (err != nil || got != to):
					t.Fatalf("Next = %s, %v; want %s", got, err, to)
				case !allowed && (err == nil || !errors.Is(err, fault.ErrConflict)):
					t.Fatalf("Next = %s, %v; want a conflict", got, err)
				}
			})
		}
	}
}

// TestNextDue checks what the sweep does next to a grant, seen at different times.
func TestNextDue(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	cases := []struct {
		name string
		g    partneraccess.Grant
		at   time.Time
		want partneraccess.Due
		none bool
	}{
		{"case=invitation", partneraccess.Grant{Status: partneraccess.Invited, ExpiresAt: now.Add(14 * day)}, now, partneraccess.Due{Event: partneraccess.DueInvitation, At: now.Add(14 * day)}, false},
		{"case=invitation ending before its deadline", partneraccess.Grant{Status: partneraccess.Invited, ExpiresAt: now.Add(14 * day), EndsAt: now.Add(3 * day)}, now,
			partneraccess.Due{Event: partneraccess.DueInvitation, At: now.Add(3 * day)}, false},
		{"case=active without end date", partneraccess.Grant{Status: partneraccess.Active}, now, partneraccess.Due{}, true},
		{"case=active, a month to go", partneraccess.Grant{Status: partneraccess.Active, EndsAt: now.Add(30 * day)}, now, partneraccess.Due{Event: partneraccess.DueFirstReminder, At: now.Add(23 * day)}, false},
		{"case=active, at the first reminder", partneraccess.Grant{Status: partneraccess.Active, EndsAt: now.Add(7 * day)}, now, partneraccess.Due{Event: partneraccess.DueSecondReminder, At: now.Add(6 * day)}, false},
		{"case=active, at the second reminder", partneraccess.Grant{Status: partneraccess.Active, EndsAt: now.Add(day)}, now, partneraccess.Due{Event: partneraccess.DueEnd, At: now.Add(day)}, false},
		{"case=active, past its end", partneraccess.Grant{Status: partneraccess.Active, EndsAt: now.Add(-day)}, now, partneraccess.Due{Event: partneraccess.DueEnd, At: now.Add(-day)}, false},
		{"case=ended", partneraccess.Grant{Status: partneraccess.Revoked, EndsAt: now.Add(day)}, now, partneraccess.Due{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, ok := c.g.NextDue(c.at)
			if ok == c.none || got != c.want {
				t.Fatalf("NextDue = %+v, %v; want %+v, %v", got, ok, c.want, !c.none)
			}
		})
	}
}

// TestUsableAndLapsed checks the per-request rules: staff act only through an active grant before its end date,
// and an invitation is answered only before its deadline and its end date.
func TestUsableAndLapsed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name           string
		g              partneraccess.Grant
		usable, lapsed bool
	}{
		{"case=active", partneraccess.Grant{Status: partneraccess.Active, ExpiresAt: now.Add(-time.Hour)}, true, true},
		{"case=active before its end", partneraccess.Grant{Status: partneraccess.Active, ExpiresAt: now.Add(time.Hour), EndsAt: now.Add(time.Second)}, true, false},
		{"case=active at its end", partneraccess.Grant{Status: partneraccess.Active, EndsAt: now}, false, true},
		{"case=invited", partneraccess.Grant{Status: partneraccess.Invited, ExpiresAt: now.Add(time.Second)}, false, false},
		{"case=invited at its deadline", partneraccess.Grant{Status: partneraccess.Invited, ExpiresAt: now}, false, true},
		{"case=revoked", partneraccess.Grant{Status: partneraccess.Revoked, ExpiresAt: now.Add(time.Hour)}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := c.g.Usable(now); got != c.usable {
				t.Errorf("Usable = %v", got)
			}
			if got := c.g.InvitationLapsed(now); got != c.lapsed {
				t.Errorf("InvitationLapsed = %v", got)
			}
		})
	}
}

// TestLetsAct checks the grant's part of the per-request staff check: a usable grant of the membership's account
// that lists the user.
func TestLetsAct(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	g := partneraccess.Grant{ID: "g", Customer: partneraccess.Party{ID: "cust"}, Status: partneraccess.Active,
		EndsAt: now.Add(time.Hour), Staff: []partneraccess.Staff{{UserID: "sam"}}}
	m := user.Membership{UserID: "sam", AccountID: "cust", GrantID: "g"}
	ended := g
	ended.Status = partneraccess.Revoked
	cases := []struct {
		name string
		g    partneraccess.Grant
		m    user.Membership
		at   time.Time
		want bool
	}{
		{"case=staff of a usable grant", g, m, now, true},
		{"case=past the end date, not yet swept", g, m, now.Add(time.Hour), false},
		{"case=ended", ended, m, now, false},
		{"case=not among the staff", g, user.Membership{UserID: "eve", AccountID: "cust", GrantID: "g"}, now, false},
		{"case=another customer", g, user.Membership{UserID: "sam", AccountID: "other", GrantID: "g"}, now, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := c.g.LetsAct(c.m, nil, c.at); got != c.want {
				t.Fatalf("LetsAct = %v, want %v", got, c.want)
			}
		})
	}
}

// TestRetainUntil checks how long a grant stays in the table: a live one for good, an ended one Recent.
func TestRetainUntil(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	g, err := partneraccess.Invitation("g", partneraccess.Party{ID: "c"}, partneraccess.Party{ID: "p"}, "", partneraccess.ViaPartnerID, "u", "Grace", partneraccess.Terms{}, now).
		Ended(partneraccess.Revoke, "u", partneraccess.ReasonWithdrawn, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.RetainUntil(); !got.Equal(now.Add(partneraccess.Recent)) {
		t.Fatalf("ended: RetainUntil = %v", got)
	}
	if got := (partneraccess.Grant{Status: partneraccess.Active}).RetainUntil(); !got.IsZero() {
		t.Fatalf("active: RetainUntil = %v", got)
	}
}
