package tree_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// auditEvent is one event of a page of the audit log, as the tests compare them.
type auditEvent struct{ action, target, actor string }

// auditAll follows a filtered audit log from its first page to its last, limit events a page, and answers every
// event and the size of each page.
func (f *fixture) auditAll(cookie, id string, query map[string]string, limit int) (events []auditEvent, pages []int) {
	f.t.Helper()
	q := map[string]string{"limit": fmt.Sprint(limit)}
	for k, v := range query {
		q[k] = v
	}
	for range 50 {
		r := f.auditLog(cookie, id, q)
		platformtest.WantStatus(f.t, r, 200)
		items := r.JSON["items"].([]any)
		if len(items) > limit {
			f.t.Fatalf("%d events on a page of %d", len(items), limit)
		}
		pages = append(pages, len(items))
		for _, it := range items {
			e := it.(map[string]any)
			actor, _ := e["actorId"].(string)
			events = append(events, auditEvent{e["action"].(string), e["targetId"].(string), actor})
		}
		next, _ := r.JSON["next"].(string)
		if next == "" {
			return events, pages
		}
		q["cursor"] = next
	}
	f.t.Fatalf("more than 50 pages of %v", query)
	return nil, nil
}

func TestAuditLogFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Day 1 (start): the super administrator creates an MSP and two partners below it.
	m := f.create(account.MSP, f.providerID, "Filtered MSP")
	p1 := f.create(account.Partner, m, "Filtered Partner One")
	p2 := f.create(account.Partner, m, "Filtered Partner Two")
	admin := f.adminOf(m)
	adminID := f.Account(m).ContactUserID
	// Day 2: the MSP's administrator edits, disables and enables the first partner.
	f.clock.Advance(24 * time.Hour)
	platformtest.WantStatus(t, f.edit(admin, p1, company(map[string]any{"city": "Austin"})), 200)
	platformtest.WantStatus(t, f.disable(admin, p1), 200)
	platformtest.WantStatus(t, f.enable(admin, p1), 200)
	// Day 3: and edits the second.
	f.clock.Advance(24 * time.Hour)
	platformtest.WantStatus(t, f.edit(admin, p2, company(map[string]any{"city": "Boston"})), 200)
	day2 := start.AddDate(0, 0, 1).Format(time.DateOnly)

	super := f.auth.actors[f.super].UserID
	cases := []struct {
		name  string
		query map[string]string
		want  []auditEvent
	}{
		{"case=no filter", nil, []auditEvent{
			{"account.updated", p2, adminID}, {"account.enabled", p1, adminID}, {"account.disabled", p1, adminID},
			{"account.updated", p1, adminID}, {"account.created", p2, super}, {"account.created", p1, super},
			{"account.created", m, super}}},
		{"case=action", map[string]string{"action": "account.updated"}, []auditEvent{
			{"account.updated", p2, adminID}, {"account.updated", p1, adminID}}},
		{"case=actor by id", map[string]string{"actor": super}, []auditEvent{
			{"account.created", p2, super}, {"account.created", p1, super}, {"account.created", m, super}}},
		{"case=actor by email, any case", map[string]string{"actor": strings.ToUpper(f.User(adminID).Email)}, []auditEvent{
			{"account.updated", p2, adminID}, {"account.enabled", p1, adminID}, {"account.disabled", p1, adminID},
			{"account.updated", p1, adminID}}},
		{"case=an email that belongs to nobody", map[string]string{"actor": "nobody@example.com"}, nil},
		{"case=target", map[string]string{"target": p1}, []auditEvent{
			{"account.enabled", p1, adminID}, {"account.disabled", p1, adminID}, {"account.updated", p1, adminID},
			{"account.created", p1, super}}},
		{"case=one day", map[string]string{"from": day2, "to": day2}, []auditEvent{
			{"account.enabled", p1, adminID}, {"account.disabled", p1, adminID}, {"account.updated", p1, adminID}}},
		{"case=from a day on, with an action", map[string]string{"from": day2, "action": "account.updated"}, []auditEvent{
			{"account.updated", p2, adminID}, {"account.updated", p1, adminID}}},
		{"case=up to a day", map[string]string{"to": start.Format(time.DateOnly)}, []auditEvent{
			{"account.created", p2, super}, {"account.created", p1, super}, {"account.created", m, super}}},
		{"case=every filter at once", map[string]string{"actor": adminID, "action": "account.disabled", "target": p1,
			"from": start.Format(time.RFC3339), "to": start.AddDate(0, 0, 3).Format(time.RFC3339)}, []auditEvent{
			{"account.disabled", p1, adminID}}},
		{"case=nothing matches", map[string]string{"action": "partner-access.revoked"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			for _, limit := range []int{25, 1} {
				got, _ := f.auditAll(admin, m, tc.query, limit)
				if !slices.Equal(got, tc.want) {
					t.Fatalf("limit %d: %v, want %v", limit, got, tc.want)
				}
			}
		})
	}
	t.Run("case=date-times bound to the instant, both ends included", func(t *testing.T) {
		f.t = t
		r := f.auditLog(admin, m, map[string]string{"action": "account.disabled"})
		at := r.JSON["items"].([]any)[0].(map[string]any)["at"].(string)
		got, _ := f.auditAll(admin, m, map[string]string{"from": at, "to": at}, 25)
		if len(got) != 1 || got[0].action != "account.disabled" {
			t.Fatalf("at %s: %v", at, got)
		}
		// The enable came a second later: outside the instant.
		if got, _ := f.auditAll(admin, m, map[string]string{"from": at, "to": at, "action": "account.enabled"}, 25); len(got) != 0 {
			t.Fatalf("enabled at %s: %v", at, got)
		}
	})
	t.Run("case=the page names its actors", func(t *testing.T) {
		f.t = t
		r := f.auditLog(admin, m, map[string]string{"limit": "5"})
		actors := r.JSON["actors"].(map[string]any)
		if actors[adminID] != "Contact of Filtered MSP" || len(actors) != 1 {
			t.Fatalf("actors %v (the super administrator of this fixture is no user)", actors)
		}
	})
	t.Run("case=bad filters", func(t *testing.T) {
		f.t = t
		before := f.Snapshot()
		bad := []struct {
			query  map[string]string
			fields []string
		}{
			{map[string]string{"action": "account.exploded"}, []string{"action:unknown"}},
			{map[string]string{"actor": "not an id"}, []string{"actor:invalid"}},
			{map[string]string{"actor": strings.Repeat("a", 250) + "@example.com"}, []string{"actor:invalid"}},
			{map[string]string{"target": "../x"}, []string{"target:invalid"}},
			{map[string]string{"from": "yesterday", "to": "2026-13-01"}, []string{"from:invalid", "to:invalid"}},
			{map[string]string{"from": "2026-03-04", "to": "2026-03-03"}, []string{"to:before_from"}},
			{map[string]string{"from": "2026-03-03T10:00:00Z", "to": "2026-03-03T09:59:59+00:00"}, []string{"to:before_from"}},
		}
		for _, b := range bad {
			r := f.auditLog(admin, m, b.query)
			platformtest.WantProblem(t, r, 400, "validation")
			if !slices.Equal(r.Fields(), b.fields) {
				t.Fatalf("%v: %v, want %v", b.query, r.Fields(), b.fields)
			}
		}
		f.Unchanged(before, "a bad filter")
	})
	t.Run("case=a cursor outside the range", func(t *testing.T) {
		f.t = t
		// The first page of the whole log ends on day 3; a range that ends on day 2 does not hold that position.
		next := f.auditLog(admin, m, map[string]string{"limit": "1"}).JSON["next"].(string)
		r := f.auditLog(admin, m, map[string]string{"cursor": next, "to": day2})
		platformtest.WantProblem(t, r, 400, "validation")
		if !slices.Equal(r.Fields(), []string{"cursor:invalid"}) {
			t.Fatalf("%s", r.Body)
		}
	})
	t.Run("case=permission", func(t *testing.T) {
		f.t = t
		q := map[string]string{"action": "account.updated", "from": day2}
		platformtest.WantProblem(t, f.auditLog(f.as(m, role.MSPAccounts), m, q), 403, "forbidden")
		platformtest.WantProblem(t, f.auditLog(f.adminOf(p1), m, q), 404, "account-not-found")
		platformtest.WantStatus(t, f.auditLog(f.as(f.providerID, role.ReadOnly), m, q), 200)
	})
}

