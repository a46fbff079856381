package route_test

import (
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestRateClasses: sign-in, reset, resend and the public reads by id are limited at the edge, each class by the
// routes the brief of the edge names; no other route is.
func TestRateClasses(t *testing.T) {
	t.Parallel()
	want := map[route.RateClass][]string{
		route.SignIn: {"POST /v1/sessions", "POST /v1/sessions/otp", "POST /v1/sessions/otp/passkey", "POST /v1/sessions/otp/passkey-options",
			"POST /v1/sessions/passkey", "POST /v1/sessions/passkey-options"},
		route.Reset:      {"POST /v1/password-resets", "POST /v1/password-resets/{token}"},
		route.Resend:     {"POST /v1/accounts/{id}/activation-emails", "POST /v1/activation-emails", "POST /v1/sessions/otp/resend"},
		route.PublicRead: {"GET /v1/brands/{id}", "GET /v1/logos/{id}"},
	}
	limited := 0
	for _, c := range route.RateClasses {
		var keys []string
		for _, r := range route.RateLimited(c) {
			if r.RateClass() != c {
				t.Errorf("RateLimited(%q) lists %s of class %q", c, r.Key(), r.RateClass())
			}
			keys = append(keys, r.Key())
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want[c]) {
			t.Errorf("class %q: %v, want %v", c, keys, want[c])
		}
		limited += len(keys)
	}
	unlimited := 0
	for _, r := range route.Routes {
		if r.RateClass() == route.Unlimited {
			unlimited++
		}
	}
	if limited+unlimited != len(route.Routes) || len(route.RateLimited(route.Unlimited)) != 0 {
		t.Errorf("%d limited + %d unlimited routes, want %d in all, and no route listed as Unlimited", limited, unlimited, len(route.Routes))
	}
}

// TestUploads lists the routes whose body is a file: the logo upload and the users import (a CSV file).
func TestUploads(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, r := range route.Uploads() {
		keys = append(keys, r.Key())
	}
	if !slices.Equal(keys, []string{"PUT /v1/accounts/{id}/branding/logo", "POST /v1/accounts/{id}/user-imports"}) {
		t.Errorf("Uploads() = %v", keys)
	}
}
