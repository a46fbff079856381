package onboarding_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// prospectBody is a valid POST /v1/accounts body of a prospect.
func prospectBody(parentID, name, email string) map[string]any {
	b := accountBody(account.Customer, parentID, name, email)
	b["stage"] = "prospect"
	return b
}

// createProspect creates a prospect through the API and fails the test unless it is created.
func (f *fixture) createProspect(cookie, parentID, name string) onboarding.Created {
	f.t.Helper()
	r := f.call(f.signup, onboarding.RouteCreateAccount, nil, cookie, mustJSON(prospectBody(parentID, name, testenv.UniqueEmail(f.t, "prospect"))))
	if r.StatusCode != 201 {
		f.t.Fatalf("create prospect %q under %s: %d %s", name, parentID, r.StatusCode, r.Body)
	}
	return onboarding.Created{ID: r.Str("id"), Status: account.Status(r.Str("status")), ContactUserID: r.Str("contactUserId")}
}

// convert asks to convert an account to a customer.
func (f *fixture) convert(cookie, id string) (int, string, string) {
	f.t.Helper()
	r := f.call(f.signup, onboarding.RouteConvert, map[string]string{"id": id}, cookie, "{}")
	return r.StatusCode, r.Problem(), r.Body
}

// counts are an account's customer and prospect counters.
func (f *fixture) counts(id string) [2]int {
	f.t.Helper()
	c := f.Account(id).Counts
	return [2]int{c.Customers, c.Prospects}
}

func TestProspectCreatedByTheProspectsRole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	msp := f.create(f.super, account.MSP, f.providerID, "Prospecting MSP")
	partner := f.create(f.super, account.Partner, msp.ID, "Prospecting Partner")
	seller := f.as(actor.Actor{UserID: secret.NewID(), AccountID: msp.ID, Roles: []role.Name{role.MSPProspects}})

	t.Run("case=refused anything but a prospect", func(t *testing.T) {
		for _, kind := range []account.Kind{account.Customer, account.Partner} {
			before := f.Snapshot()
			r := f.call(f.signup, onboarding.RouteCreateAccount, nil, seller,
				mustJSON(accountBody(kind, msp.ID, "Not A Prospect "+string(kind), testenv.UniqueEmail(t, "np"))))
			if r.StatusCode != 403 || r.Problem() != "prospects-only" {
				t.Fatalf("%s: %d %s", kind, r.StatusCode, r.Body)
			}
			f.Unchanged(before, "a prospects-only user creating a "+string(kind))
		}
	})
	t.Run("case=a partner cannot be a prospect", func(t *testing.T) {
		before := f.Snapshot()
		body := prospectBody(msp.ID, "Prospect Partner", testenv.UniqueEmail(t, "pp"))
		body["kind"] = "partner"
		r := f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super, mustJSON(body))
		if r.StatusCode != 400 || !slices.Equal(r.Fields(), []string{"stage:not_allowed"}) {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		body["kind"], body["stage"] = "customer", "lead"
		r = f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super, mustJSON(body))
		if r.StatusCode != 400 || !slices.Equal(r.Fields(), []string{"stage:invalid"}) {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		f.Unchanged(before, "a bad stage")
	})

	messages := len(f.Messages())
	p := f.createProspect(seller, partner.ID, "Would-Be Customer")
	acc := f.Account(p.ID)
	if !acc.Prospect() || acc.Kind != account.Customer || acc.Status != account.Pending || acc.ParentID != partner.ID {
		t.Fatalf("prospect %+v", acc)
	}
	t.Run("case=counted as a prospect on every ancestor", func(t *testing.T) {
		for _, id := range []string{f.providerID, msp.ID, partner.ID} {
			if got := f.counts(id); got != [2]int{0, 1} {
				t.Errorf("%s: customers, prospects %v", id, got)
			}
		}
	})
	t.Run("case=its contact is recorded, not invited", func(t *testing.T) {
		u := f.User(p.ContactUserID)
		if u.Status != user.Invited || u.HomeAccountID != p.ID || u.ActivationTokenID != "" || u.ActivationMessageID != "" {
			t.Fatalf("contact %+v", u)
		}
		if got := len(f.Messages()); got != messages {
			t.Fatalf("%d emails, want %d", got, messages)
		}
		if !slices.Contains(f.Audit(partner.ID), "account.created") {
			t.Fatalf("audit %v", f.Audit(partner.ID))
		}
	})
	t.Run("case=no activation email on request either", func(t *testing.T) {
		before := f.Snapshot()
		r := f.call(f.resend, onboarding.RouteResendActivate, nil, f.super, mustJSON(map[string]any{"userIds": []string{p.ContactUserID}}))
		if r.StatusCode != 202 || r.JSON["results"].([]any)[0].(map[string]any)["status"] != onboarding.ResendProspect {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		f.Unchanged(before, "a resend to a prospect's contact")
	})
}

