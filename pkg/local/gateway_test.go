package local_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

var testRoutes = []route.Route{
	{Method: "POST", Path: "/v1/things/{id}", Function: "things", Auth: route.Public},
	{Method: "GET", Path: "/v1/things", Function: "things", Auth: route.Public},
	{Method: "GET", Path: "/v1/later", Function: "later", Auth: route.Public},
}

// recorder is an HTTP function that keeps the events it gets and answers what it is told.
type recorder struct {
	mu     sync.Mutex
	events []events.APIGatewayV2HTTPRequest
	traces []string // the trace header each call's context carried, as aws-lambda-go puts it there
	answer func(events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)
}

func (r *recorder) handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	trace, _ := ctx.Value("x-amzn-trace-id").(string)
	r.traces = append(r.traces, trace)
	r.mu.Unlock()
	if r.answer != nil {
		return r.answer(ev)
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK, Body: "{}", Headers: map[string]string{"Content-Type": "application/json"}}, nil
}

func (r *recorder) last(t *testing.T) events.APIGatewayV2HTTPRequest {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) == 0 {
		t.Fatal("the function was not called")
	}
	return r.events[len(r.events)-1]
}

var testNow = time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)

// newTestGateway serves testRoutes: "things" is the recorder, "later" cannot be built.
func newTestGateway(t *testing.T, rec *recorder, web fstest.MapFS) (*local.Gateway, map[string]int) {
	t.Helper()
	builds := map[string]int{}
	cfg := local.GatewayConfig{
		Routes: testRoutes,
		Now:    func() time.Time { return testNow },
		Build: func(fn string) (httpapi.Handler, error) {
			builds[fn]++
			if fn == "later" {
				return nil, errors.New("later not built yet")
			}
			return rec.handle, nil
		},
	}
	if web != nil {
		cfg.Web = web
	}
	return local.NewGateway(cfg), builds
}

func TestGatewayBuildsEachFunctionOnce(t *testing.T) {
	t.Parallel()
	gw, builds := newTestGateway(t, &recorder{}, nil)
	if want := map[string]int{"things": 1, "later": 1}; !reflect.DeepEqual(builds, want) {
		t.Fatalf("builds = %v, want %v", builds, want)
	}
	if got := gw.Missing(); !reflect.DeepEqual(got, []string{"later"}) {
		t.Fatalf("Missing() = %v, want [later]", got)
	}
}

