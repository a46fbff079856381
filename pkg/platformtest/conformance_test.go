package platformtest_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/platformtest"
)

// TestConformsHoldsAnswersToTheDescription: an answer that matches its route's description passes; an undeclared
// status, a missing or renamed field, an extra field, and a problem slug the route does not declare each fail.
func TestConformsHoldsAnswersToTheDescription(t *testing.T) {
	t.Parallel()
	health := events.APIGatewayV2HTTPRequest{RouteKey: "GET /v1/health", RawPath: "/v1/health"}
	grant := events.APIGatewayV2HTTPRequest{RouteKey: "GET /v1/partner-access/{grantId}", RawPath: "/v1/partner-access/g1"}
	json := map[string]string{"Content-Type": "application/json"}
	problemJSON := map[string]string{"Content-Type": "application/problem+json"}
	ok := `{"status":"ok","table":"reachable","time":"2026-12-02T20:00:00Z"}`
	for name, tc := range map[string]struct {
		ev   events.APIGatewayV2HTTPRequest
		out  events.APIGatewayV2HTTPResponse
		want string // "" for a conforming answer
	}{
		"case=conforms":          {health, events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: json, Body: ok}, ""},
		"case=undeclared status": {health, events.APIGatewayV2HTTPResponse{StatusCode: 418, Headers: json, Body: ok}, "418"},
		"case=missing field": {health, events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: json,
			Body: `{"status":"ok","time":"2026-12-02T20:00:00Z"}`}, "table"},
		"case=renamed field": {health, events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: json,
			Body: `{"status":"ok","tableState":"reachable","time":"2026-12-02T20:00:00Z"}`}, "does not match"},
		"case=declared problem": {grant, events.APIGatewayV2HTTPResponse{StatusCode: 404, Headers: problemJSON,
			Body: `{"type":"https://partnerhub.dev/problems/grant-not-found","title":"Not found.","status":404}`}, ""},
		"case=undeclared slug": {grant, events.APIGatewayV2HTTPResponse{StatusCode: 404, Headers: problemJSON,
			Body: `{"type":"https://partnerhub.dev/problems/link-invalid","title":"Not found.","status":404}`}, "does not match"},
		"case=problem without type": {grant, events.APIGatewayV2HTTPResponse{StatusCode: 404, Headers: problemJSON,
			Body: `{"title":"Not found.","status":404}`}, "does not match"},
		"case=route outside the table": {events.APIGatewayV2HTTPRequest{RouteKey: "GET /v1/nowhere"},
			events.APIGatewayV2HTTPResponse{StatusCode: 404}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := platformtest.Conforms(tc.ev, tc.out)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("a conforming answer fails: %v", err)
			case tc.want != "" && err == nil:
				t.Fatal("the answer passes")
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error does not say %q: %v", tc.want, err)
			}
		})
	}
}
