package tree_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestSampleEvents drives the handlers with events/accounts.json and events/revoke.json, the events `make
// invoke` sends: unchanged, the real handlers answer that their made-up session is not signed in; pointed at
// this test's platform, the accounts function shows the account and the revoke function disables it.
func TestSampleEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	m := f.create(account.MSP, f.providerID, "Northwind Managed Services")
	c := f.create(account.Customer, m, "Contoso Customer")
	cases := []struct {
		file, function, target, status string
		handler                        httpapi.Handler
	}{
		{"accounts.json", route.Accounts, m, "pending", f.accounts},
		{"revoke.json", route.Revoke, c, "disabled", f.revoke},
	}
	for _, tc := range cases {
		t.Run("case="+tc.file, func(t *testing.T) {
			ev := platformtest.SampleEvent(t, tc.file)
			rt, ok := route.ByKey(ev.RouteKey)
			if !ok || rt.Function != tc.function || ev.RequestContext.HTTP.Method != rt.Method || ev.RequestContext.RouteKey != ev.RouteKey ||
				ev.PathParameters["id"] == "" || !strings.Contains(ev.RawPath, ev.PathParameters["id"]) {
				t.Fatalf("event %s does not match its route", tc.file)
			}
			real, err := f.app.HTTP(tc.function)
			if err != nil {
				t.Fatal(err)
			}
			out, err := real(ctx, ev)
			if err != nil || out.StatusCode != 401 {
				t.Fatalf("real handler: %d %s %v", out.StatusCode, out.Body, err)
			}

			// The sample's cookie names the super administrator; its id names this test's account.
			cookie := strings.TrimPrefix(ev.Cookies[0], httpapi.SessionCookie+"=")
			f.auth.mu.Lock()
			f.auth.actors[cookie] = actor.Actor{UserID: f.adminID, AccountID: f.providerID, Roles: []role.Name{role.SuperAdmin}}
			f.auth.mu.Unlock()
			ev.RawPath = strings.ReplaceAll(ev.RawPath, ev.PathParameters["id"], tc.target)
			ev.RequestContext.HTTP.Path = ev.RawPath
			ev.PathParameters["id"] = tc.target
			out, err = tc.handler(ctx, ev)
			if err != nil || out.StatusCode != 200 {
				t.Fatalf("%d %s %v", out.StatusCode, out.Body, err)
			}
			var body map[string]any
			if err := json.Unmarshal([]byte(out.Body), &body); err != nil || body["id"] != tc.target || body["status"] != tc.status {
				t.Fatalf("answer %s", out.Body)
			}
		})
	}
}