// TestAuditLogFilteredPagesAreBounded holds a filtered page to its read budget: in a log of more events than the
// budget, where the only match is the oldest, the first page comes back empty with a cursor and the walk still
// finds the match, on a later page.
func TestAuditLogFilteredPagesAreBounded(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Busy MSP")
	admin := f.adminOf(m)
	// The MSP's creation is its log's oldest event; above it, more events than a page reads.
	n := dynamo.AuditFilterBudget + 200
	items := make([]map[string]types.AttributeValue, n)
	for i := range items {
		item, err := dynamo.AuditItem(audit.Event{ID: secret.NewID(), AccountID: m, At: start.Add(time.Hour + time.Duration(i)*time.Second),
			ActorID: secret.NewID(), Action: audit.AccountEndpointsReported, TargetType: audit.TargetAccount, TargetID: m})
		if err != nil {
			t.Fatal(err)
		}
		items[i] = item
	}
	f.BatchPut(items)

	first := f.auditLog(admin, m, map[string]string{"action": "account.created"})
	platformtest.WantStatus(t, first, 200)
	if len(first.JSON["items"].([]any)) != 0 || first.JSON["next"] == nil {
		t.Fatalf("first page: %s", first.Body)
	}
	events, pages := f.auditAll(admin, m, map[string]string{"action": "account.created"}, 25)
	if len(events) != 1 || events[0].target != m || len(pages) < 2 {
		t.Fatalf("events %v on pages %v", events, pages)
	}
	// Unfiltered, every page is full but the last.
	all, pages := f.auditAll(admin, m, nil, 100)
	if len(all) != n+1 || !slices.Equal(pages[:len(pages)-1], slices.Repeat([]int{100}, len(pages)-1)) {
		t.Fatalf("%d events on pages %v", len(all), pages)
	}
}
