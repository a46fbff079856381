package onboarding_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestCreateWritesEverythingInOneGo(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	email := testenv.UniqueEmail(t, "Ada")
	body := accountBody(account.MSP, f.providerID, "Analytical Engines", email)
	r := f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super, mustJSON(body))
	if r.StatusCode != 201 || r.Str("status") != "pending" || r.Str("id") == "" || r.Str("contactUserId") == "" {
		t.Fatalf("answer %d %s", r.StatusCode, r.Body)
	}
	id, uid := r.Str("id"), r.Str("contactUserId")

	acc := f.Account(id)
	if acc.Kind != account.MSP || acc.Status != account.Pending || acc.ParentID != f.providerID ||
		!slices.Equal(acc.Ancestors, []string{f.providerID}) || acc.ContactUserID != uid || acc.CreatedBy != f.adminID {
		t.Fatalf("account %+v", acc)
	}
	u := f.User(uid)
	if u.Status != user.Invited || u.HomeAccountID != id || !u.TwoFactor.Enabled || u.TwoFactor.Method != user.MethodEmail ||
		u.Email != email || u.ActivationTokenID == "" || !u.ActivationSentAt.Equal(start) {
		t.Fatalf("user %+v", u)
	}
	if got, err := f.store.UserByEmail(ctx, strings.ToUpper(email)); err != nil || got.ID != uid {
		t.Fatalf("email guard: %v %v", got.ID, err)
	}
	m, err := f.store.Membership(ctx, uid, id)
	if err != nil || !slices.Equal(m.Roles, []role.Name{role.AccountAdmin}) {
		t.Fatalf("membership %+v %v", m, err)
	}

	t.Run("case=token", func(t *testing.T) {
		var tok token.Token
		item := f.item(table.TokenKey(u.ActivationTokenID))
		if err := attributevalue.UnmarshalMap(item, &tok); err != nil {
			t.Fatal(err)
		}
		if tok.Status != token.Pending || tok.Purpose != secret.PurposeActivation || tok.UserID != uid ||
			tok.AccountID != id || !tok.ExpiresAt.Equal(start.Add(72*time.Hour)) {
			t.Fatalf("token %+v", tok)
		}
		if item[table.AttrXPK] == nil || item[table.AttrXSK] == nil || item[table.AttrTTL] == nil {
			t.Fatal("the token is not on the expiry index or has no TTL")
		}
	})
	t.Run("case=outbox message", func(t *testing.T) {
		msg := f.Message(u.ActivationMessageID)
		want := secret.LinkRef(secret.PurposeActivation, u.ActivationTokenID)
		if msg.Template != "activation" || msg.To != email || msg.SecretRef != want || msg.UserID != uid ||
			msg.AccountID != id || msg.BrandAccountID != id || msg.Status != outbox.StatusPending {
			t.Fatalf("message %+v", msg)
		}
		for k, v := range map[string]string{"name": "Contact of Analytical Engines", "accountName": "Analytical Engines",
			"roles": "Administrator", "expiresAt": "2026-03-05T09:00:00Z", "inviterName": onboarding.DefaultAdminName,
			"inviter": onboarding.DefaultAdminName + " (" + onboarding.DefaultProviderName + ")"} {
			if msg.Data[k] != v {
				t.Errorf("data[%s] = %q, want %q", k, msg.Data[k], v)
			}
		}
	})
	t.Run("case=the mailer renders it", func(t *testing.T) {
		msg := f.Message(u.ActivationMessageID)
		tmpl, err := mailer.Templates()
		if err != nil {
			t.Fatal(err)
		}
		tok := f.linkToken(uid)
		mail, err := tmpl.Render(msg.Template, mailer.NewView(msg, outbox.Brand{Name: "PartnerHub"}, "http://localhost:3000", tok))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(mail.Text, "http://localhost:3000/activate#"+tok) || !strings.Contains(mail.Text, "Analytical Engines") {
			t.Fatalf("email text:\n%s", mail.Text)
		}
	})
	t.Run("case=audit on parent and new account", func(t *testing.T) {
		var on []string
		for _, item := range f.ItemsOf(table.TypeAudit) {
			if s := item["action"].(*types.AttributeValueMemberS).Value; s == "account.created" {
				on = append(on, item["accountId"].(*types.AttributeValueMemberS).Value)
			}
		}
		slices.Sort(on)
		want := []string{f.providerID, id}
		slices.Sort(want)
		if !slices.Equal(on, want) {
			t.Fatalf("account.created on %v, want %v", on, want)
		}
	})
	t.Run("case=children index", func(t *testing.T) {
		item := f.item(table.AccountKey(id))
		if k := table.ChildrenGSI1(f.providerID, "Analytical Engines", id); platformtest.Str(item[table.AttrGSI1PK]) != k.PK || platformtest.Str(item[table.AttrGSI1SK]) != k.SK {
			t.Fatal("the account is not listed among its parent's children")
		}
	})
}

