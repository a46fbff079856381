package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/logctx"
	"github.com/partnerhub/partnerhub/pkg/route"
)

const origin = "http://localhost:3000"

type fixedAuth struct {
	a   actor.Actor
	err error
}

func (f fixedAuth) Authenticate(context.Context, string) (actor.Actor, error) { return f.a, f.err }

type createBody struct {
	Name    string `json:"name"`
	Count   int    `json:"count"`
	Enabled bool   `json:"enabled"`
	Contact struct {
		Email string `json:"email"`
	} `json:"contact"`
	Tags []string `json:"tags"`
	createExtras
}

// createExtras is embedded in createBody: its fields are the body's own, as encoding/json decodes them.
type createExtras struct {
	Note string `json:"note"`
}

func (b *createBody) Validate(v *fault.ValidationError) {
	if b.Name == "" {
		v.Add("name", "required", "Name is required.")
	}
	if b.Contact.Email == "" {
		v.Add("contact.email", "required", "Email is required.")
	}
	for i, tag := range b.Tags {
		if tag == "" {
			v.Add(fmt.Sprintf("tags[%d]", i), "required", "A tag cannot be empty.")
		}
	}
}

// handler serves two routes of the signup and otp functions with endpoints that echo what they saw.
func handler(function string, auth httpapi.Authenticator) httpapi.Handler {
	mux := httpapi.Mux{
		"POST /v1/accounts": func(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
			var b createBody
			if err := r.Decode(&b); err != nil {
				return httpapi.Response{}, err
			}
			return httpapi.JSON(http.StatusCreated, map[string]any{"name": b.Name, "user": r.Actor.UserID}), nil
		},
		"POST /v1/sessions": func(context.Context, *httpapi.Request) (httpapi.Response, error) {
			return httpapi.Response{}, errors.New("database on fire at 10.0.0.1")
		},
	}
	return httpapi.New(httpapi.Config{Function: function, Mux: mux, Auth: auth, Origins: []string{origin},
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
}

func post(key, body string, headers map[string]string, cookies ...string) events.APIGatewayV2HTTPRequest {
	h := map[string]string{"origin": origin, "content-type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	ev := events.APIGatewayV2HTTPRequest{RouteKey: key, RawPath: strings.SplitN(key, " ", 2)[1], Headers: h, Body: body, Cookies: cookies}
	// Path parameters as API Gateway passes them, of the shape the adapter accepts.
	if rt, ok := route.ByKey(key); ok {
		for _, name := range rt.Params() {
			if ev.PathParameters == nil {
				ev.PathParameters = map[string]string{}
			}
			ev.PathParameters[name] = "p1"
			if name == "token" {
				ev.PathParameters[name] = "p1." + strings.Repeat("A", 43)
			}
		}
	}
	return ev
}

type problemDoc struct {
	Type   string             `json:"type"`
	Status int                `json:"status"`
	Detail string             `json:"detail"`
	Errors []fault.FieldError `json:"errors"`
}

func decodeProblem(t *testing.T, resp events.APIGatewayV2HTTPResponse) problemDoc {
	t.Helper()
	if ct := resp.Headers["Content-Type"]; ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json (body %s)", ct, resp.Body)
	}
	var p problemDoc
	if err := json.Unmarshal([]byte(resp.Body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != resp.StatusCode {
		t.Fatalf("problem status %d differs from response status %d", p.Status, resp.StatusCode)
	}
	return p
}

func fields(p problemDoc) map[string]string {
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Code
	}
	return out
}

func TestDecodeNamesEveryInvalidField(t *testing.T) {
	t.Parallel()
	h := handler(route.Signup, fixedAuth{a: actor.Actor{UserID: "u1"}})
	cases := []struct {
		name string
		body string
		want map[string]string
	}{
		{"case=valid", `{"name":"Acme","contact":{"email":"a@b.c"}}`, nil},
		{"case=missing fields", `{}`, map[string]string{"name": "required", "contact.email": "required"}},
		{"case=wrong types and unknown fields together", `{"name":5,"count":"x","enabled":"yes","tags":[1,"a"],"contact":{"email":"a@b.c","fax":1},"extra":true}`,
			map[string]string{"name": "wrong_type", "count": "wrong_type", "enabled": "wrong_type", "tags[0]": "wrong_type", "contact.fax": "unknown_field", "extra": "unknown_field"}},
		{"case=bad array element keeps later indexes", `{"name":"a","tags":["ok",7,""],"contact":{"email":"a@b.c"}}`,
			map[string]string{"tags[1]": "wrong_type", "tags[2]": "required"}},
		{"case=an embedded struct's field is the body's", `{"name":"a","note":"x","contact":{"email":"a@b.c"}}`, nil},
		{"case=an embedded struct's field is checked", `{"name":"a","note":3,"contact":{"email":"a@b.c"}}`, map[string]string{"note": "wrong_type"}},
		{"case=fraction for an integer", `{"name":"a","count":1.5,"contact":{"email":"a@b.c"}}`, map[string]string{"count": "wrong_type"}},
		{"case=nested object of the wrong type", `{"name":"a","contact":"a@b.c"}`, map[string]string{"contact": "wrong_type"}},
		{"case=invalid json", `{"name":`, map[string]string{"body": "invalid_json"}},
		{"case=array body", `[1,2]`, map[string]string{"body": "wrong_type"}},
		{"case=null body", `null`, map[string]string{"body": "wrong_type"}},
		{"case=null body with spaces", " null\n", map[string]string{"body": "wrong_type"}},
		{"case=string body", `"x"`, map[string]string{"body": "wrong_type"}},
		{"case=too large", `{"name":"` + strings.Repeat("a", httpapi.MaxBody) + `"}`, map[string]string{"body": "too_large"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := h(context.Background(), post("POST /v1/accounts", c.body, nil, "ph_session=tok"))
			if err != nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if resp.StatusCode != http.StatusCreated {
					t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", resp.StatusCode, resp.Body)
			}
			got := fields(decodeProblem(t, resp))
			if len(got) != len(c.want) {
				t.Fatalf("fields %v, want %v", got, c.want)
			}
			for f, code := range c.want {
				if got[f] != code {
					t.Fatalf("field %s: %q, want %q (all: %v)", f, got[f], code, got)
				}
			}
		})
	}
}

func TestStateChangingRequestsNeedOriginAndJSON(t *testing.T) {
	t.Parallel()
	h := handler(route.Signup, fixedAuth{a: actor.Actor{UserID: "u1"}})
	body := `{"name":"Acme","contact":{"email":"a@b.c"}}`
	cases := []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"case=no origin", map[string]string{"origin": ""}, http.StatusForbidden},
		{"case=foreign origin", map[string]string{"origin": "https://evil.example"}, http.StatusForbidden},
		{"case=form post", map[string]string{"content-type": "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"case=text plain", map[string]string{"content-type": "text/plain"}, http.StatusUnsupportedMediaType},
		{"case=json with charset", map[string]string{"content-type": "application/json; charset=utf-8"}, http.StatusCreated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, _ := h(context.Background(), post("POST /v1/accounts", body, c.headers, "ph_session=tok"))
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, resp.Body)
			}
		})
	}
}