func TestGatewayTurnsRequestsIntoPayloadV2Events(t *testing.T) {
	t.Parallel()
	t.Run("case=json body, cookies, query, path parameter", func(t *testing.T) {
		t.Parallel()
		rec := &recorder{}
		gw, _ := newTestGateway(t, rec, nil)
		r := httptest.NewRequest("POST", "http://portal.test:3000/v1/things/a%20b?x=1&x=2&y=%C3%A9", strings.NewReader(`{"name":"Ada"}`))
		r.RemoteAddr = "203.0.113.9:45678"
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("User-Agent", "test-agent/1.0")
		r.Header.Add("Cookie", "ph_session=abc; theme=dark")
		r.Header.Add("Cookie", "third=3")
		r.Header.Add("X-Multi", "one")
		r.Header.Add("X-Multi", "two")
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, r)

		ev := rec.last(t)
		id := ev.RequestContext.RequestID
		if id == "" || w.Header().Get("Apigw-Requestid") != id {
			t.Fatalf("request id %q, response header %q", id, w.Header().Get("Apigw-Requestid"))
		}
		want := events.APIGatewayV2HTTPRequest{
			Version:               "2.0",
			RouteKey:              "POST /v1/things/{id}",
			RawPath:               "/v1/things/a b",
			RawQueryString:        "x=1&x=2&y=%C3%A9",
			Cookies:               []string{"ph_session=abc", "theme=dark", "third=3"},
			QueryStringParameters: map[string]string{"x": "1,2", "y": "é"},
			PathParameters:        map[string]string{"id": "a b"},
			Body:                  `{"name":"Ada"}`,
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				RouteKey:     "POST /v1/things/{id}",
				AccountID:    "000000000000",
				Stage:        "$default",
				RequestID:    id,
				APIID:        "local",
				DomainName:   "portal.test",
				DomainPrefix: "portal",
				Time:         "04/Mar/2026:05:06:07 +0000",
				TimeEpoch:    testNow.UnixMilli(),
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
					Method: "POST", Path: "/v1/things/a b", Protocol: "HTTP/1.1", SourceIP: "203.0.113.9", UserAgent: "test-agent/1.0",
				},
			},
		}
		wantHeaders := map[string]string{
			"content-type":      "application/json",
			"user-agent":        "test-agent/1.0",
			"x-multi":           "one,two",
			"host":              "portal.test:3000",
			"content-length":    "14",
			"x-forwarded-for":   "203.0.113.9",
			"x-forwarded-proto": "http",
		}
		for k, v := range wantHeaders {
			if ev.Headers[k] != v {
				t.Errorf("header %s = %q, want %q", k, ev.Headers[k], v)
			}
		}
		if _, ok := ev.Headers["cookie"]; ok {
			t.Error("the cookie header is still there; API Gateway moves it into cookies")
		}
		for k := range ev.Headers {
			if k != strings.ToLower(k) {
				t.Errorf("header %q is not lower-case", k)
			}
		}
		if !strings.HasPrefix(ev.Headers["x-amzn-trace-id"], "Root=1-") {
			t.Errorf("x-amzn-trace-id = %q", ev.Headers["x-amzn-trace-id"])
		}
		if trace := rec.traces[len(rec.traces)-1]; trace != ev.Headers["x-amzn-trace-id"] {
			t.Errorf("the context's trace header %q, the event's %q", trace, ev.Headers["x-amzn-trace-id"])
		}
		ev.Headers = nil
		if !reflect.DeepEqual(ev, want) {
			got, _ := json.MarshalIndent(ev, "", " ")
			exp, _ := json.MarshalIndent(want, "", " ")
			t.Fatalf("event\n%s\nwant\n%s", got, exp)
		}
	})

	t.Run("case=binary body is base64", func(t *testing.T) {
		t.Parallel()
		for _, ct := range []string{"application/octet-stream", "image/png", ""} {
			rec := &recorder{}
			gw, _ := newTestGateway(t, rec, nil)
			body := []byte{0x89, 'P', 'N', 'G', 0, 0xff}
			r := httptest.NewRequest("POST", "/v1/things/1", strings.NewReader(string(body)))
			if ct != "" {
				r.Header.Set("Content-Type", ct)
			}
			gw.ServeHTTP(httptest.NewRecorder(), r)
			ev := rec.last(t)
			if !ev.IsBase64Encoded || ev.Body != base64.StdEncoding.EncodeToString(body) {
				t.Errorf("content type %q: body %q base64 %v, want base64 of the bytes", ct, ev.Body, ev.IsBase64Encoded)
			}
		}
	})

	t.Run("case=text types stay text", func(t *testing.T) {
		t.Parallel()
		for _, ct := range []string{"text/plain; charset=utf-8", "application/problem+json", "application/x-www-form-urlencoded"} {
			rec := &recorder{}
			gw, _ := newTestGateway(t, rec, nil)
			r := httptest.NewRequest("POST", "/v1/things/1", strings.NewReader("a=b"))
			r.Header.Set("Content-Type", ct)
			gw.ServeHTTP(httptest.NewRecorder(), r)
			if ev := rec.last(t); ev.IsBase64Encoded || ev.Body != "a=b" {
				t.Errorf("content type %q: body %q base64 %v, want plain text", ct, ev.Body, ev.IsBase64Encoded)
			}
		}
	})

	t.Run("case=no body, query or cookies", func(t *testing.T) {
		t.Parallel()
		rec := &recorder{}
		gw, _ := newTestGateway(t, rec, nil)
		gw.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/v1/things", nil))
		gw.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/v1/things", nil))
		ev := rec.last(t)
		if ev.Body != "" || ev.IsBase64Encoded || ev.Cookies != nil || ev.QueryStringParameters != nil || ev.PathParameters != nil {
			t.Fatalf("empty parts should be left out: %+v", ev)
		}
		if ev.RouteKey != "GET /v1/things" || ev.Headers["content-length"] != "0" {
			t.Fatalf("route key %q content-length %q", ev.RouteKey, ev.Headers["content-length"])
		}
		if rec.events[0].RequestContext.RequestID == ev.RequestContext.RequestID {
			t.Fatal("two requests got the same request id")
		}
	})
}