func TestNoRawTokenIsStored(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.Partner, f.providerID, "Secretive Partners")
	tok := f.linkToken(c.ContactUserID)
	_, mac, _ := strings.Cut(tok, ".")
	for _, item := range append(f.ItemsOf(table.TypeToken), f.ItemsOf(table.TypeOutbox)...) {
		text := platformtest.Render(item)
		if strings.Contains(text, tok) || strings.Contains(text, mac) {
			t.Fatalf("an item holds the link token: %s", text)
		}
	}
	for _, line := range f.Snapshot() {
		if strings.Contains(line, mac) {
			t.Fatalf("the table holds the token's mac: %s", line)
		}
	}
}

func TestEveryKindUnderEveryParent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	msp := f.create(f.super, account.MSP, f.providerID, "Parent MSP")
	partner := f.create(f.super, account.Partner, f.providerID, "Parent Partner")
	customer := f.create(f.super, account.Customer, f.providerID, "Parent Customer")
	parents := map[account.Kind]string{account.Provider: f.providerID, account.MSP: msp.ID, account.Partner: partner.ID, account.Customer: customer.ID}

	for _, parentKind := range []account.Kind{account.Provider, account.MSP, account.Partner, account.Customer} {
		for _, kind := range account.Kinds {
			t.Run(fmt.Sprintf("case=%s under %s", kind, parentKind), func(t *testing.T) {
				name := fmt.Sprintf("%s below %s", kind, parentKind)
				before := f.Snapshot()
				r := f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super,
					mustJSON(accountBody(kind, parents[parentKind], name, testenv.UniqueEmail(t, "c"))))
				if account.MayParent(parentKind, kind) {
					if r.StatusCode != 201 {
						t.Fatalf("allowed pair: %d %s", r.StatusCode, r.Body)
					}
					if got := f.Account(r.Str("id")); got.Kind != kind || got.ParentID != parents[parentKind] {
						t.Fatalf("account %+v", got)
					}
					return
				}
				if r.StatusCode != 400 || !slices.Equal(r.Fields(), []string{"kind:not_allowed"}) {
					t.Fatalf("forbidden pair: %d %s", r.StatusCode, r.Body)
				}
				f.Unchanged(before, "a forbidden pair")
			})
		}
	}
}

func TestCountersOfEveryAncestor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	msp := f.create(f.super, account.MSP, f.providerID, "Counting MSP")
	mspAdmin := f.adminOf(msp.ID)
	partner := f.create(mspAdmin, account.Partner, msp.ID, "Counting Partner")
	// The MSP's administrator creates below its grandchild's level: a customer of the partner below the MSP.
	f.create(mspAdmin, account.Customer, partner.ID, "Counted Customer")

	for _, tc := range []struct {
		id   string
		want account.Counts
	}{
		{f.providerID, account.Counts{MSPs: 1, Partners: 1, Customers: 1}},
		{msp.ID, account.Counts{Partners: 1, Customers: 1}},
		{partner.ID, account.Counts{Customers: 1}},
	} {
		if got := f.Account(tc.id).Counts; got != tc.want {
			t.Errorf("counts of %s = %+v, want %+v", tc.id, got, tc.want)
		}
	}
}

