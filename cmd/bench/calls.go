package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// world is the platform the hot routes are called in: every handler's DynamoDB client carries the meter.
//
//	provider ── Bench MSP ── Bench Partner ── the customers the partner's administrator creates, one per round
//	         └─ Bench Customer, which invites Bench Partner as its support partner, one grant per round
type world struct {
	*platformtest.Platform
	meter *testenv.Meter

	partner, customer         platformtest.Created
	partnerAdmin, customerAdm string // session cookies
	staffID                   string // a partner user, assigned to every grant
}

// newWorld builds the world through the real handlers (accounts created by POST /v1/accounts, users invited by
// POST /v1/accounts/{id}/users), with activations and sessions seeded as platformtest seeds them.
func newWorld(t *runner) *world {
	meter := testenv.NewMeter()
	p := platformtest.New(t, app.WithAWS(meter.AWS()))
	p.Measuring = true // the bench times the handlers; the tests check the same answers against the API description
	w := &world{Platform: p, meter: meter}
	// Nothing here reads the stream (no stream function runs: the search index is seeded with the memberships),
	// and the emulator slows every write as its stream grows (see platformtest's StopStream), which DynamoDB
	// does not: without it, seeding 10,000 users would take an hour and the load test would time a slower table.
	p.Data().StopStream()
	msp := p.CreateAccount(p.Super, account.MSP, p.ProviderID, "Bench MSP")
	w.partner = p.CreateAccount(p.Super, account.Partner, msp.ID, "Bench Partner")
	w.customer = p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Bench Customer")
	w.partnerAdmin = w.admin(w.partner.ContactUserID, w.partner.ID)
	w.customerAdm = w.admin(w.customer.ContactUserID, w.customer.ID)
	w.staffID = w.invite(w.partnerAdmin, w.partner.ID, "Bench Staff")
	w.admin(w.staffID, w.partner.ID)
	return w
}

// admin activates a user, gives them a session in an account and takes the license step.
func (w *world) admin(userID, accountID string) string {
	w.Activate(userID)
	cookie := w.Session(userID, accountID)
	w.AcceptLicense(cookie, license.Current().Version)
	return cookie
}

// invite invites a read-only user into an account and returns their id.
func (w *world) invite(cookie, accountID, name string) string {
	r := w.call(cookie, "POST /v1/accounts/{id}/users", map[string]string{"id": accountID},
		map[string]any{"name": name, "email": testenv.UniqueEmail(w.T, "bench"), "roles": []string{"read-only"}})
	w.want(r, http.StatusCreated)
	return r.Str("userId")
}

// call sends a request to the function that serves its route, as API Gateway would, from a new source address.
func (w *world) call(cookie, key string, params map[string]string, body any) platformtest.Reply {
	rt, ok := route.ByKey(key)
	if !ok {
		w.T.Fatalf("no route %s in the route table", key)
	}
	req := platformtest.Request{Function: rt.Function, Route: key, Params: params, Cookie: cookie, Body: body}
	if rt.Method == http.MethodGet {
		req.Headers = map[string]string{}
	}
	return w.Call(req)
}

func (w *world) want(r platformtest.Reply, status int) {
	if r.StatusCode != status {
		w.T.Fatalf("%d, want %d: %s", r.StatusCode, status, r.Body)
	}
}

// cost is what one route cost over its calls.
type cost struct {
	name  string
	calls int
	use   testenv.Usage
	times []time.Duration
}

// costs are the routes' costs, by name.
type costs map[string]*cost

// measure calls a route once, counting only what that call sent, and fails unless it answers want.
func (w *world) measure(into costs, name string, want int, do func() platformtest.Reply) platformtest.Reply {
	w.meter.Take() // what the setup sent is not the route's
	began := time.Now()
	r := do()
	took := time.Since(began)
	use := w.meter.Take()
	if r.StatusCode != want {
		w.T.Fatalf("%s: %d, want %d: %s", name, r.StatusCode, want, r.Body)
	}
	c, ok := into[name]
	if !ok {
		c = &cost{name: name, use: testenv.Usage{}}
		into[name] = c
	}
	c.calls++
	c.use = c.use.Plus(use)
	c.times = append(c.times, took)
	return r
}

// Names of the measured routes, as the table prints them.
const (
	costSignIn   = "POST /v1/sessions (password; email code)"
	costOTP      = "POST /v1/sessions/otp (code)"
	costActivate = "POST /v1/activations/{token}"
	costMe       = "GET /v1/me"
	costApps     = "GET /v1/apps"
	costRoles    = "GET /v1/roles"
	costCreate   = "POST /v1/accounts (customer, depth 3)"
	costRevoke   = "POST /v1/partner-access/{id}/revoke"
	costRemove   = "DELETE /v1/accounts/{id}/users/{userId}"
	costHealth   = "GET /v1/health"
	costGetItem  = "raw GetItem (strongly consistent)"
)

// costOrder is the order the table prints the routes in: the issue's, then the floors.
var costOrder = []string{costSignIn, costOTP, costActivate, costMe, costApps, costRoles, costCreate, costRevoke, costRemove, costHealth, costGetItem}

