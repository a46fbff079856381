package profile_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// shortForm is a POST /v1/accounts body of the short form: a company name and a contact email.
func shortForm(kind account.Kind, parentID, name, email string) map[string]any {
	return map[string]any{
		"kind": kind, "parentId": parentID, "profile": "later",
		"company":   map[string]any{"name": name},
		"contact":   map[string]any{"email": email},
		"twoFactor": map[string]any{"enabled": false},
	}
}

func TestShortForm(t *testing.T) {
	t.Parallel()
	p := platformtest.New(t)
	post := func(body map[string]any) platformtest.Reply {
		return p.Call(platformtest.Request{Function: route.Signup, Route: "POST /v1/accounts", Cookie: p.Super, Body: body})
	}
	cases := []struct {
		name string
		edit func(b map[string]any)
		want []string
	}{
		{"case=without profile later the details stay required", func(b map[string]any) { delete(b, "profile") },
			[]string{"company.address:required", "company.city:required", "company.country:required", "contact.name:required"}},
		{"case=not for customers", func(b map[string]any) { b["kind"] = "customer" }, []string{"profile:not_allowed"}},
		{"case=unknown profile value means the full form", func(b map[string]any) { b["profile"] = "soon" },
			[]string{"company.address:required", "company.city:required", "company.country:required", "contact.name:required", "profile:invalid"}},
		{"case=details given are still checked", func(b map[string]any) {
			b["company"] = map[string]any{"name": "Checked Co", "zipCode": strings.Repeat("9", 21)}
		}, []string{"company.zipCode:too_long"}},
		{"case=name and email stay required", func(b map[string]any) {
			b["company"], b["contact"] = map[string]any{}, map[string]any{"email": "not-an-address"}
		}, []string{"company.name:required", "contact.email:invalid_email"}},
	}
	before := p.Snapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := shortForm(account.Partner, p.ProviderID, "Quick Co", testenv.UniqueEmail(t, "quick"))
			c.edit(body)
			r := post(body)
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(r.Fields(), c.want) {
				t.Fatalf("%d %v, want 400 %v (%s)", r.StatusCode, r.Fields(), c.want, r.Body)
			}
		})
	}
	p.Unchanged(before, "refused short forms")

	email := testenv.UniqueEmail(t, "grace.hopper")
	created := p.Create(p.Super, shortForm(account.MSP, p.ProviderID, "Quick MSP", email))
	acc := p.Account(created.ID)
	if !acc.ProfilePending || acc.Kind != account.MSP || acc.Company != (account.Company{Name: "Quick MSP"}) || acc.Status != account.Pending {
		t.Fatalf("account %+v", acc)
	}
	if u := p.User(created.ContactUserID); u.Name != strings.Split(email, "@")[0] || u.Email != email {
		t.Fatalf("contact name %q, email %q", u.Name, u.Email)
	}
	if full := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Full Form Co"); p.Account(full.ID).ProfilePending {
		t.Fatal("the full form marked the profile pending")
	}
}

// company is PUT /v1/me/company.
func company(p *platformtest.Platform, cookie string, body any) platformtest.Reply {
	p.T.Helper()
	return p.Call(platformtest.Request{Function: route.Profile, Route: "PUT /v1/me/company", Cookie: cookie, Body: body})
}

var details = map[string]string{"address": "2 Harbour Road", "country": "GB", "city": "Bristol", "zipCode": "BS1 5TY"}

