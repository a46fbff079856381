package profile_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// me is GET /v1/me.
func me(p *platformtest.Platform, cookie string) platformtest.Reply {
	p.T.Helper()
	r := p.Call(platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Cookie: cookie, Headers: map[string]string{}})
	if r.StatusCode != http.StatusOK {
		p.T.Fatalf("GET /v1/me: %d %s", r.StatusCode, r.Body)
	}
	return r
}

// steps are the pending steps /v1/me lists.
func steps(p *platformtest.Platform, cookie string) []string {
	p.T.Helper()
	raw, ok := me(p, cookie).JSON["pendingSteps"].([]any)
	if !ok {
		p.T.Fatal("pendingSteps is not a list")
	}
	out := []string{}
	for _, s := range raw {
		out = append(out, s.(string))
	}
	return out
}

// sessionRoute calls a route that needs the first sign-in steps done: GET /v1/accounts/{id}/branding.
func sessionRoute(p *platformtest.Platform, cookie, accountID string) platformtest.Reply {
	p.T.Helper()
	return p.Call(platformtest.Request{Function: route.Branding, Route: "GET /v1/accounts/{id}/branding",
		Params: map[string]string{"id": accountID}, Cookie: cookie, Headers: map[string]string{}})
}

// wantPendingStep checks a 403 pending-step problem that names the step.
func wantPendingStep(t *testing.T, r platformtest.Reply, step string) {
	t.Helper()
	if r.StatusCode != http.StatusForbidden || r.Problem() != "pending-step" || r.Str("step") != step {
		t.Fatalf("want 403 pending-step %q, got %d %s", step, r.StatusCode, r.Body)
	}
}

func accept(p *platformtest.Platform, cookie string, body any) platformtest.Reply {
	p.T.Helper()
	return p.Call(platformtest.Request{Function: route.Profile, Route: "POST /v1/me/license-acceptance", Cookie: cookie, Body: body})
}

func TestLicenseAtFirstSignIn(t *testing.T) {
	t.Parallel()
	p := platformtest.New(t)
	partner := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Licensed Partner")
	cookie := p.SignIn(p.Activate(partner.ContactUserID))
	current := license.Current()

	if got := steps(p, cookie); !slices.Equal(got, []string{"license"}) {
		t.Fatalf("pendingSteps at first sign-in = %v, want [license]", got)
	}
	wantPendingStep(t, sessionRoute(p, cookie, partner.ID), "license")
	create := p.Call(platformtest.Request{Function: route.Signup, Route: "POST /v1/accounts", Cookie: cookie, Body: map[string]any{}})
	wantPendingStep(t, create, "license")

	lic := p.Call(platformtest.Request{Function: route.Profile, Route: "GET /v1/license", Cookie: cookie, Headers: map[string]string{}})
	if lic.StatusCode != http.StatusOK || lic.Str("version") != current.Version || lic.Str("title") == "" || len(lic.Str("text")) < 500 {
		t.Fatalf("GET /v1/license: %d %.200s", lic.StatusCode, lic.Body)
	}

	t.Run("case=refused acceptances change nothing", func(t *testing.T) {
		before := p.Snapshot()
		r := accept(p, cookie, map[string]string{"version": "2025-01-01"})
		if r.StatusCode != http.StatusConflict || r.Problem() != "license-outdated" || r.Str("currentVersion") != current.Version {
			t.Fatalf("stale version: %d %s", r.StatusCode, r.Body)
		}
		for body, want := range map[string][]string{
			`{}`:                                     {"version:required"},
			`{"version":20261101}`:                   {"version:wrong_type"},
			`{"version":"2026-11-01","agreed":true}`: {"agreed:unknown_field"},
			`not json`:                               {"body:invalid_json"},
		} {
			r := accept(p, cookie, body)
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(r.Fields(), want) {
				t.Fatalf("body %s: %d %s", body, r.StatusCode, r.Body)
			}
		}
		p.Unchanged(before, "refused acceptances")
	})

	p.Clock.Advance(time.Minute)
	acceptedAt := p.Clock.Now()
	r := accept(p, cookie, map[string]string{"version": current.Version})
	if r.StatusCode != http.StatusOK || r.Str("version") != current.Version || r.Str("acceptedAt") != acceptedAt.Format(time.RFC3339) {
		t.Fatalf("accept: %d %s", r.StatusCode, r.Body)
	}
	if got, _ := r.JSON["pendingSteps"].([]any); got == nil || len(got) != 0 {
		t.Fatalf("pendingSteps after accepting = %v", r.JSON["pendingSteps"])
	}
	if u := p.User(partner.ContactUserID); u.LicenseVersion != current.Version || !u.LicenseAcceptedAt.Equal(acceptedAt) {
		t.Fatalf("recorded %q at %v", u.LicenseVersion, u.LicenseAcceptedAt)
	}
	if n := count(p.Audit(partner.ID), "license.accepted"); n != 1 {
		t.Fatalf("%d license.accepted events", n)
	}
	if r := sessionRoute(p, cookie, partner.ID); r.StatusCode != http.StatusOK {
		t.Fatalf("session route after accepting: %d %s", r.StatusCode, r.Body)
	}
	if got := steps(p, cookie); len(got) != 0 {
		t.Fatalf("pendingSteps = %v", got)
	}

	t.Run("case=accepting again writes nothing", func(t *testing.T) {
		before := p.Snapshot()
		if r := accept(p, cookie, map[string]string{"version": current.Version}); r.StatusCode != http.StatusOK || r.Str("acceptedAt") != acceptedAt.Format(time.RFC3339) {
			t.Fatalf("accept again: %d %s", r.StatusCode, r.Body)
		}
		p.Unchanged(before, "accepting again")
	})

	t.Run("case=a new version is pending again", func(t *testing.T) {
		// The user accepted a version that is no longer the current one, as after the agreement changes.
		setLicense(t, p, partner.ContactUserID, "2025-01-01")
		wantPendingStep(t, sessionRoute(p, cookie, partner.ID), "license")
		if got := steps(p, cookie); !slices.Equal(got, []string{"license"}) {
			t.Fatalf("pendingSteps = %v", got)
		}
		p.AcceptLicense(cookie, current.Version)
		if r := sessionRoute(p, cookie, partner.ID); r.StatusCode != http.StatusOK {
			t.Fatalf("after accepting the new version: %d %s", r.StatusCode, r.Body)
		}
	})
}

func TestProviderUsersNeedNoLicense(t *testing.T) {
	t.Parallel()
	p := platformtest.New(t)
	if got := steps(p, p.Super); len(got) != 0 {
		t.Fatalf("super administrator's pendingSteps = %v", got)
	}
	partner := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Seen By The Provider")
	if r := sessionRoute(p, p.Super, partner.ID); r.StatusCode != http.StatusOK {
		t.Fatalf("provider on a session route: %d %s", r.StatusCode, r.Body)
	}
}

// setLicense overwrites the version a user accepted.
func setLicense(t *testing.T, p *platformtest.Platform, userID, version string) {
	t.Helper()
	_, err := p.Env.Dynamo.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName:                 aws.String(p.Table),
		Key:                       table.UserKey(userID).AV(),
		UpdateExpression:          aws.String("SET licenseVersion = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": dynamo.S(version)},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
