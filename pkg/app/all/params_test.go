package all_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
)

// malformedParams are path parameter values that can name nothing: a 5 KB value (DynamoDB refuses keys over
// 2,048 bytes, which once surfaced as a 503), values just over the limits, empty-ish ones, paths, look-alike
// and invisible Unicode, control characters.
var malformedParams = map[string]string{
	"long":         strings.Repeat("A", 5000),
	"just over":    strings.Repeat("a", 65),
	"empty":        "",
	"space":        " ",
	"dot":          ".",
	"dots":         "..",
	"path":         "../../etc/passwd",
	"encoded path": "..%2F..%2Fetc",
	"fullwidth":    "ａｃｃｏｕｎｔ",
	"accent":       "é",
	"bidi":         "abc\u202edef",
	"nul":          "abc\x00def",
	"newline":      "abc\r\ndef",
	"long token":   strings.Repeat("A", 22) + "." + strings.Repeat("B", 5000),
}

// sampleParam is a well-formed value for a path parameter: an id, or a link token that verifies under no key.
func sampleParam(name string) string {
	if name == "sessionId" {
		return session.PublicID(secret.NewID())
	}
	if name == "token" {
		return secret.NewID() + "." + strings.Repeat("A", 43)
	}
	return secret.NewID()
}

// countingDynamo stands in for DynamoDB: it counts requests and refuses each one as DynamoDB refuses a key
// that is too long.
type countingDynamo struct {
	calls atomic.Int64
	srv   *httptest.Server
}

func newCountingDynamo(t *testing.T) *countingDynamo {
	d := &countingDynamo{}
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.calls.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"One or more parameter values were invalid"}`))
	}))
	t.Cleanup(d.srv.Close)
	return d
}

// lockedBuffer collects log lines from concurrent requests.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestMalformedPathParametersAreNotFoundWithoutARead sends every route that has a path parameter, through its
// function's real handler, values that can name nothing in each of its parameters — with a session cookie, so
// nothing but the shape check stands between the value and a read. Each answer is a 404 problem document, no
// request reaches the table (not even the session's), and no log line holds the value.
func TestMalformedPathParametersAreNotFoundWithoutARead(t *testing.T) {
	t.Parallel()
	dynamo := newCountingDynamo(t)
	logs := &lockedBuffer{}
	cfg := app.Config{
		Env: "local", Table: "t", Region: "us-east-1", DynamoEndpoint: dynamo.srv.URL, SESEndpoint: "http://127.0.0.1:1",
		Key: bytes.Repeat([]byte{7}, 32), MailFrom: "x@example.com", PortalURL: "http://localhost:3000",
		Origins: []string{platformtest.Origin}, LogLevel: "debug",
	}
	a, err := all.New(context.Background(), cfg, app.WithLogger(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	handlers := map[string]httpapi.Handler{}
	for _, fn := range route.Functions {
		if fn.Trigger == route.HTTP {
			if handlers[fn.Name], err = a.HTTP(fn.Name); err != nil {
				t.Fatal(err)
			}
		}
	}
	send := func(rt route.Route, params map[string]string) platformtest.Reply {
		t.Helper()
		req := platformtest.Request{Route: rt.Key(), Params: params, Cookie: "a-session-token", Body: "{}", IP: "198.51.100.1"}
		if types := rt.MediaTypes(); types != nil {
			req.Headers = map[string]string{"origin": platformtest.Origin, "content-type": types[0]}
		}
		ev, err := platformtest.Event(req)
		if err != nil {
			t.Fatal(err)
		}
		reply, err := platformtest.Invoke(handlers[rt.Function], ev)
		if err != nil {
			t.Fatal(err)
		}
		return reply
	}

	t.Run("case=a well-formed value is read", func(t *testing.T) {
		rt, _ := route.ByKey("GET /v1/accounts/{id}")
		before := dynamo.calls.Load()
		send(rt, map[string]string{"id": sampleParam("id")})
		if dynamo.calls.Load() == before {
			t.Fatal("no request reached the stand-in table: the count below proves nothing")
		}
	})

	tested := 0
	for _, rt := range route.Routes {
		for _, param := range rt.Params() {
			for label, bad := range malformedParams {
				tested++
				t.Run(fmt.Sprintf("route=%s/param=%s/value=%s", rt.Key(), param, label), func(t *testing.T) {
					params := map[string]string{}
					for _, name := range rt.Params() {
						params[name] = sampleParam(name)
					}
					params[param] = bad
					before := dynamo.calls.Load()
					r := send(rt, params)
					if r.StatusCode != http.StatusNotFound || r.Headers["Content-Type"] != "application/problem+json" || r.Problem() == "" {
						t.Fatalf("answer %d %q, want a 404 problem document", r.StatusCode, truncate(r.Body))
					}
					if n := dynamo.calls.Load() - before; n != 0 {
						t.Fatalf("%d requests reached the table", n)
					}
					if len(bad) >= 3 {
						escaped, _ := json.Marshal(bad)
						if l := logs.String(); strings.Contains(l, bad) || strings.Contains(l, strings.Trim(string(escaped), `"`)) {
							t.Fatal("a log line holds the value")
						}
					}
				})
			}
		}
	}
	if tested == 0 {
		t.Fatal("no route has a path parameter")
	}
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
