package signin_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// BenchmarkSignIn times POST /v1/sessions with a wrong password for a known email, an unknown email and an
// invited (unregistered) user. The three should cost the same: compare their ns/op. It prints figures only;
// timing on a shared machine is too noisy to pass or fail on.
func BenchmarkSignIn(b *testing.B) {
	h := newHarness(b)
	known := h.seedUser(active).user
	invited := h.seedUser(seed{status: user.Invited, noPassword: true, twoFactor: true, account: account.Pending}).user
	cases := []struct{ name, email string }{
		{"email=known", known.Email},
		{"email=unknown", "nobody@example.com"},
		{"email=invited", invited.Email},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			h.t = b
			for b.Loop() {
				// A fresh minute and a fresh failure window each time, so no rate limit or lock changes the path.
				h.clock.Advance(16 * time.Minute)
				if r := h.signIn(bc.email, "not the password"); r.StatusCode != http.StatusUnauthorized {
					b.Fatalf("status %d: %s", r.StatusCode, r.Body)
				}
			}
		})
	}
}