func TestSessionRoutes(t *testing.T) {
	t.Parallel()
	body := `{"name":"Acme","contact":{"email":"a@b.c"}}`
	t.Run("case=no cookie", func(t *testing.T) {
		resp, _ := handler(route.Signup, fixedAuth{a: actor.Actor{UserID: "u1"}})(context.Background(), post("POST /v1/accounts", body, nil))
		if p := decodeProblem(t, resp); p.Status != http.StatusUnauthorized {
			t.Fatalf("status %d", p.Status)
		}
	})
	t.Run("case=session refused clears the cookie", func(t *testing.T) {
		resp, _ := handler(route.Signup, fixedAuth{err: fault.ErrUnauthorized})(context.Background(), post("POST /v1/accounts", body, nil, "ph_session=old"))
		decodeProblem(t, resp)
		if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies) != 1 || !strings.Contains(resp.Cookies[0], "Max-Age=0") {
			t.Fatalf("status %d cookies %v", resp.StatusCode, resp.Cookies)
		}
	})
	t.Run("case=actor reaches the endpoint", func(t *testing.T) {
		resp, _ := handler(route.Signup, fixedAuth{a: actor.Actor{UserID: "u1"}})(context.Background(), post("POST /v1/accounts", body, nil, "ph_session=tok"))
		if resp.StatusCode != http.StatusCreated || !strings.Contains(resp.Body, `"user":"u1"`) {
			t.Fatalf("status %d body %s", resp.StatusCode, resp.Body)
		}
	})
}

