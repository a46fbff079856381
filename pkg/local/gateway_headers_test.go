package local_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/webpolicy"
)

// TestGatewaySendsTheSecurityHeaders checks that every kind of answer — a file of the web client, a missing file,
// a function's answer, the gateway's own problem document — carries webpolicy's headers, over a function's own
// value for one of them (CloudFront's policy overrides the origin's), and no Strict-Transport-Security over HTTP.
func TestGatewaySendsTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	rec := &recorder{answer: func(events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK, Body: "{}",
			Headers: map[string]string{"Content-Type": "application/json", "X-Frame-Options": "SAMEORIGIN"}}, nil
	}}
	gw, _ := newTestGateway(t, rec, fstest.MapFS{"index.html": {Data: []byte("<h1>home</h1>")}})
	for _, tc := range []struct{ name, method, target string }{
		{"case=page", "GET", "/"},
		{"case=missing file", "GET", "/nothing.js"},
		{"case=function answer", "GET", "/v1/things"},
		{"case=gateway problem", "GET", "/v1/later"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			gw.ServeHTTP(w, httptest.NewRequest(tc.method, tc.target, nil))
			for _, h := range webpolicy.Headers(false) {
				if got := w.Header().Values(h.Name); len(got) != 1 || got[0] != h.Value {
					t.Errorf("%s = %q, want [%q]", h.Name, got, h.Value)
				}
			}
			if got := w.Header().Get("Strict-Transport-Security"); got != "" {
				t.Errorf("Strict-Transport-Security over HTTP = %q", got)
			}
		})
	}
}
