package grant_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// world is a platform with an MSP, a partner below it and two customers below the provider, each created by the
// super administrator through POST /v1/accounts, and a signed-in administrator of each (activated and given a
// session as the activation and sign-in transactions leave them, license accepted through the API).
type world struct {
	*platformtest.Platform
	msp, partner, customer, other platformtest.Created
	// Sessions (cookie values) of each account's administrator.
	mspAdmin, partnerAdmin, customerAdmin, otherAdmin string
}

func newWorld(t *testing.T, opts ...app.Option) *world {
	t.Helper()
	p := platformtest.New(t, opts...)
	w := &world{Platform: p}
	w.msp = p.CreateAccount(p.Super, account.MSP, p.ProviderID, "Northwind MSP")
	w.partner = p.CreateAccount(p.Super, account.Partner, w.msp.ID, "Contoso Support")
	w.customer = p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Fabrikam Inc")
	w.other = p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Tailspin Toys")
	w.mspAdmin = w.admin(w.msp)
	w.partnerAdmin = w.admin(w.partner)
	w.customerAdmin = w.admin(w.customer)
	w.otherAdmin = w.admin(w.other)
	return w
}

// admin activates an account's contact, gives them a session in the account and takes the license step.
// Activation and sign-in are seeded (see platformtest.Activate): packages onboarding and signin test them, and
// their Argon2id work would dominate every test here.
func (w *world) admin(c platformtest.Created) string {
	w.T.Helper()
	w.Activate(c.ContactUserID)
	cookie := w.Session(c.ContactUserID, c.ID)
	w.AcceptLicense(cookie, license.Current().Version)
	return cookie
}

// staffMember is a partner user added through the users API, activated, and signed in (acting in the partner).
type staffMember struct {
	id, email, cookie string
}

// addStaff invites a new person into the partner as read-only through POST /v1/accounts/{id}/users, activates
// them (seeded, see admin) and gives them a session (they sign in with a code, whose flow package signin tests)
// that has accepted the license.
func (w *world) addStaff(name string) staffMember {
	w.T.Helper()
	email := testenv.UniqueEmail(w.T, "staff")
	r := w.Call(platformtest.Request{Function: route.Users, Route: "POST /v1/accounts/{id}/users", Cookie: w.partnerAdmin,
		Params: map[string]string{"id": w.partner.ID}, Body: map[string]any{"name": name, "email": email, "roles": []string{"read-only"}}})
	if r.StatusCode != http.StatusCreated {
		w.T.Fatalf("invite %s: %d %s", name, r.StatusCode, r.Body)
	}
	id := r.Str("userId")
	w.Activate(id)
	cookie := w.Session(id, w.partner.ID)
	w.AcceptLicense(cookie, license.Current().Version)
	return staffMember{id: id, email: email, cookie: cookie}
}

// partnerID is the partner's Partner ID, as its account shows it.
func (w *world) partnerID() string {
	w.T.Helper()
	return w.Account(w.partner.ID).PartnerID
}

// call sends a request to the partner-access function.
func (w *world) call(cookie, routeKey string, params map[string]string, body any) platformtest.Reply {
	w.T.Helper()
	fn := route.PartnerAccess
	if routeKey == grant.RouteRevokeGrant {
		fn = route.Revoke
	}
	req := platformtest.Request{Function: fn, Route: routeKey, Params: params, Cookie: cookie, Body: body}
	if strings.HasPrefix(routeKey, "GET ") {
		req.Headers = map[string]string{}
	}
	return w.Call(req)
}

// invite invites the partner into the customer by its Partner ID and returns the grant's id.
func (w *world) invite(body map[string]any) string {
	w.T.Helper()
	if body == nil {
		body = map[string]any{"partnerId": w.partnerID()}
	}
	r := w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, body)
	platformtest.WantStatus(w.T, r, http.StatusCreated)
	return r.Str("id")
}

// act runs an action on a grant (accept, decline, revoke) and returns the reply.
func (w *world) act(cookie, routeKey, grantID string) platformtest.Reply {
	w.T.Helper()
	return w.call(cookie, routeKey, map[string]string{"grantId": grantID}, nil)
}

// setStaff sets a grant's staff.
func (w *world) setStaff(cookie, grantID string, ids ...string) platformtest.Reply {
	w.T.Helper()
	if ids == nil {
		ids = []string{}
	}
	return w.call(cookie, grant.RouteStaff, map[string]string{"grantId": grantID}, map[string]any{"userIds": ids})
}

