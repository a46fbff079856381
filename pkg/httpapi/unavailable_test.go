package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/logctx"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// timeoutErr is a network timeout as net/http reports one (a *url.Error whose Timeout is true).
type timeoutErr struct{}

func (timeoutErr) Error() string { return "dial tcp 10.9.8.7:443: i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

// TestSlowDependencyIsA503WithRetryAfter: whatever a call to a dependency failed with — the store's
// fault.ErrUnavailable, or a deadline, a cancellation or a network timeout the store did not wrap — in an
// endpoint or in the session lookup, the answer is a 503 problem with Retry-After that does not echo the cause,
// logged as an unavailable dependency rather than as a failed request (a bug).
func TestSlowDependencyIsA503WithRetryAfter(t *testing.T) {
	t.Parallel()
	causes := map[string]error{
		"unavailable":       fmt.Errorf("get session: %w: %w", fault.ErrUnavailable, timeoutErr{}),
		"deadline":          fmt.Errorf("get user: %w", context.DeadlineExceeded),
		"canceled":          fmt.Errorf("query: %w", context.Canceled),
		"network timeout":   fmt.Errorf("operation error DynamoDB: GetItem: %w", timeoutErr{}),
		"joined with quota": errors.Join(context.DeadlineExceeded, errors.New("retry quota exceeded")),
	}
	for name, cause := range causes {
		for _, where := range []string{"endpoint", "session"} {
			t.Run("cause="+name+"/in="+where, func(t *testing.T) {
				t.Parallel()
				var logs strings.Builder
				auth := fixedAuth{a: actor.Actor{UserID: "u1"}}
				if where == "session" {
					auth = fixedAuth{err: cause}
				}
				h := httpapi.New(httpapi.Config{
					Function: route.Signup, Auth: auth, Origins: []string{origin},
					Log: slog.New(logctx.Handler{Handler: slog.NewJSONHandler(&logs, nil)}),
					Mux: httpapi.Mux{"POST /v1/accounts": func(context.Context, *httpapi.Request) (httpapi.Response, error) {
						return httpapi.Response{}, cause
					}},
				})
				resp, err := h(context.Background(), post("POST /v1/accounts", "", nil, "ph_session=tok"))
				if err != nil {
					t.Fatal(err)
				}
				p := decodeProblem(t, resp)
				if p.Status != http.StatusServiceUnavailable || p.Type != "https://partnerhub.dev/problems/unavailable" {
					t.Fatalf("status %d type %s, want 503 unavailable: %s", p.Status, p.Type, resp.Body)
				}
				secs, err := strconv.Atoi(resp.Headers["Retry-After"])
				if err != nil || secs < 1 || secs > 10 {
					t.Fatalf("Retry-After %q, want a few seconds", resp.Headers["Retry-After"])
				}
				var body map[string]any
				_ = json.Unmarshal([]byte(resp.Body), &body)
				if body["retryAfterSeconds"] != float64(secs) {
					t.Fatalf("retryAfterSeconds %v, Retry-After %d", body["retryAfterSeconds"], secs)
				}
				if strings.Contains(resp.Body, "10.9.8.7") || strings.Contains(resp.Body, "deadline") || strings.Contains(resp.Body, "quota") {
					t.Fatalf("the 503 echoes its cause: %s", resp.Body)
				}
				if len(resp.Cookies) != 0 {
					t.Fatalf("an unavailable session lookup ended the session: %v", resp.Cookies)
				}
				if !strings.Contains(logs.String(), `"msg":"dependency unavailable"`) || strings.Contains(logs.String(), `"msg":"request failed"`) ||
					!strings.Contains(logs.String(), `"level":"WARN"`) {
					t.Fatalf("logged as %s", logs.String())
				}
			})
		}
	}
}

// TestDomainErrorsKeepTheirAnswerBesideATimeout: an error that says what it means keeps its answer even when a
// timeout is in its chain; only an error that means nothing else becomes a 503.
func TestDomainErrorsKeepTheirAnswerBesideATimeout(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("%w: %w", fault.ErrNotFound, context.DeadlineExceeded)
	resp := httpapi.ProblemResponse(err, "r1")
	if resp.Status != http.StatusNotFound || resp.Headers["Retry-After"] != "" {
		t.Fatalf("status %d headers %v, want 404 without Retry-After", resp.Status, resp.Headers)
	}
}