func TestDuplicates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	email := testenv.UniqueEmail(t, "dup")
	r := f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super, mustJSON(accountBody(account.MSP, f.providerID, "Acme Ltd", email)))
	if r.StatusCode != 201 {
		t.Fatalf("first: %d %s", r.StatusCode, r.Body)
	}
	for _, tc := range []struct {
		name, company, email, slug string
		fields                     []any
	}{
		{"company name in other case", "  ACME ltd ", testenv.UniqueEmail(t, "other"), "company-name-taken", []any{"company.name"}},
		{"email in other case", "Other Co", strings.ToUpper(email), "email-taken", []any{"contact.email"}},
		{"both", "acme LTD", email, "company-name-taken", []any{"company.name", "contact.email"}},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			before := f.Snapshot()
			r := f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super, mustJSON(accountBody(account.Partner, f.providerID, tc.company, tc.email)))
			if r.StatusCode != 409 || r.Problem() != tc.slug || !slices.Equal(r.JSON["fields"].([]any), tc.fields) {
				t.Fatalf("answer %d %s", r.StatusCode, r.Body)
			}
			f.Unchanged(before, "a duplicate")
		})
	}
}

func TestBadRequestsNameTheField(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	valid := func(edit func(m map[string]any)) string {
		m := accountBody(account.MSP, f.providerID, "Valid Name", testenv.UniqueEmail(t, "v"))
		edit(m)
		return mustJSON(m)
	}
	company := func(m map[string]any) map[string]any { return m["company"].(map[string]any) }
	contact := func(m map[string]any) map[string]any { return m["contact"].(map[string]any) }
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"missing", valid(func(m map[string]any) { delete(company(m), "name") }), []string{"company.name:required"}},
		{"blank", valid(func(m map[string]any) { contact(m)["name"] = "   " }), []string{"contact.name:required"}},
		{"too long", valid(func(m map[string]any) { company(m)["name"] = strings.Repeat("n", 121) }), []string{"company.name:too_long"}},
		{"bad email", valid(func(m map[string]any) { contact(m)["email"] = "ada@" }), []string{"contact.email:invalid_email"}},
		{"bad phone", valid(func(m map[string]any) { contact(m)["phone"] = "call me" }), []string{"contact.phone:invalid"}},
		{"bad kind", valid(func(m map[string]any) { m["kind"] = "reseller" }), []string{"kind:invalid"}},
		{"provider kind", valid(func(m map[string]any) { m["kind"] = "provider" }), []string{"kind:invalid"}},
		{"malformed parent", valid(func(m map[string]any) { m["parentId"] = "not an id!" }), []string{"parentId:invalid"}},
		{"unknown parent", valid(func(m map[string]any) { m["parentId"] = secret.NewID() }), []string{"parentId:unknown"}},
		{"wrong type", valid(func(m map[string]any) { m["kind"] = 5 }), []string{"kind:wrong_type"}},
		{"wrong nested type", valid(func(m map[string]any) { m["company"] = "Acme" }), []string{"company:wrong_type"}},
		{"unknown field", valid(func(m map[string]any) { m["foo"] = 1 }), []string{"foo:unknown_field"}},
		{"sms", valid(func(m map[string]any) { m["twoFactor"] = map[string]any{"method": "sms"} }), []string{"twoFactor.method:unsupported"}},
		{"totp", valid(func(m map[string]any) { m["twoFactor"] = map[string]any{"enabled": true, "method": "totp"} }), []string{"twoFactor.method:unsupported"}},
		{"over 64 KiB", valid(func(m map[string]any) { company(m)["address"] = strings.Repeat("a", 65<<10) }), []string{"body:too_large"}},
		{"invalid JSON", `{"kind": "msp",`, []string{"body:invalid_json"}},
		{"not an object", `["msp"]`, []string{"body:wrong_type"}},
		{"everything at once", mustJSON(map[string]any{"kind": "x", "company": map[string]any{"name": strings.Repeat("n", 121)}, "contact": map[string]any{"email": "nope"}, "extra": true}),
			[]string{"extra:unknown_field", "kind:invalid", "parentId:required", "company.name:too_long", "company.address:required", "company.country:required",
				"company.city:required", "contact.name:required", "contact.email:invalid_email"}},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			before := f.Snapshot()
			r := f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super, tc.body)
			got := r.Fields()
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if r.StatusCode != 400 || r.Problem() != "validation" || !slices.Equal(got, want) {
				t.Fatalf("answer %d %s\nerrors %v, want %v", r.StatusCode, r.Body, got, want)
			}
			f.Unchanged(before, "a bad request")
		})
	}
}

