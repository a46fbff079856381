package all_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestNullBodyIsRefusedOnEveryJSONRoute sends a JSON null to every route that takes a JSON body, through its
// function's real handler with a live session: null is not an empty object, so each answer is a 400 problem
// naming the body, and nothing is written.
func TestNullBodyIsRefusedOnEveryJSONRoute(t *testing.T) {
	t.Parallel()
	p := platformtest.New(t)
	for _, rt := range route.Routes {
		if rt.Method == http.MethodGet || rt.MediaTypes() != nil {
			continue
		}
		t.Run("route="+rt.Key(), func(t *testing.T) {
			params := map[string]string{}
			for _, name := range rt.Params() {
				params[name] = sampleParam(name)
			}
			// A session of its own: sign-out ends the session it is sent with.
			cookie := p.Session(p.AdminID, p.ProviderID)
			before := p.Snapshot()
			r := p.Call(platformtest.Request{Function: rt.Function, Route: rt.Key(), Params: params, Cookie: cookie, Body: "null"})
			if r.StatusCode != http.StatusBadRequest || !slices.Contains(r.Fields(), "body:wrong_type") {
				t.Fatalf("answer %d %s, want 400 naming the body", r.StatusCode, r.Body)
			}
			p.Unchanged(before, "a request with a null body")
		})
	}
}