// hotPaths runs rounds of the onboarding and sign-in path and of the access changes, each route once a round,
// and returns what each call cost. It also returns a session on the bench's deepest account and its user, for
// the load test's GET /v1/me.
func (w *world) hotPaths(rounds int) (c costs, cookie, userID string) {
	c = costs{}
	pid := w.Account(w.partner.ID).PartnerID
	for i := range rounds {
		// The partner's administrator creates a customer: its contact has email codes, the default.
		email := testenv.UniqueEmail(w.T, "contact")
		var created platformtest.Created
		w.measure(c, costCreate, http.StatusCreated, func() platformtest.Reply {
			r := w.call(w.partnerAdmin, "POST /v1/accounts", nil, map[string]any{
				"kind": account.Customer, "parentId": w.partner.ID,
				"company": map[string]any{"name": fmt.Sprintf("Bench Customer %d", i), "address": "1 Main Street", "country": "US",
					"state": "WA", "city": "Seattle", "zipCode": "98101"},
				"contact": map[string]any{"name": "Casey Contact", "email": email},
			})
			created = platformtest.Created{ID: r.Str("id"), ContactUserID: r.Str("contactUserId"), ContactEmail: email}
			return r
		})
		link := w.LinkToken(created.ContactUserID)
		w.measure(c, costActivate, http.StatusOK, func() platformtest.Reply {
			return w.call("", "POST /v1/activations/{token}", map[string]string{"token": link}, map[string]string{
				"password": platformtest.Password, "securityQuestion": platformtest.SecurityQuestion, "securityAnswer": platformtest.SecurityAnswer})
		})
		r := w.measure(c, costSignIn, http.StatusOK, func() platformtest.Reply {
			return w.call("", "POST /v1/sessions", nil, map[string]string{"email": email, "password": platformtest.Password})
		})
		challenge := r.Str("challengeId")
		code, err := w.Keys.Derive(context.Background(), secret.CodeRef(w.Keys.Current(), challenge, 1)) // as the mailer derives the emailed code
		if err != nil {
			w.T.Fatal(err)
		}
		r = w.measure(c, costOTP, http.StatusCreated, func() platformtest.Reply {
			return w.call("", "POST /v1/sessions/otp", nil, map[string]string{"challengeId": challenge, "code": code})
		})
		cookie, userID = sessionCookie(w.T, r), created.ContactUserID
		w.AcceptLicense(cookie, license.Current().Version)
		for _, read := range []struct{ name, key string }{{costMe, "GET /v1/me"}, {costApps, "GET /v1/apps"}, {costRoles, "GET /v1/roles"}} {
			w.measure(c, read.name, http.StatusOK, func() platformtest.Reply { return w.call(cookie, read.key, nil, nil) })
		}

		// The new customer's administrator removes a user who is signed in.
		leaver := w.invite(cookie, created.ID, "Lee Leaver")
		w.Activate(leaver)
		w.Session(leaver, created.ID)
		w.measure(c, costRemove, http.StatusOK, func() platformtest.Reply {
			return w.call(cookie, "DELETE /v1/accounts/{id}/users/{userId}", map[string]string{"id": created.ID, "userId": leaver}, nil)
		})

		// Bench Customer revokes an active grant of Bench Partner with one staff member assigned.
		r = w.call(w.customerAdm, "POST /v1/accounts/{id}/partner-access", map[string]string{"id": w.customer.ID}, map[string]any{"partnerId": pid})
		w.want(r, http.StatusCreated)
		grant := map[string]string{"grantId": r.Str("id")}
		w.want(w.call(w.partnerAdmin, "POST /v1/partner-access/{grantId}/accept", grant, nil), http.StatusOK)
		w.want(w.call(w.partnerAdmin, "PUT /v1/partner-access/{grantId}/staff", grant, map[string]any{"userIds": []string{w.staffID}}), http.StatusOK)
		w.measure(c, costRevoke, http.StatusOK, func() platformtest.Reply {
			return w.call(w.customerAdm, "POST /v1/partner-access/{grantId}/revoke", grant, nil)
		})

		// The floors: the health check, and one read on the same emulator.
		w.measure(c, costHealth, http.StatusOK, func() platformtest.Reply { return w.call("", "GET /v1/health", nil, nil) })
		raw := dynamodb.NewFromConfig(w.App.AWS()) // built as the handlers' client is, so it carries the meter
		w.measure(c, costGetItem, http.StatusOK, func() platformtest.Reply {
			_, err := raw.GetItem(context.Background(), &dynamodb.GetItemInput{
				TableName: aws.String(w.Table), Key: table.UserKey(userID).AV(), ConsistentRead: aws.Bool(true)})
			if err != nil {
				w.T.Fatal(err)
			}
			var ok platformtest.Reply
			ok.StatusCode = http.StatusOK
			return ok
		})
	}
	return c, cookie, userID
}

// sessionCookie is the session cookie a sign-in set.
func sessionCookie(t testing.TB, r platformtest.Reply) string {
	for _, c := range r.Cookies {
		name, rest, _ := strings.Cut(c, "=")
		if value, _, _ := strings.Cut(rest, ";"); name == httpapi.SessionCookie && value != "" {
			return value
		}
	}
	t.Fatalf("no session cookie in %v", r.Cookies)
	return ""
}