func TestWhoMayCreate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mspA := f.create(f.super, account.MSP, f.providerID, "MSP A")
	mspB := f.create(f.super, account.MSP, f.providerID, "MSP B")
	accountsOnly := f.as(actor.Actor{UserID: secret.NewID(), AccountID: mspA.ID, Roles: []role.Name{role.MSPAccounts}})
	readOnly := f.as(actor.Actor{UserID: secret.NewID(), AccountID: mspA.ID, Roles: []role.Name{role.ReadOnly}})
	adminA := f.adminOf(mspA.ID)

	for _, tc := range []struct {
		name, cookie string
		kind         account.Kind
		parent       string
		status       int
		problem      string
	}{
		{"no session", "", account.Customer, mspA.ID, 401, "unauthorized"},
		{"read-only", readOnly, account.Customer, mspA.ID, 403, "forbidden"},
		{"accounts role creates a customer", accountsOnly, account.Customer, mspA.ID, 201, ""},
		{"accounts role creates a partner", accountsOnly, account.Partner, mspA.ID, 403, "forbidden"},
		{"admin in a sibling's tree", adminA, account.Customer, mspB.ID, 400, "validation"},
		{"admin above its own account", adminA, account.MSP, f.providerID, 400, "validation"},
		{"admin below itself", adminA, account.Partner, mspA.ID, 201, ""},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			before := f.Snapshot()
			r := f.call(f.signup, onboarding.RouteCreateAccount, nil, tc.cookie,
				mustJSON(accountBody(tc.kind, tc.parent, "By "+tc.name, testenv.UniqueEmail(t, "w"))))
			if r.StatusCode != tc.status || (tc.problem != "" && r.Problem() != tc.problem) {
				t.Fatalf("answer %d %s", r.StatusCode, r.Body)
			}
			if tc.status == 400 && !slices.Equal(r.Fields(), []string{"parentId:unknown"}) {
				t.Fatalf("an invisible parent must look unknown: %s", r.Body)
			}
			if tc.status != 201 {
				f.Unchanged(before, "a denied request")
			}
		})
	}

	t.Run("case=two-factor off needs a super administrator", func(t *testing.T) {
		body := accountBody(account.Customer, mspA.ID, "No 2FA Co", testenv.UniqueEmail(t, "n"))
		body["twoFactor"] = map[string]any{"enabled": false}
		if r := f.call(f.signup, onboarding.RouteCreateAccount, nil, adminA, mustJSON(body)); r.StatusCode != 403 || r.Problem() != "two-factor-forbidden" {
			t.Fatalf("admin: %d %s", r.StatusCode, r.Body)
		}
		r := f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super, mustJSON(body))
		if r.StatusCode != 201 {
			t.Fatalf("super admin: %d %s", r.StatusCode, r.Body)
		}
		if u := f.User(r.Str("contactUserId")); u.TwoFactor.Enabled {
			t.Fatal("two-factor is on")
		}
	})
}

// item reads one raw item, failing the test if there is none.
func (f *fixture) item(k table.Key) map[string]types.AttributeValue {
	f.t.Helper()
	item := f.Item(k)
	if item == nil {
		f.t.Fatalf("item %v: not found", k)
	}
	return item
}