func TestInternalErrorsAreNotEchoed(t *testing.T) {
	t.Parallel()
	resp, err := handler(route.OTP, nil)(context.Background(), post("POST /v1/sessions", `{}`, nil))
	if err != nil {
		t.Fatal(err)
	}
	p := decodeProblem(t, resp)
	if p.Status != http.StatusInternalServerError || strings.Contains(resp.Body, "10.0.0.1") || strings.Contains(resp.Body, "fire") {
		t.Fatalf("500 leaked its cause: %s", resp.Body)
	}
}

func TestRouteOfAnotherFunctionIsNotServed(t *testing.T) {
	t.Parallel()
	// The otp function must not answer a route the route table gives to signup, even if its mux had it.
	resp, _ := handler(route.OTP, nil)(context.Background(), post("POST /v1/accounts", `{}`, nil))
	if p := decodeProblem(t, resp); p.Status != http.StatusNotFound {
		t.Fatalf("status %d", p.Status)
	}
}

func TestUseCaseLogLinesNameTheRequestAndTheUser(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	log := slog.New(logctx.Handler{Handler: slog.NewJSONHandler(&buf, nil)})
	h := httpapi.New(httpapi.Config{
		Function: route.Signup, Auth: fixedAuth{a: actor.Actor{UserID: "u1", AccountID: "a1"}}, Origins: []string{origin}, Log: log,
		Mux: httpapi.Mux{"POST /v1/accounts": func(ctx context.Context, _ *httpapi.Request) (httpapi.Response, error) {
			log.InfoContext(ctx, "account created") // as a use case logs, with only the context
			return httpapi.NoContent(), nil
		}},
	})
	ev := post("POST /v1/accounts", "", nil, "ph_session=tok")
	ev.RequestContext.RequestID = "req-42"
	if _, err := h(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(buf.String(), "\n", 2)[0]), &line); err != nil {
		t.Fatal(err)
	}
	if line["msg"] != "account created" || line["requestId"] != "req-42" || line["userId"] != "u1" || line["accountId"] != "a1" {
		t.Fatalf("use case's line %v", line)
	}
	if strings.Contains(buf.String(), "ph_session") || strings.Contains(buf.String(), "tok\"") {
		t.Fatalf("the session token was logged: %s", buf.String())
	}
}

// TestSourceIPBehindTheDistribution: the viewer's address is trusted only beside the origin secret; without a
// secret configured (locally) the request is its own source.
func TestSourceIPBehindTheDistribution(t *testing.T) {
	t.Parallel()
	const secret = "s3cret-from-secrets-manager"
	cases := []struct {
		name    string
		config  string // the function's OriginSecret
		headers map[string]string
		want    string
	}{
		{"case=through the distribution", secret, map[string]string{"x-partnerhub-origin": secret, "x-partnerhub-viewer-ip": "203.0.113.7"}, "203.0.113.7"},
		{"case=no distribution configured", "", map[string]string{"x-partnerhub-origin": "", "x-partnerhub-viewer-ip": "203.0.113.7"}, "198.51.100.1"},
		{"case=distribution without the address", secret, map[string]string{"x-partnerhub-origin": secret}, "198.51.100.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var seen string
			h := httpapi.New(httpapi.Config{
				Function: route.OTP, Origins: []string{origin}, OriginSecret: c.config, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
				Mux: httpapi.Mux{"POST /v1/sessions": func(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
					seen = r.SourceIP()
					return httpapi.NoContent(), nil
				}},
			})
			ev := post("POST /v1/sessions", "", c.headers)
			ev.RequestContext.HTTP.SourceIP = "198.51.100.1"
			resp, err := h(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusNoContent || seen != c.want {
				t.Fatalf("answer %d, SourceIP = %q, want 204 and %q", resp.StatusCode, seen, c.want)
			}
		})
	}
}

// countingAuth counts the session checks it is asked for.
type countingAuth struct{ calls *int }

func (a countingAuth) Authenticate(context.Context, string) (actor.Actor, error) {
	*a.calls++
	return actor.Actor{UserID: "u1"}, nil
}

