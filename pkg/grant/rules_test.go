package grant_test

import (
	"errors"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/grant"
)

// TestNext checks every cell of the state machine: which events move which states where, and that ended
// grants stay ended.
func TestNext(t *testing.T) {
	t.Parallel()
	statuses := []grant.Status{grant.Invited, grant.Active, grant.Declined, grant.Expired, grant.Revoked}
	events := []grant.Event{grant.Accept, grant.Decline, grant.Revoke, grant.Expire}
	want := map[grant.Status]map[grant.Event]grant.Status{
		grant.Invited: {grant.Accept: grant.Active, grant.Decline: grant.Declined, grant.Revoke: grant.Revoked, grant.Expire: grant.Expired},
		grant.Active:  {grant.Revoke: grant.Revoked, grant.Expire: grant.Expired},
	}
	for _, from := range statuses {
		for _, e := range events {
			t.Run("from="+string(from)+"/event="+string(e), func(t *testing.T) {
				t.Parallel()
				got, err := grant.Next(from, e)
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
		g    grant.Grant
		at   time.Time
		want grant.Due
		none bool
	}{
		{"case=invitation", grant.Grant{Status: grant.Invited, ExpiresAt: now.Add(14 * day)}, now, grant.Due{Event: grant.DueInvitation, At: now.Add(14 * day)}, false},
		{"case=invitation ending before its deadline", grant.Grant{Status: grant.Invited, ExpiresAt: now.Add(14 * day), EndsAt: now.Add(3 * day)}, now,
			grant.Due{Event: grant.DueInvitation, At: now.Add(3 * day)}, false},
		{"case=active without end date", grant.Grant{Status: grant.Active}, now, grant.Due{}, true},
		{"case=active, a month to go", grant.Grant{Status: grant.Active, EndsAt: now.Add(30 * day)}, now, grant.Due{Event: grant.DueFirstReminder, At: now.Add(23 * day)}, false},
		{"case=active, at the first reminder", grant.Grant{Status: grant.Active, EndsAt: now.Add(7 * day)}, now, grant.Due{Event: grant.DueSecondReminder, At: now.Add(6 * day)}, false},
		{"case=active, at the second reminder", grant.Grant{Status: grant.Active, EndsAt: now.Add(day)}, now, grant.Due{Event: grant.DueEnd, At: now.Add(day)}, false},
		{"case=active, past its end", grant.Grant{Status: grant.Active, EndsAt: now.Add(-day)}, now, grant.Due{Event: grant.DueEnd, At: now.Add(-day)}, false},
		{"case=ended", grant.Grant{Status: grant.Revoked, EndsAt: now.Add(day)}, now, grant.Due{}, true},
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
		g              grant.Grant
		usable, lapsed bool
	}{
		{"case=active", grant.Grant{Status: grant.Active, ExpiresAt: now.Add(-time.Hour)}, true, true},
		{"case=active before its end", grant.Grant{Status: grant.Active, ExpiresAt: now.Add(time.Hour), EndsAt: now.Add(time.Second)}, true, false},
		{"case=active at its end", grant.Grant{Status: grant.Active, EndsAt: now}, false, true},
		{"case=invited", grant.Grant{Status: grant.Invited, ExpiresAt: now.Add(time.Second)}, false, false},
		{"case=invited at its deadline", grant.Grant{Status: grant.Invited, ExpiresAt: now}, false, true},
		{"case=revoked", grant.Grant{Status: grant.Revoked, ExpiresAt: now.Add(time.Hour)}, false, false},
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
