package local_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/docs"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// serveApp runs the gateway over real HTTP in front of the real App built from cfg.
func serveApp(t *testing.T, cfg app.Config, now time.Time) *httptest.Server {
	t.Helper()
	a, err := all.New(context.Background(), cfg, app.WithClock(clock.NewFake(now)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(local.NewGateway(local.GatewayConfig{Build: a.HTTP}))
	t.Cleanup(srv.Close)
	return srv
}

// get is the gateway's test client: every answer of an API route is held to the API description.
func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := platformtest.ConformsHTTP(res, body); err != nil {
		t.Fatal(err)
	}
	return res, body
}

// TestGatewayServesTheDescription: GET /v1/openapi.json goes through the route table like every route, and
// answers docs/openapi.json, an OpenAPI 3.1 description of every route.
func TestGatewayServesTheDescription(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	srv := serveApp(t, env.Config(env.NewTable(t)), time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))

	res, body := get(t, srv.URL+"/v1/openapi.json")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status = %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var got, want map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(docs.OpenAPI, &want); err != nil {
		t.Fatal(err)
	}
	if got["openapi"] != "3.1.0" || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the gateway served another description (openapi %v)", got["openapi"])
	}
	if paths := got["paths"].(map[string]any); len(paths) < 40 {
		t.Fatalf("only %d paths described", len(paths))
	}
}

func TestGatewayServesHealthFromTheTable(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	srv := serveApp(t, env.Config(env.NewTable(t)), now)

	res, body := get(t, srv.URL+"/v1/health")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, body %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type = %q", ct)
	}
	var got struct {
		Status string    `json:"status"`
		Table  string    `json:"table"`
		Time   time.Time `json:"time"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if got.Status != "ok" || got.Table != "reachable" || !got.Time.Equal(now) {
		t.Fatalf("health = %+v, want ok, reachable, %s", got, now)
	}
}

func TestGatewayAnswers503WhenTheTableIsUnreachable(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	cfg := env.Config(env.NewTable(t))
	port, err := emulator.FreePort() // free, so nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	cfg.DynamoEndpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
	srv := serveApp(t, cfg, time.Now())

	res, body := get(t, srv.URL+"/v1/health")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, body %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("content type = %q, want %s", ct, problem.ContentType)
	}
	var doc problem.Document
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if doc.Type != problem.TypeBase+"unavailable" || doc.Status != http.StatusServiceUnavailable || doc.Instance != problem.Instance(res.Header.Get("Apigw-Requestid")) {
		t.Fatalf("problem = %+v", doc)
	}
	if strings.Contains(string(body), "127.0.0.1") || strings.Contains(string(body), "connect") {
		t.Fatalf("the cause leaked: %s", body)
	}
}
