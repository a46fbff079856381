package brand_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestEventFixture drives the branding function with events/branding.json, the event `make invoke` sends (a
// PNG upload, base64 as API Gateway delivers binary bodies), with a real account and session in place of its
// made-up ones.
func TestEventFixture(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../events/branding.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	if rt, ok := route.ByKey(ev.RouteKey); !ok || rt.Function != route.Branding || !ev.IsBase64Encoded {
		t.Fatalf("the fixture's route %q is not the branding function's binary upload", ev.RouteKey)
	}
	logo, err := base64.StdEncoding.DecodeString(ev.Body)
	if err != nil || branding.Sniff(logo) != branding.PNG {
		t.Fatalf("the fixture's body is not a base64 PNG: %v", err)
	}
	tr := newTree(t)
	tr.brandPartner(tr.partner.ID, tr.partnerAdmin, map[string]string{"color": "#0a7c4a", "supportEmail": "help@contoso.example"})
	fake := ev.PathParameters["id"]
	ev.PathParameters["id"] = tr.partner.ID
	ev.RawPath = strings.ReplaceAll(ev.RawPath, fake, tr.partner.ID)
	ev.Cookies = []string{httpapi.SessionCookie + "=" + tr.partnerAdmin}

	r := tr.Send(route.Branding, ev)
	if r.StatusCode != http.StatusOK || r.Str("logoUrl") != branding.LogoPath(tr.partner.ID, branding.Hash(logo)) {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
}