func TestConvertProspect(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	msp := f.create(f.super, account.MSP, f.providerID, "Converting MSP")
	partner := f.create(f.super, account.Partner, msp.ID, "Converting Partner")
	p := f.createProspect(f.adminOf(partner.ID), partner.ID, "Signed Soon")
	signed := f.create(f.adminOf(partner.ID), account.Customer, partner.ID, "Signed Already")
	in := func(accountID string, roles ...role.Name) string {
		return f.as(actor.Actor{UserID: secret.NewID(), AccountID: accountID, Roles: roles})
	}

	for _, tc := range []struct {
		name, cookie, id string
		status           int
		problem          string
	}{
		{"no session", "", p.ID, 401, "unauthorized"},
		{"prospects role", in(partner.ID, role.MSPProspects), p.ID, 403, "forbidden"},
		{"accounts role", in(partner.ID, role.MSPAccounts), p.ID, 403, "forbidden"},
		{"read-only", in(partner.ID, role.ReadOnly), p.ID, 403, "forbidden"},
		{"administrator two levels up", f.adminOf(msp.ID), p.ID, 403, "not-direct-child"},
		{"administrator of another tree", in(signed.ID, role.AccountAdmin), p.ID, 404, "account-not-found"},
		{"unknown account", f.super, secret.NewID(), 404, "account-not-found"},
		{"a signed customer", f.adminOf(partner.ID), signed.ID, 409, "not-a-prospect"},
		{"a partner", f.adminOf(msp.ID), partner.ID, 409, "not-a-prospect"},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			before := f.Snapshot()
			if status, slug, body := f.convert(tc.cookie, tc.id); status != tc.status || slug != tc.problem {
				t.Fatalf("%d %s", status, body)
			}
			f.Unchanged(before, "a refused conversion")
		})
	}

	before := map[string][2]int{}
	for _, id := range []string{f.providerID, msp.ID, partner.ID} {
		before[id] = f.counts(id)
	}
	status, _, body := f.convert(f.adminOf(partner.ID), p.ID)
	if status != 200 {
		t.Fatalf("convert: %d %s", status, body)
	}
	acc := f.Account(p.ID)
	if acc.Prospect() || acc.ID != p.ID || acc.ContactUserID != p.ContactUserID || acc.Status != account.Pending {
		t.Fatalf("converted %+v", acc)
	}
	t.Run("case=counted as a customer on every ancestor", func(t *testing.T) {
		for id, was := range before {
			if got, want := f.counts(id), [2]int{was[0] + 1, was[1] - 1}; got != want {
				t.Errorf("%s: customers, prospects %v, want %v", id, got, want)
			}
		}
	})
	t.Run("case=its contact gets the activation email now", func(t *testing.T) {
		u := f.User(p.ContactUserID)
		if u.ActivationTokenID == "" || u.ActivationMessageID == "" {
			t.Fatalf("contact %+v", u)
		}
		m := f.Message(u.ActivationMessageID)
		if m.To != u.Email || m.AccountID != p.ID {
			t.Fatalf("message %+v", m)
		}
		tok, err := f.store.Token(t.Context(), u.ActivationTokenID)
		if err != nil || tok.Status != token.Pending || tok.UserID != u.ID {
			t.Fatalf("token %+v, %v", tok, err)
		}
		f.Activate(u.ID, start)
	})
	t.Run("case=audited on the account and its parent", func(t *testing.T) {
		for _, id := range []string{p.ID, partner.ID} {
			if !slices.Contains(f.Audit(id), "account.converted") {
				t.Errorf("%s: audit %v", id, f.Audit(id))
			}
		}
	})
	t.Run("case=converting again", func(t *testing.T) {
		snap := f.Snapshot()
		if status, slug, body := f.convert(f.adminOf(partner.ID), p.ID); status != 409 || slug != "not-a-prospect" {
			t.Fatalf("%d %s", status, body)
		}
		f.Unchanged(snap, "a second conversion")
	})
}

func TestConcurrentConversionsCountOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	msp := f.create(f.super, account.MSP, f.providerID, "Racing MSP")
	admin := f.adminOf(msp.ID)
	p := f.createProspect(admin, msp.ID, "Raced Prospect")

	const n = 6
	statuses := make([]int, n)
	slugs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses[i], slugs[i], _ = f.convert(admin, p.ID) })
	}
	wg.Wait()
	converted := 0
	for i, s := range statuses {
		switch {
		case s == 200:
			converted++
		case s == 409 && (slugs[i] == "not-a-prospect" || slugs[i] == "conflict"):
		default:
			t.Fatalf("conversion %d: %d %s", i, s, slugs[i])
		}
	}
	if converted != 1 {
		t.Fatalf("%d conversions succeeded, want 1 (%v)", converted, statuses)
	}
	for _, id := range []string{f.providerID, msp.ID} {
		if got := f.counts(id); got != [2]int{1, 0} {
			t.Errorf("%s: customers, prospects %v, want [1 0]", id, got)
		}
	}
	u := f.User(p.ContactUserID)
	tokens := 0
	for _, m := range f.Messages() {
		if m.UserID == u.ID {
			tokens++
		}
	}
	if tokens != 1 {
		t.Fatalf("%d activation emails to the contact, want 1", tokens)
	}
	if got := f.AuditAbout(p.ID); len(slices.DeleteFunc(slices.Clone(got), func(a string) bool { return a != "account.converted" })) != 2 {
		t.Fatalf("audit about the prospect %v: want account.converted on it and its parent, once", got)
	}
}
