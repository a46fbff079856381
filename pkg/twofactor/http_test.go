package twofactor_test

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestEventFixture drives the handler with events/two-factor.json, the event `make invoke` sends: its made-up
// session is refused; with a real session the same event chooses email codes.
func TestEventFixture(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	raw, err := os.ReadFile("../../events/two-factor.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	if rt, ok := route.ByKey(ev.RouteKey); !ok || rt.Function != route.TwoFactor || ev.RequestContext.RouteKey != ev.RouteKey {
		t.Fatalf("the fixture's route %q is not the two-factor function's", ev.RouteKey)
	}

	t.Run("case=made-up session", func(t *testing.T) {
		r, err := h.handle(route.TwoFactor, ev)
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, r, http.StatusUnauthorized, "unauthorized")
	})
	t.Run("case=real session", func(t *testing.T) {
		ev := ev
		ev.Cookies = []string{httpapi.SessionCookie + "=" + h.session(h.seedUser(member))}
		r, err := h.handle(route.TwoFactor, ev)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, r, http.StatusOK)
		if r.json["method"] != "email" || r.json["enabled"] != true {
			t.Fatalf("body %s", r.Body)
		}
	})
}
