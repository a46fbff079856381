package tree_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/signin"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// member is an activated point of contact who signs in with a password only.
type member struct {
	accountID string
	userID    string
	email     string
}

// createMember creates an account whose contact signs in without two-factor (only a super administrator may
// set that) and activates the contact with platformtest's seeded activation (password platformtest.Password):
// the activation request and its Argon2id hashes are onboarding's to test, the sign-ins here are real.
func (f *fixture) createMember(kind account.Kind, parentID, name string) member {
	f.t.Helper()
	email := testenv.UniqueEmail(f.t, "member")
	body := accountBody(kind, parentID, name, email)
	body["twoFactor"] = map[string]any{"enabled": false}
	r := f.call(f.signup, request{route: onboarding.RouteCreateAccount, cookie: f.super, body: body})
	platformtest.WantStatus(f.t, r, 201)
	f.Activate(r.Str("contactUserId"), f.clock.Now())
	return member{accountID: r.Str("id"), userID: r.Str("contactUserId"), email: email}
}

// signIn signs a member in through the real sign-in service and returns the session token, or the error.
func (f *fixture) signIn(svc *signin.Service, m member) (string, error) {
	f.t.Helper()
	ip := fmt.Sprintf("198.51.100.%d", len(f.Snapshot())%250) // a fresh source for each attempt keeps rate limits out of the way
	out, err := svc.SignIn(context.Background(), m.email, password, session.Client{IP: ip})
	if err != nil {
		return "", err
	}
	if out.SignedIn == nil {
		f.t.Fatalf("sign-in of %s asked for a code", m.email)
	}
	return out.SignedIn.Token, nil
}

// TestDisabledSubtreeIsLockedOut signs real users in with real sessions and checks, through the real handler of
// GET /v1/me (a route that stays open while first sign-in steps are pending), that disabling an account ends the sessions of its people and of everyone below it
// at their next request, that none of them can sign in while it is disabled, and that enabling it lets them
// sign in again (the ended sessions stay ended).
func TestDisabledSubtreeIsLockedOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	svc := f.app.SignIn()
	h, err := f.app.HTTP(route.OTP)
	if err != nil {
		t.Fatal(err)
	}
	m := f.createMember(account.MSP, f.providerID, "Lockout MSP")
	p := f.createMember(account.Partner, m.accountID, "Lockout Partner")
	c := f.createMember(account.Customer, p.accountID, "Lockout Customer")
	sibling := f.createMember(account.Customer, m.accountID, "Lockout Sibling")

	// view is GET /v1/me with a real session cookie.
	view := func(token, id string) events.APIGatewayV2HTTPResponse {
		out, err := platformtest.Invoke(h, events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "GET /v1/me", RawPath: "/v1/me",
			Cookies:        []string{httpapi.SessionCookie + "=" + token},
			RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-" + id},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out.APIGatewayV2HTTPResponse
	}
	tokens := map[string]string{}
	for _, who := range []member{m, p, c, sibling} {
		tok, err := f.signIn(svc, who)
		if err != nil {
			t.Fatalf("sign-in of %s: %v", who.email, err)
		}
		if out := view(tok, who.accountID); out.StatusCode != http.StatusOK || !strings.Contains(out.Body, who.accountID) {
			t.Fatalf("view before the disable: %d %s", out.StatusCode, out.Body)
		}
		tokens[who.accountID] = tok
	}

	platformtest.WantStatus(t, f.disable(f.adminOf(m.accountID), p.accountID), 200)

	t.Run("case=sessions of the account and below end at their next request", func(t *testing.T) {
		for _, who := range []member{p, c} {
			out := view(tokens[who.accountID], who.accountID)
			if out.StatusCode != http.StatusUnauthorized || len(out.Cookies) != 1 || !strings.Contains(out.Cookies[0], "Max-Age=0") {
				t.Fatalf("%s: %d %s %v", who.email, out.StatusCode, out.Body, out.Cookies)
			}
			if _, err := f.store.Session(ctx, f.keys.Hash(tokens[who.accountID])); !errorsIs(err, fault.ErrNotFound) {
				t.Fatalf("the session of %s is still stored: %v", who.email, err)
			}
		}
	})
	t.Run("case=above and beside carry on", func(t *testing.T) {
		for _, who := range []member{m, sibling} {
			if out := view(tokens[who.accountID], who.accountID); out.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", who.email, out.StatusCode, out.Body)
			}
		}
	})
	t.Run("case=nobody of the subtree signs in, with the generic answer", func(t *testing.T) {
		for _, who := range []member{p, c} {
			_, err := f.signIn(svc, who)
			if problemSlug(err) != "invalid-credentials" {
				t.Fatalf("%s: %v", who.email, err)
			}
			if u, _ := f.store.User(ctx, who.userID); u.LastLoginError != user.ErrDisabled {
				t.Fatalf("last login error %q", u.LastLoginError)
			}
		}
	})
	t.Run("case=enabled again", func(t *testing.T) {
		platformtest.WantStatus(t, f.enable(f.adminOf(m.accountID), p.accountID), 200)
		for _, who := range []member{p, c} {
			if out := view(tokens[who.accountID], who.accountID); out.StatusCode != http.StatusUnauthorized {
				t.Fatalf("an ended session came back: %d", out.StatusCode)
			}
			tok, err := f.signIn(svc, who)
			if err != nil {
				t.Fatalf("sign-in after enable: %v", err)
			}
			if out := view(tok, who.accountID); out.StatusCode != http.StatusOK {
				t.Fatalf("view after enable: %d %s", out.StatusCode, out.Body)
			}
		}
	})
}

func errorsIs(err, target error) bool {
	return err != nil && strings.Contains(err.Error(), target.Error())
}