func TestGatewayWritesResponsesLikeAPIGateway(t *testing.T) {
	t.Parallel()
	binary := []byte{0, 1, 2, 0xfe}
	rec := &recorder{answer: func(events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{
			StatusCode:        http.StatusCreated,
			Headers:           map[string]string{"Content-Type": "application/octet-stream", "X-One": "1"},
			MultiValueHeaders: map[string][]string{"X-Many": {"a", "b"}},
			Cookies:           []string{"ph_session=t; Path=/; HttpOnly; SameSite=Strict", "theme=dark"},
			Body:              base64.StdEncoding.EncodeToString(binary),
			IsBase64Encoded:   true,
		}, nil
	}}
	gw, _ := newTestGateway(t, rec, nil)
	w := httptest.NewRecorder()
	gw.ServeHTTP(w, httptest.NewRequest("GET", "/v1/things", nil))
	res := w.Result()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		t.Errorf("status = %d", res.StatusCode)
	}
	if string(body) != string(binary) {
		t.Errorf("body = %v, want the decoded bytes %v", body, binary)
	}
	if got := res.Header.Values("Set-Cookie"); !reflect.DeepEqual(got, []string{"ph_session=t; Path=/; HttpOnly; SameSite=Strict", "theme=dark"}) {
		t.Errorf("Set-Cookie = %q", got)
	}
	if got := res.Header.Values("X-Many"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("X-Many = %q", got)
	}
	if res.Header.Get("X-One") != "1" || res.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("headers = %v", res.Header)
	}
}

func TestGatewayAnswersProblemDocuments(t *testing.T) {
	t.Parallel()
	failing := func(err error, status int) func(events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return func(events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			if err != nil && err.Error() == "panic" {
				panic("boom")
			}
			return events.APIGatewayV2HTTPResponse{StatusCode: status}, err
		}
	}
	tests := []struct {
		name, method, target string
		answer               func(events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)
		status               int
		slug                 string
	}{
		{name: "unknown route", method: "GET", target: "/v1/nothing/here", status: 404, slug: "no-route"},
		{name: "wrong method", method: "DELETE", target: "/v1/things", status: 404, slug: "no-route"},
		{name: "bare /v1", method: "GET", target: "/v1", status: 404, slug: "no-route"},
		{name: "function not built", method: "GET", target: "/v1/later", status: 501, slug: "not-implemented"},
		{name: "function error", method: "GET", target: "/v1/things", answer: failing(errors.New("secret cause at 10.0.0.1"), 0), status: 500, slug: "internal"},
		{name: "function panic", method: "GET", target: "/v1/things", answer: failing(errors.New("panic"), 0), status: 500, slug: "internal"},
		{name: "no status code", method: "GET", target: "/v1/things", answer: failing(nil, 0), status: 500, slug: "internal"},
	}
	for _, tc := range tests {
		t.Run("case="+tc.name, func(t *testing.T) {
			t.Parallel()
			gw, _ := newTestGateway(t, &recorder{answer: tc.answer}, nil)
			w := httptest.NewRecorder()
			gw.ServeHTTP(w, httptest.NewRequest(tc.method, tc.target, nil))
			if w.Code != tc.status {
				t.Fatalf("status = %d, want %d", w.Code, tc.status)
			}
			if ct := w.Header().Get("Content-Type"); ct != problem.ContentType {
				t.Fatalf("content type = %q, want %s", ct, problem.ContentType)
			}
			var doc map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
				t.Fatalf("body is not JSON: %s", w.Body)
			}
			if doc["type"] != problem.TypeBase+tc.slug || doc["status"] != float64(tc.status) || doc["title"] == "" {
				t.Fatalf("problem = %v, want type %s status %d", doc, tc.slug, tc.status)
			}
			if strings.Contains(w.Body.String(), "secret cause") || strings.Contains(w.Body.String(), "boom") {
				t.Fatalf("the cause leaked: %s", w.Body)
			}
		})
	}
}

