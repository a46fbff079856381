package platformtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// Origin is the portal's origin, allowed to send state-changing requests.
const Origin = "http://localhost:3000"

// Request is one API call.
type Request struct {
	Function string
	Route    string            // route key, e.g. "PUT /v1/accounts/{id}/branding"
	Params   map[string]string // path parameters
	Query    map[string]string
	Cookie   string // session cookie value
	// Body is sent as it is when it is a string or []byte (base64-encoded, as API Gateway passes binary
	// bodies), and as JSON otherwise.
	Body any
	// Headers replace the default ones (origin and content-type: application/json) when set.
	Headers map[string]string
	// IP is the caller's source address.
	IP string
}

// Reply is an answer.
type Reply struct {
	events.APIGatewayV2HTTPResponse
	// JSON is the decoded body, when it is JSON.
	JSON map[string]any
}

// Str is a top-level string member of the answer.
func (r Reply) Str(key string) string { s, _ := r.JSON[key].(string); return s }

// Problem is the slug of a problem document's type.
func (r Reply) Problem() string {
	return strings.TrimPrefix(r.Str("type"), "https://partnerhub.dev/problems/")
}

// Fields lists "field:code" of a validation problem, sorted.
func (r Reply) Fields() []string {
	var out []string
	list, _ := r.JSON["errors"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%s", m["field"], m["code"]))
	}
	slices.Sort(out)
	return out
}

// Addresses hands out a fresh source address per request, so the rate limits one call meets do not leak into
// another. Its zero value is ready to use and safe for concurrent use.
type Addresses struct{ n atomic.Int64 }

// Next is an address not handed out before.
func (a *Addresses) Next() string {
	n := a.n.Add(1)
	return fmt.Sprintf("198.51.%d.%d", n/250, n%250+1)
}

// Event builds the API Gateway event of a request, as API Gateway would pass it to the function.
func Event(r Request) (events.APIGatewayV2HTTPRequest, error) {
	method, path, _ := strings.Cut(r.Route, " ")
	for k, v := range r.Params {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	headers := r.Headers
	if headers == nil {
		headers = map[string]string{"origin": Origin, "content-type": "application/json"}
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: r.Route, RawPath: path, Headers: headers, PathParameters: r.Params,
		QueryStringParameters: r.Query,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: r.Route, RequestID: secret.NewID(), Stage: "$default",
			// API Gateway passes the User-Agent header in the request context too.
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: r.IP, UserAgent: headers["user-agent"]},
		},
	}
	switch b := r.Body.(type) {
	case nil:
	case string:
		ev.Body = b
	case []byte:
		ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(b), true
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return ev, fmt.Errorf("%s: body: %w", r.Route, err)
		}
		ev.Body = string(raw)
	}
	if r.Cookie != "" {
		ev.Cookies = []string{httpapi.SessionCookie + "=" + r.Cookie}
	}
	return ev, nil
}

// Invoke hands an event to a handler and decodes the answer when its content type is JSON (a logo, say, is
// not). It returns what went wrong instead of failing a test, so goroutines other than the test's may call it: a
// handler error, a JSON answer whose body is not JSON, or an answer that does not match the API description
// (Conforms), so every answer the test suite sees is held to the published contract.
func Invoke(h httpapi.Handler, ev events.APIGatewayV2HTTPRequest) (Reply, error) {
	reply, err := decode(h, ev)
	if err != nil {
		return reply, err
	}
	return reply, Conforms(ev, reply.APIGatewayV2HTTPResponse)
}

// decode is Invoke without the check against the API description.
func decode(h httpapi.Handler, ev events.APIGatewayV2HTTPRequest) (Reply, error) {
	out, err := h(context.Background(), ev)
	if err != nil {
		return Reply{}, fmt.Errorf("%s: handler error %w", ev.RouteKey, err)
	}
	reply := Reply{APIGatewayV2HTTPResponse: out}
	if out.Body != "" && strings.Contains(out.Headers["Content-Type"], "json") {
		if err := json.Unmarshal([]byte(out.Body), &reply.JSON); err != nil {
			return reply, fmt.Errorf("%s: body %q: %w", ev.RouteKey, out.Body, err)
		}
	}
	return reply, nil
}

// WantStatus fails the test unless the reply has the status.
func WantStatus(t testing.TB, r Reply, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", r.StatusCode, status, r.Body)
	}
}

// WantProblem fails the test unless the reply is a problem document with the status and the type slug. An empty
// slug checks the status alone, for table-driven cases whose answers are not all problems.
func WantProblem(t testing.TB, r Reply, status int, slug string) {
	t.Helper()
	WantStatus(t, r, status)
	if got := r.Problem(); slug != "" && got != slug {
		t.Fatalf("problem type = %q, want slug %q; body %s", got, slug, r.Body)
	}
}

// SampleEvent reads a sample invocation payload from the repository's events/ folder, the events `make invoke`
// sends.
func SampleEvent(t testing.TB, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}