// TestRequestsMustComeThroughTheDistribution: with an origin secret configured (every function in AWS), a
// request without it, or with a wrong one, is refused with a 403 problem document before its route, its session
// or its endpoint is looked at; with the right one it is served. Without a secret (locally) nothing is refused.
func TestRequestsMustComeThroughTheDistribution(t *testing.T) {
	t.Parallel()
	const secret = "s3cret-from-secrets-manager"
	cases := []struct {
		name    string
		config  string
		key     string
		headers map[string]string
		refused bool
	}{
		{"case=no header", secret, "POST /v1/accounts", nil, true},
		{"case=empty header", secret, "POST /v1/accounts", map[string]string{"x-partnerhub-origin": ""}, true},
		{"case=wrong header", secret, "POST /v1/accounts", map[string]string{"x-partnerhub-origin": "s3cret-from-secrets-managex"}, true},
		{"case=prefix of the secret", secret, "POST /v1/accounts", map[string]string{"x-partnerhub-origin": secret[:10]}, true},
		{"case=secret and more", secret, "POST /v1/accounts", map[string]string{"x-partnerhub-origin": secret + "x"}, true},
		{"case=viewer address forged, no secret", secret, "POST /v1/accounts", map[string]string{"x-partnerhub-viewer-ip": "203.0.113.7"}, true},
		{"case=unknown route, no header", secret, "POST /v1/nowhere", nil, true},
		{"case=right header", secret, "POST /v1/accounts", map[string]string{"x-partnerhub-origin": secret}, false},
		{"case=right header, other case of its name", secret, "POST /v1/accounts", map[string]string{"X-PartnerHub-Origin": secret}, false},
		{"case=no secret configured", "", "POST /v1/accounts", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			calls, ran := 0, false
			h := httpapi.New(httpapi.Config{
				Function: route.Signup, Origins: []string{origin}, OriginSecret: c.config, Auth: countingAuth{&calls},
				Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
				Mux: httpapi.Mux{"POST /v1/accounts": func(context.Context, *httpapi.Request) (httpapi.Response, error) {
					ran = true
					return httpapi.JSON(http.StatusCreated, map[string]string{"id": "a1"}), nil
				}},
			})
			resp, err := h(context.Background(), post(c.key, `{"name":"Acme"}`, c.headers, "ph_session=tok"))
			if err != nil {
				t.Fatal(err)
			}
			if !c.refused {
				if resp.StatusCode != http.StatusCreated || !ran || calls != 1 {
					t.Fatalf("answer %d %s (endpoint ran: %v, session checks: %d), want 201 after one session check", resp.StatusCode, resp.Body, ran, calls)
				}
				return
			}
			p := decodeProblem(t, resp)
			if resp.StatusCode != http.StatusForbidden || p.Type != "https://partnerhub.dev/problems/not-through-portal" {
				t.Fatalf("answer %d %s, want 403 not-through-portal", resp.StatusCode, resp.Body)
			}
			if ran || calls != 0 {
				t.Fatalf("a refused request ran its endpoint (%v) or checked its session (%d times)", ran, calls)
			}
			if strings.Contains(resp.Body, secret) {
				t.Fatalf("the answer echoes the secret: %s", resp.Body)
			}
		})
	}
}

// TestNullBodyIsRefusedWhereTheEndpointReadsNoBody: sign-out reads no body, and still a null one is refused
// before it runs; an empty body is still no body.
func TestNullBodyIsRefusedWhereTheEndpointReadsNoBody(t *testing.T) {
	t.Parallel()
	ran := false
	h := httpapi.New(httpapi.Config{Function: route.OTP, Auth: fixedAuth{a: actor.Actor{UserID: "u1"}}, Origins: []string{origin},
		Mux: httpapi.Mux{"DELETE /v1/sessions/current": func(context.Context, *httpapi.Request) (httpapi.Response, error) {
			ran = true
			return httpapi.NoContent(), nil
		}},
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	resp, _ := h(context.Background(), post("DELETE /v1/sessions/current", " null ", nil, "ph_session=tok"))
	if resp.StatusCode != http.StatusBadRequest || fields(decodeProblem(t, resp))["body"] != "wrong_type" || ran {
		t.Fatalf("null body: %d %s (endpoint ran: %v)", resp.StatusCode, resp.Body, ran)
	}
	resp, _ = h(context.Background(), post("DELETE /v1/sessions/current", "", nil, "ph_session=tok"))
	if resp.StatusCode != http.StatusNoContent || !ran {
		t.Fatalf("empty body: %d %s", resp.StatusCode, resp.Body)
	}
}