func TestGatewayServesTheWebClient(t *testing.T) {
	t.Parallel()
	web := fstest.MapFS{
		"index.html":    {Data: []byte("<h1>home</h1>")},
		"activate.html": {Data: []byte("<h1>activate</h1>")},
		"app.js":        {Data: []byte("console.log(1)")},
		"img/logo.svg":  {Data: []byte("<svg/>")},
	}
	gw, _ := newTestGateway(t, &recorder{}, web)
	tests := []struct {
		method, target string
		status         int
		body           string
	}{
		{"GET", "/", 200, "<h1>home</h1>"},
		{"GET", "/activate", 200, "<h1>activate</h1>"},
		{"GET", "/activate?token=abc", 200, "<h1>activate</h1>"},
		{"GET", "/activate.html", 200, "<h1>activate</h1>"},
		{"GET", "/app.js", 200, "console.log(1)"},
		{"GET", "/img/logo.svg", 200, "<svg/>"},
		{"GET", "/img", 404, ""},
		{"GET", "/signin", 404, ""},
		{"GET", "/../go.mod", 404, ""},
		{"POST", "/", 405, ""},
	}
	for _, tc := range tests {
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, httptest.NewRequest(tc.method, tc.target, nil))
		if w.Code != tc.status || (tc.body != "" && w.Body.String() != tc.body) {
			t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.target, w.Code, w.Body, tc.status, tc.body)
		}
	}
	w := httptest.NewRecorder()
	gw.ServeHTTP(w, httptest.NewRequest("GET", "/app.js", nil))
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("app.js content type = %q", ct)
	}
}

// TestGatewayAnswersUnknownPagesWithThePortals404 checks that an address that is no file of the web client gets
// the client's own 404.html, with status 404 and as HTML, and that the page itself is not found by name alone.
func TestGatewayAnswersUnknownPagesWithThePortals404(t *testing.T) {
	t.Parallel()
	web := fstest.MapFS{
		"index.html": {Data: []byte("<h1>home</h1>")},
		"404.html":   {Data: []byte("<h1>not here</h1>")},
	}
	gw, _ := newTestGateway(t, &recorder{}, web)
	for _, target := range []string{"/nowhere", "/js/missing.js", "/deep/er/page?x=1", "/../etc/passwd"} {
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		if w.Code != http.StatusNotFound || w.Body.String() != "<h1>not here</h1>" {
			t.Errorf("GET %s = %d %q, want 404 with the portal's page", target, w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: content type %q, want HTML", target, ct)
		}
		if csp := w.Header().Get("Content-Security-Policy"); csp == "" {
			t.Errorf("GET %s: the 404 page lacks the security headers", target)
		}
	}
	w := httptest.NewRecorder()
	gw.ServeHTTP(w, httptest.NewRequest("HEAD", "/nowhere", nil))
	if w.Code != http.StatusNotFound || w.Body.Len() != 0 {
		t.Errorf("HEAD /nowhere = %d with %d bytes, want 404 without a body", w.Code, w.Body.Len())
	}
}

func TestGatewayLimitsLikeAPIGateway(t *testing.T) {
	t.Parallel()
	t.Run("case=function times out", func(t *testing.T) {
		t.Parallel()
		gw := local.NewGateway(local.GatewayConfig{
			Routes:  testRoutes,
			Timeout: 20 * time.Millisecond,
			Build: func(string) (httpapi.Handler, error) {
				return func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
					<-ctx.Done()
					return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK}, nil
				}, nil
			},
		})
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, httptest.NewRequest("GET", "/v1/things", nil))
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), problem.TypeBase+"unavailable") {
			t.Fatalf("status = %d, body %s; want a 503 problem", w.Code, w.Body)
		}
	})
	t.Run("case=body too large", func(t *testing.T) {
		t.Parallel()
		rec := &recorder{}
		gw, _ := newTestGateway(t, rec, nil)
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, httptest.NewRequest("POST", "/v1/things/1", strings.NewReader(strings.Repeat("x", local.MaxPayload+1))))
		if w.Code != http.StatusRequestEntityTooLarge || w.Header().Get("Content-Type") != problem.ContentType {
			t.Fatalf("status = %d, content type %q; want a 413 problem", w.Code, w.Header().Get("Content-Type"))
		}
		if len(rec.events) != 0 {
			t.Fatal("the function was called with a body over the limit")
		}
	})
}
