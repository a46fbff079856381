package profile_test

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestEventFixture drives the profile function with events/profile.json, the event `make invoke` sends, with a
// real session in place of its made-up cookie.
func TestEventFixture(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../events/profile.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	if rt, ok := route.ByKey(ev.RouteKey); !ok || rt.Function != route.Profile {
		t.Fatalf("the fixture's route %q is not the profile function's", ev.RouteKey)
	}
	p := platformtest.New(t)
	partner := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Fixture Partner")
	p.Activate(partner.ContactUserID)
	ev.Cookies = []string{httpapi.SessionCookie + "=" + p.Session(partner.ContactUserID, partner.ID)}

	r := p.Send(route.Profile, ev)
	if r.StatusCode != http.StatusOK || r.Str("version") != license.Current().Version {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if u := p.User(partner.ContactUserID); u.LicenseVersion != license.Current().Version {
		t.Fatalf("licenseVersion %q", u.LicenseVersion)
	}
}
