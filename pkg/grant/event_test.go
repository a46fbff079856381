package grant_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestSampleEvents drives the real handlers with events/partner-access.json and events/revoke-partner-access.json,
// the events `make invoke` sends: as they are, their made-up session is not signed in; pointed at this test's
// accounts and sessions, the first invites the partner and the second revokes the grant.
func TestSampleEvents(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var grantID string
	cases := []struct {
		file, function, param string
		target                func() string
		cookie                string
		status                int
	}{
		{"partner-access.json", route.PartnerAccess, "id", func() string { return w.customer.ID }, w.customerAdmin, http.StatusCreated},
		{"revoke-partner-access.json", route.Revoke, "grantId", func() string { return grantID }, w.customerAdmin, http.StatusOK},
	}
	for _, c := range cases {
		t.Run("case="+c.file, func(t *testing.T) {
			ev := platformtest.SampleEvent(t, c.file)
			rt, ok := route.ByKey(ev.RouteKey)
			if !ok || rt.Function != c.function || ev.RequestContext.HTTP.Method != rt.Method || ev.RequestContext.RouteKey != ev.RouteKey ||
				ev.PathParameters[c.param] == "" || !strings.Contains(ev.RawPath, ev.PathParameters[c.param]) {
				t.Fatalf("event %s does not match its route", c.file)
			}
			if r := w.Send(c.function, ev); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("made-up session: %d %s", r.StatusCode, r.Body)
			}
			target := c.target()
			ev.RawPath = strings.ReplaceAll(ev.RawPath, ev.PathParameters[c.param], target)
			ev.RequestContext.HTTP.Path = ev.RawPath
			ev.PathParameters[c.param] = target
			ev.Cookies = []string{httpapi.SessionCookie + "=" + c.cookie}
			if ev.Body != "" {
				ev.Body = strings.ReplaceAll(ev.Body, "7KQ4-M2XD", w.partnerID())
			}
			r := w.Send(c.function, ev)
			if r.StatusCode != c.status {
				t.Fatalf("%d %s", r.StatusCode, r.Body)
			}
			if grantID == "" {
				grantID = r.Str("id")
			}
		})
	}
	if g := w.grantRecord(grantID); g.Status != "revoked" || g.EndsAt != "2027-06-30T17:00:00.000000000Z" {
		t.Fatalf("grant after the sample events: %+v", g)
	}
}