// activeGrant invites the partner, has it accept and assigns staff; it returns the grant's id.
func (w *world) activeGrant(staff ...string) string {
	w.T.Helper()
	id := w.invite(nil)
	platformtest.WantStatus(w.T, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	if len(staff) > 0 {
		platformtest.WantStatus(w.T, w.setStaff(w.partnerAdmin, id, staff...), http.StatusOK)
	}
	return id
}

// switchTo moves a session to another account through POST /v1/sessions/current/account.
func (w *world) switchTo(cookie, accountID string) platformtest.Reply {
	w.T.Helper()
	return w.Call(platformtest.Request{Function: route.OTP, Route: "POST /v1/sessions/current/account", Cookie: cookie,
		Body: map[string]string{"accountId": accountID}})
}

// viewAccount is GET /v1/accounts/{id} through the real accounts function.
func (w *world) viewAccount(cookie, id string) platformtest.Reply {
	w.T.Helper()
	return w.Call(platformtest.Request{Function: route.Accounts, Route: "GET /v1/accounts/{id}", Cookie: cookie,
		Params: map[string]string{"id": id}, Headers: map[string]string{}})
}

// grantRecord reads a grant as stored.
func (w *world) grantRecord(id string) dynamo.GrantRecord {
	w.T.Helper()
	g, found, err := w.Store.Grant(context.Background(), id)
	if err != nil || !found {
		w.T.Fatalf("grant %s: found=%v %v", id, found, err)
	}
	return g
}

// membership reads a membership; ok is false if there is none.
func (w *world) membership(userID, accountID string) (user.Membership, bool) {
	w.T.Helper()
	m, err := w.Store.Membership(context.Background(), userID, accountID)
	if err != nil {
		return m, false
	}
	return m, true
}

// staffMemberships lists the memberships in accountID that name a grant.
func (w *world) staffMemberships(accountID string) []user.Membership {
	w.T.Helper()
	var out []user.Membership
	for _, it := range w.Data().ItemsOf(table.TypeMember) {
		var m user.Membership
		if err := attributevalue.UnmarshalMap(it, &m); err != nil {
			w.T.Fatal(err)
		}
		if m.AccountID == accountID && m.GrantID != "" {
			out = append(out, m)
		}
	}
	return out
}

// mails lists the outbox messages of a template, as "to" addresses, sorted.
func (w *world) mails(template string) []outbox.Message {
	w.T.Helper()
	var out []outbox.Message
	for _, m := range w.Data().Messages() {
		if m.Template == template {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b outbox.Message) int { return strings.Compare(a.To, b.To) })
	return out
}

// sweep runs the real expiry sweep at the fake clock's now.
func (w *world) sweep() {
	w.T.Helper()
	if _, err := w.App.Sweeper().Run(context.Background()); err != nil {
		w.T.Fatalf("sweep: %v", err)
	}
}

// advance moves the fake clock and signs the administrators in again (sessions end after 30 idle minutes).
func (w *world) advance(d time.Duration) {
	w.T.Helper()
	w.Clock.Advance(d)
	w.mspAdmin = w.Session(w.msp.ContactUserID, w.msp.ID)
	w.partnerAdmin = w.Session(w.partner.ContactUserID, w.partner.ID)
	w.customerAdmin = w.Session(w.customer.ContactUserID, w.customer.ID)
	w.otherAdmin = w.Session(w.other.ContactUserID, w.other.ID)
}

// count is how many of the actions were logged.
func count(actions []string, action string) int {
	n := 0
	for _, a := range actions {
		if a == action {
			n++
		}
	}
	return n
}

// list is GET /v1/accounts/{id}/partner-access.
func (w *world) list(cookie, accountID string, query map[string]string) platformtest.Reply {
	w.T.Helper()
	return w.Call(platformtest.Request{Function: route.PartnerAccess, Route: grant.RouteList, Cookie: cookie,
		Params: map[string]string{"id": accountID}, Query: query, Headers: map[string]string{}})
}

// grants are the grants of a list answer.
func grants(r platformtest.Reply) []map[string]any {
	var out []map[string]any
	list, _ := r.JSON["grants"].([]any)
	for _, g := range list {
		m, _ := g.(map[string]any)
		out = append(out, m)
	}
	return out
}