func with(extra map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range details {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestProfileStep(t *testing.T) {
	t.Parallel()
	p := platformtest.New(t)
	created := p.Create(p.Super, shortForm(account.Partner, p.ProviderID, "Quick Start Partner", testenv.UniqueEmail(t, "ada")))
	cookie := p.SignIn(p.Activate(created.ContactUserID))

	if got := steps(p, cookie); !slices.Equal(got, []string{"license", "profile"}) {
		t.Fatalf("pendingSteps = %v, want [license profile]", got)
	}
	wantPendingStep(t, company(p, cookie, details), "license") // the license comes first
	p.AcceptLicense(cookie, license.Current().Version)
	if got := steps(p, cookie); !slices.Equal(got, []string{"profile"}) {
		t.Fatalf("pendingSteps = %v, want [profile]", got)
	}
	wantPendingStep(t, sessionRoute(p, cookie, created.ID), "profile")

	t.Run("case=refused bodies change nothing", func(t *testing.T) {
		before := p.Snapshot()
		for body, want := range map[string][]string{
			`{}`: {"address:required", "city:required", "country:required"},
			`{"address":5,"country":"US","city":"Leeds","fax":"1"}`:                                          {"address:wrong_type", "fax:unknown_field"},
			`{"address":"1 A St","country":"US","city":"Leeds","zipCode":"` + strings.Repeat("9", 21) + `"}`: {"zipCode:too_long"},
			`{"address":"1 A St","country":"US","city":"Leeds\nLeeds"}`:                                      {"city:invalid"},
		} {
			if r := company(p, cookie, body); r.StatusCode != http.StatusBadRequest || !slices.Equal(r.Fields(), want) {
				t.Fatalf("body %s: %d %v, want %v", body, r.StatusCode, r.Fields(), want)
			}
		}
		p.Unchanged(before, "refused company bodies")
	})

	t.Run("case=a name that is taken", func(t *testing.T) {
		p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Taken Name Inc")
		before := p.Snapshot()
		r := company(p, cookie, with(map[string]string{"name": "taken NAME inc"}))
		if r.StatusCode != http.StatusConflict || r.Problem() != "company-name-taken" {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		p.Unchanged(before, "a taken name")
	})

	t.Run("case=only an administrator", func(t *testing.T) {
		viewer := seedMember(t, p, created.ID, role.ReadOnly)
		before := p.Snapshot()
		if r := company(p, viewer, details); r.StatusCode != http.StatusForbidden || r.Problem() != "forbidden" {
			t.Fatalf("read-only member: %d %s", r.StatusCode, r.Body)
		}
		p.Unchanged(before, "a read-only member")
	})

	p.Clock.Advance(time.Minute)
	version := p.Account(created.ID).Version
	r := company(p, cookie, with(map[string]string{"name": "Quick Start Partners Ltd", "state": " Avon "}))
	if r.StatusCode != http.StatusOK || r.Str("accountId") != created.ID {
		t.Fatalf("complete: %d %s", r.StatusCode, r.Body)
	}
	if got, _ := r.JSON["pendingSteps"].([]any); got == nil || len(got) != 0 {
		t.Fatalf("pendingSteps in the answer = %v", r.JSON["pendingSteps"])
	}
	want := account.Company{Name: "Quick Start Partners Ltd", Address: "2 Harbour Road", Country: "GB", State: "Avon", City: "Bristol", ZipCode: "BS1 5TY"}
	acc := p.Account(created.ID)
	if acc.ProfilePending || acc.Company != want || acc.Version != version+1 {
		t.Fatalf("account %+v", acc)
	}
	if m, err := p.Store.Membership(context.Background(), created.ContactUserID, created.ID); err != nil || m.AccountName != want.Name {
		t.Fatalf("membership %+v %v", m, err)
	}
	if sk := gsi1sk(t, p, created.ID); sk != table.ChildrenGSI1(p.ProviderID, want.Name, created.ID).SK {
		t.Fatalf("children index key %q", sk)
	}
	if n := count(p.Audit(created.ID), "account.profile-completed"); n != 1 {
		t.Fatalf("%d profile-completed events", n)
	}
	// The old name is free again and the new one is taken.
	p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Quick Start Partner")
	taken := p.Call(platformtest.Request{Function: route.Signup, Route: "POST /v1/accounts", Cookie: p.Super,
		Body: shortForm(account.Partner, p.ProviderID, "QUICK START PARTNERS LTD", testenv.UniqueEmail(t, "again"))})
	if taken.StatusCode != http.StatusConflict || taken.Problem() != "company-name-taken" {
		t.Fatalf("new name not guarded: %d %s", taken.StatusCode, taken.Body)
	}

	if got := steps(p, cookie); len(got) != 0 {
		t.Fatalf("pendingSteps = %v", got)
	}
	if r := sessionRoute(p, cookie, created.ID); r.StatusCode != http.StatusOK {
		t.Fatalf("session route after the profile: %d %s", r.StatusCode, r.Body)
	}
	if r := company(p, cookie, details); r.StatusCode != http.StatusConflict || r.Problem() != "profile-complete" {
		t.Fatalf("second completion: %d %s", r.StatusCode, r.Body)
	}
}

func TestProfileKeepsTheNameWhenLeftOut(t *testing.T) {
	t.Parallel()
	p := platformtest.New(t)
	created := p.Create(p.Super, shortForm(account.MSP, p.ProviderID, "Keeps Its Name", testenv.UniqueEmail(t, "keep")))
	p.Activate(created.ContactUserID)
	cookie := p.Session(created.ContactUserID, created.ID)
	p.AcceptLicense(cookie, license.Current().Version)
	if r := company(p, cookie, details); r.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if acc := p.Account(created.ID); acc.Company.Name != "Keeps Its Name" || acc.Company.City != "Bristol" || acc.ProfilePending {
		t.Fatalf("account %+v", acc)
	}
	if n := count(p.Audit(created.ID), "account.profile-completed"); n != 1 {
		t.Fatalf("%d profile-completed events", n)
	}
}

// seedMember writes an active user with a role in an account, who has accepted the license, and returns a
// session of theirs. (Inviting users is the users function's; here only the membership matters.)
func seedMember(t *testing.T, p *platformtest.Platform, accountID string, r role.Name) string {
	t.Helper()
	acc := p.Account(accountID)
	u := user.User{ID: secret.NewID(), Email: testenv.UniqueEmail(t, "member"), Name: "Read Only", Status: user.Active,
		HomeAccountID: accountID, LicenseVersion: license.Current().Version, LicenseAcceptedAt: p.Clock.Now(), CreatedAt: p.Clock.Now(), Version: 1}
	m := user.Membership{UserID: u.ID, AccountID: accountID, Roles: []role.Name{r}, AccountName: acc.Company.Name,
		AccountKind: string(acc.Kind), UserName: u.Name, UserEmail: u.Email, CreatedAt: p.Clock.Now()}
	userItem, err := dynamo.UserItem(u)
	if err != nil {
		t.Fatal(err)
	}
	memberItem, err := dynamo.MembershipItem(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range []map[string]types.AttributeValue{userItem, memberItem} {
		if _, err := p.Env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(p.Table), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	return p.Session(u.ID, accountID)
}

// gsi1sk reads an account item's children-index sort key.
func gsi1sk(t *testing.T, p *platformtest.Platform, accountID string) string {
	t.Helper()
	var item struct {
		SK string `dynamodbav:"gsi1sk"`
	}
	if _, err := dynamo.Get(context.Background(), p.Env.Dynamo, p.Table, table.AccountKey(accountID), &item); err != nil {
		t.Fatal(err)
	}
	return item.SK
}
