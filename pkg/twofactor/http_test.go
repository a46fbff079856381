package twofactor_test

import (
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestEventFixture drives the handler with events/two-factor.json, the event `make invoke` sends: its made-up
// session is refused; with a real session the same event chooses email codes.
func TestEventFixture(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ev := platformtest.SampleEvent(t, "two-factor.json")
	if rt, ok := route.ByKey(ev.RouteKey); !ok || rt.Function != route.TwoFactor || ev.RequestContext.RouteKey != ev.RouteKey {
		t.Fatalf("the fixture's route %q is not the two-factor function's", ev.RouteKey)
	}

	t.Run("case=made-up session", func(t *testing.T) {
		r, err := platformtest.Invoke(h.h[route.TwoFactor], ev)
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantProblem(t, r, http.StatusUnauthorized, "unauthorized")
	})
	t.Run("case=real session", func(t *testing.T) {
		ev := ev
		ev.Cookies = []string{httpapi.SessionCookie + "=" + h.session(h.seedUser(member))}
		r, err := platformtest.Invoke(h.h[route.TwoFactor], ev)
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantStatus(t, r, http.StatusOK)
		if r.JSON["method"] != "email" || r.JSON["enabled"] != true {
			t.Fatalf("body %s", r.Body)
		}
	})
}
