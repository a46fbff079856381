package webpolicy_test

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/webpolicy"
)

// TestContentSecurityPolicy pins every directive: nothing inline, no eval, nothing from another origin but the
// two image schemes the portal needs, no framing, no <base>, no plugins.
func TestContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data: blob:",
		"connect-src": "'self'", "object-src": "'none'", "base-uri": "'none'", "form-action": "'self'",
		"frame-ancestors": "'none'",
	}
	got := map[string]string{}
	for d := range strings.SplitSeq(webpolicy.ContentSecurityPolicy(), "; ") {
		name, value, _ := strings.Cut(d, " ")
		if _, twice := got[name]; twice {
			t.Errorf("directive %s given twice", name)
		}
		got[name] = value
	}
	for name, value := range want {
		if got[name] != value {
			t.Errorf("%s = %q, want %q", name, got[name], value)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected directive %s %s", name, got[name])
		}
	}
	for _, loose := range []string{"unsafe-inline", "unsafe-eval", "*", "http:", "https:"} {
		if strings.Contains(webpolicy.ContentSecurityPolicy(), loose) {
			t.Errorf("the policy allows %s", loose)
		}
	}
}

// TestHeaders checks the set sent with each transport: HSTS over HTTPS only.
func TestHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		https bool
	}{{"case=http", false}, {"case=https", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := map[string]string{}
			for _, h := range webpolicy.Headers(tc.https) {
				got[h.Name] = h.Value
			}
			want := map[string]string{
				"Content-Security-Policy": webpolicy.ContentSecurityPolicy(),
				"X-Content-Type-Options":  "nosniff",
				"X-Frame-Options":         "DENY",
				"Referrer-Policy":         "no-referrer",
				"Permissions-Policy":      "camera=(), microphone=(), geolocation=()",
			}
			if tc.https {
				want["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
			}
			if len(got) != len(want) {
				t.Errorf("headers %v, want %v", got, want)
			}
			for name, value := range want {
				if got[name] != value {
					t.Errorf("%s = %q, want %q", name, got[name], value)
				}
			}
		})
	}
}
