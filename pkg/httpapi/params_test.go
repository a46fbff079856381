package httpapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
)

// malformed are path parameter values that can name nothing: too long for a table key, empty-ish, a path, a
// non-ASCII look-alike, control characters.
var malformed = map[string]string{
	"long":       strings.Repeat("A", 5000),
	"just over":  strings.Repeat("a", 65),
	"space":      " ",
	"dots":       "..",
	"path":       "../../etc/passwd",
	"unicode":    "ａｃｃｏｕｎｔ",
	"accent":     "é",
	"nul":        "abc\x00def",
	"newline":    "abc\ndef",
	"bidi":       "abc\u202edef",
	"encoded":    "abc%2Fdef",
	"dot only":   ".",
	"empty":      "",
	"long token": strings.Repeat("A", 22) + "." + strings.Repeat("B", 5000),
}

// wellFormed is a value of the right shape for each parameter name.
func wellFormed(t *testing.T, name string) string {
	t.Helper()
	if name == "sessionId" {
		return session.PublicID(secret.NewID())
	}
	if name == "token" {
		k, err := secret.NewKeyring(bytes.Repeat([]byte{9}, 32))
		if err != nil {
			t.Fatal(err)
		}
		return k.LinkToken(secret.PurposeActivation, secret.NewID())
	}
	return secret.NewID()
}

func TestEveryPathParameterHasAShape(t *testing.T) {
	t.Parallel()
	for _, rt := range route.Routes {
		for _, name := range rt.Params() {
			if !httpapi.WellFormedParam(name, wellFormed(t, name)) {
				t.Errorf("%s: parameter %q has no shape, or refuses a well-formed value", rt.Key(), name)
			}
			for label, bad := range malformed {
				if httpapi.WellFormedParam(name, bad) {
					t.Errorf("%s: parameter %q accepts the %s value %q", rt.Key(), name, label, bad)
				}
			}
		}
	}
}

// TestMalformedPathParametersNeverReachTheEndpoint drives a route of every parameter name through the adapter
// with an endpoint and an authenticator that fail the test if they run: the answer is the route's not-found
// problem, and no log line holds the value.
func TestMalformedPathParametersNeverReachTheEndpoint(t *testing.T) {
	t.Parallel()
	cases := []struct {
		function, key, param, slug string
	}{
		{route.TwoFactor, "PUT /v1/users/{id}/two-factor", "id", "user-not-found"},
		{route.Revoke, "DELETE /v1/accounts/{id}/users/{userId}", "userId", "not-member"},
		{route.PartnerAccess, "POST /v1/partner-access/{grantId}/accept", "grantId", "grant-not-found"},
		{route.Activation, "POST /v1/activations/{token}", "token", "link-invalid"},
		{route.Branding, "GET /v1/logos/{id}", "id", "not-found"},
	}
	for _, c := range cases {
		for label, bad := range malformed {
			t.Run("route="+c.key+"/value="+label, func(t *testing.T) {
				t.Parallel()
				var logs bytes.Buffer
				h := httpapi.New(httpapi.Config{
					Function: c.function,
					Mux: httpapi.Mux{c.key: func(context.Context, *httpapi.Request) (httpapi.Response, error) {
						t.Error("the endpoint ran")
						return httpapi.NoContent(), nil
					}},
					Auth:    panicAuth{t},
					Origins: []string{origin},
					Log:     slog.New(slog.NewJSONHandler(&logs, nil)),
				})
				rt, _ := route.ByKey(c.key)
				params := map[string]string{}
				for _, name := range rt.Params() {
					params[name] = wellFormed(t, name)
				}
				params[c.param] = bad
				ev := post(c.key, `{}`, nil, httpapi.SessionCookie+"=s")
				ev.PathParameters = params
				ev.RequestContext.RequestID = "req-1"
				resp, _ := h(context.Background(), ev)
				p := decodeProblem(t, resp)
				if resp.StatusCode != http.StatusNotFound || !strings.HasSuffix(p.Type, "/"+c.slug) {
					t.Fatalf("answer %d %s, want 404 %s", resp.StatusCode, resp.Body, c.slug)
				}
				if len(bad) >= 3 && (strings.Contains(logs.String(), bad) || strings.Contains(logs.String(), jsonEscaped(bad))) {
					t.Fatalf("a log line holds the value: %s", logs.String())
				}
				if !strings.Contains(logs.String(), `"param":"`+c.param+`"`) {
					t.Fatalf("no log line names the parameter: %s", logs.String())
				}
			})
		}
	}
}

// panicAuth fails the test if a session is resolved: a malformed value must be answered before any read.
type panicAuth struct{ t *testing.T }

func (p panicAuth) Authenticate(context.Context, string) (actor.Actor, error) {
	p.t.Error("the session was resolved")
	return actor.Actor{}, nil
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
