package platformtest_test

import (
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// TestActivateAsTheLinkDoes proves that the seeded activation the other packages build their worlds with leaves
// the table exactly as the real one does: two like users are activated, one through POST
// /v1/activations/{token} and one by Activate, and what each changed must be the same once their own ids, names
// and salted hashes are set aside. A change to the activation transaction that Activate does not follow fails
// here, not as a wrong world in another package's tests.
func TestActivateAsTheLinkDoes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// invite makes two invited users alike but for their ids, emails and names.
		invite func(t *testing.T, p *platformtest.Platform) (viaLink, seeded string)
	}{
		{"case=first contact of a pending account", func(t *testing.T, p *platformtest.Platform) (string, string) {
			a := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Twin Partner A")
			b := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Twin Partner B")
			return a.ContactUserID, b.ContactUserID
		}},
		{"case=user invited into an active account", func(t *testing.T, p *platformtest.Platform) (string, string) {
			c := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Host Partner")
			p.Activate(c.ContactUserID)
			admin := p.Session(c.ContactUserID, c.ID)
			p.AcceptLicense(admin, license.Current().Version)
			invite := func() string {
				r := p.Call(platformtest.Request{Function: route.Users, Route: "POST /v1/accounts/{id}/users", Cookie: admin,
					Params: map[string]string{"id": c.ID},
					Body:   map[string]any{"name": "Twin", "email": testenv.UniqueEmail(t, "twin"), "roles": []string{"read-only"}}})
				platformtest.WantStatus(t, r, http.StatusCreated)
				return r.Str("userId")
			}
			return invite(), invite()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := platformtest.New(t)
			viaLink, seeded := c.invite(t, p)

			before := byKey(p.Items())
			if got, want := p.ActivateByLink(viaLink), p.User(viaLink).Email; got != want {
				t.Fatalf("ActivateByLink returned %q, want %q", got, want)
			}
			middle := byKey(p.Items())
			if got, want := p.Activate(seeded), p.User(seeded).Email; got != want {
				t.Fatalf("Activate returned %q, want %q", got, want)
			}
			after := byKey(p.Items())

			link, seed := changes(before, middle), changes(middle, after)
			if len(link) == 0 {
				t.Fatal("the activation link changed nothing")
			}
			want, got := normalize(t, p, viaLink, link), normalize(t, p, seeded, seed)
			if !slices.Equal(got, want) {
				t.Fatalf("Activate differs from the link's activation.\nlink:\n  %s\nseeded:\n  %s",
					strings.Join(want, "\n  "), strings.Join(got, "\n  "))
			}
			// The seeded user's password is accepted by the real password step, as the other's is.
			for _, id := range []string{viaLink, seeded} {
				r := p.Call(platformtest.Request{Function: route.OTP, Route: "POST /v1/sessions",
					Body: map[string]string{"email": p.User(id).Email, "password": platformtest.Password}})
				if r.StatusCode != http.StatusCreated && r.Str("status") != "otp_required" {
					t.Fatalf("password step of %s: %d %s", id, r.StatusCode, r.Body)
				}
			}
		})
	}
}

// byKey is the table's items as Render prints them, by primary key.
func byKey(items []map[string]types.AttributeValue) map[string]map[string]types.AttributeValue {
	out := map[string]map[string]types.AttributeValue{}
	for _, it := range items {
		out[platformtest.Str(it["pk"])+" "+platformtest.Str(it["sk"])] = it
	}
	return out
}

// changes lists the items written or deleted between two readings of the table, leaving out rate-limit
// windows: they count requests, and only the request path makes requests.
func changes(from, to map[string]map[string]types.AttributeValue) []map[string]types.AttributeValue {
	var out []map[string]types.AttributeValue
	for _, k := range slices.Sorted(maps.Keys(to)) {
		if it := to[k]; platformtest.Str(it[table.AttrType]) != table.TypeRate && (from[k] == nil || platformtest.Render(from[k]) != platformtest.Render(it)) {
			out = append(out, it)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(from)) {
		if to[k] == nil {
			out = append(out, map[string]types.AttributeValue{"deleted": from[k]["pk"]})
		}
	}
	return out
}

// normalize prints changed items with what differs between two like users by construction — ids, emails,
// names, their accounts' names and Partner IDs, salted hashes — replaced by placeholders, sorted. The hashes
// must verify first.
func normalize(t *testing.T, p *platformtest.Platform, userID string, items []map[string]types.AttributeValue) []string {
	t.Helper()
	u := p.User(userID)
	if !passhash.Check(u.PasswordHash, platformtest.Password) || !passhash.CheckAnswer(u.SecurityAnswerHash, platformtest.SecurityAnswer) {
		t.Fatalf("%s: the stored hashes do not verify the password and the answer", userID)
	}
	if u.SecurityQuestion != platformtest.SecurityQuestion {
		t.Fatalf("%s: security question %q", userID, u.SecurityQuestion)
	}
	acct := p.Account(u.HomeAccountID)
	var replace []string
	set := func(value, placeholder string) {
		if value != "" {
			replace = append(replace, value, placeholder)
		}
	}
	set(u.PasswordHash, "<password-hash>")
	set(u.SecurityAnswerHash, "<answer-hash>")
	set(u.Email, "<email>")
	// Names, as written and as folded into index keys, before the company's, which a contact's name contains.
	set(u.Name, "<name>")
	set(strings.ToLower(u.Name), "<name>")
	set(u.ID, "<user>")
	set(u.ActivationTokenID, "<token>")
	set(u.ActivationMessageID, "<message>")
	set(acct.ID, "<account>")
	set(acct.PartnerID, "<partner-id>")
	set(acct.Company.Name, "<company>")
	set(strings.ToLower(acct.Company.Name), "<company>")
	for _, it := range items {
		if platformtest.Str(it[table.AttrType]) == table.TypeAudit {
			set(platformtest.Str(it["id"]), "<event>")
		}
	}
	r := strings.NewReplacer(replace...)
	var out []string
	for _, it := range items {
		out = append(out, r.Replace(platformtest.Render(it)))
	}
	slices.Sort(out)
	return out
}
