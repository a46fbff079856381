package platformtest_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/apispec"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// Bounds of the property pass: calls per route, and the whole pass's time, after which each route gets the calls
// already made (at least minCalls). The time bound keeps the pass from growing with a slow machine; the log says
// how many calls each route got.
const (
	callsPerRoute = 200
	minCalls      = 25
	passBudget    = 90 * time.Second
)

// TestEveryRouteAnswersAnyInputWithAContractAnswer is a property-based pass over every route of the description,
// against the real handlers on the emulators: random inputs generated from each operation's parameters and
// request body schema — valid ones, and ones broken on purpose (wrong types, unknown fields, not JSON, null,
// malformed path parameters, no session, a foreign Origin, another media type). Every answer must be below 500,
// every 4xx a problem document whose status is the answer's, and (through platformtest.Invoke) every answer must
// match the description. Each route's answers by status are logged (go test -v), to see how deep the inputs reach.
func TestEveryRouteAnswersAnyInputWithAContractAnswer(t *testing.T) {
	raw, err := apispec.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	p := platformtest.New(t)
	deadline := time.Now().Add(passBudget)
	perRoute := max(minCalls, callsPerRoute)
	for i, rt := range route.Routes {
		op := spec["paths"].(map[string]any)[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		g := gen{rng: rand.New(rand.NewPCG(13, uint64(i))), spec: spec, p: p}
		cookie := p.Session(p.AdminID, p.ProviderID) // a session of its own: the route may end it
		calls, statuses := 0, map[int]int{}
		for calls < perRoute && (calls < minCalls || time.Now().Before(deadline)) {
			calls++
			req := g.request(rt, op, cookie)
			reply, err := platformtest.Invoke(p.Handler(rt.Function), p.Event(req))
			if err != nil {
				t.Fatalf("%s call %d (%s): %v", rt.Key(), calls, g.describe(req), err)
			}
			statuses[reply.StatusCode]++
			if reply.StatusCode >= 500 {
				t.Fatalf("%s call %d (%s): %d %s", rt.Key(), calls, g.describe(req), reply.StatusCode, reply.Body)
			}
			if reply.StatusCode >= 400 {
				ct := reply.Headers["Content-Type"]
				status, _ := reply.JSON["status"].(float64)
				if ct != "application/problem+json" || reply.Problem() == "" || int(status) != reply.StatusCode {
					t.Fatalf("%s call %d (%s): %d is not a problem document: %s %s", rt.Key(), calls, g.describe(req), reply.StatusCode, ct, reply.Body)
				}
			}
		}
		t.Logf("%s: %d calls, answers %v", rt.Key(), calls, statuses)
	}
}

// gen makes random requests from the description.
type gen struct {
	rng  *rand.Rand
	spec map[string]any
	p    *platformtest.Platform
}

func (g *gen) chance(percent int) bool { return g.rng.IntN(100) < percent }

func (g *gen) describe(r platformtest.Request) string {
	body, _ := json.Marshal(r.Body)
	if s, ok := r.Body.(string); ok {
		body = []byte(s)
	}
	return fmt.Sprintf("params %v query %v body %.300s headers %v cookie %t", r.Params, r.Query, body, r.Headers, r.Cookie != "")
}

// request is one random request to rt.
func (g *gen) request(rt route.Route, op map[string]any, cookie string) platformtest.Request {
	req := platformtest.Request{Function: rt.Function, Route: rt.Key(), Params: map[string]string{}, Query: map[string]string{}}
	if rt.NeedsSession() && !g.chance(10) {
		req.Cookie = cookie
		if g.chance(3) {
			req.Cookie = secret.NewSessionToken()
		}
	}
	params, _ := op["parameters"].([]any)
	for _, pm := range params {
		pm := pm.(map[string]any)
		name := pm["name"].(string)
		if pm["in"] == "path" {
			req.Params[name] = g.pathValue(name)
			continue
		}
		if g.chance(50) {
			req.Query[name] = g.queryValue(pm)
		}
	}
	switch {
	case rt.MediaTypes() != nil:
		types := rt.MediaTypes()
		req.Body = []byte(g.str())
		req.Headers = map[string]string{"origin": platformtest.Origin, "content-type": types[g.rng.IntN(len(types))]}
	case op["requestBody"] != nil:
		schema := op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		req.Body = g.body(schema)
	case g.chance(10):
		req.Body = g.value(map[string]any{}, 0)
	}
	if g.chance(5) {
		req.Headers = map[string]string{"origin": "https://evil.example", "content-type": "application/json"}
	} else if g.chance(5) {
		req.Headers = map[string]string{"origin": platformtest.Origin, "content-type": "text/plain"}
	}
	return req
}

// pathValue is a path parameter: one that names something, a well-formed one that names nothing, or junk.
func (g *gen) pathValue(name string) string {
	switch g.rng.IntN(5) {
	case 0:
		if name == "token" {
			return secret.NewID() + "." + strings.Repeat("A", 43)
		}
		return secret.NewID()
	case 1:
		return g.str()
	case 2:
		if name == "userId" {
			return g.p.AdminID
		}
		if name == "id" {
			if g.chance(50) {
				return g.p.AdminID
			}
			return g.p.ProviderID
		}
		return secret.NewID()
	default:
		return g.p.ProviderID
	}
}

func (g *gen) queryValue(pm map[string]any) string {
	schema, _ := pm["schema"].(map[string]any)
	if enum, ok := schema["enum"].([]any); ok && g.chance(70) {
		return enum[g.rng.IntN(len(enum))].(string)
	}
	switch g.rng.IntN(4) {
	case 0:
		return fmt.Sprint(g.rng.IntN(300) - 50)
	case 1:
		return g.p.ProviderID
	default:
		return g.str()
	}
}

// body is a request body: mostly one the schema allows, sometimes one it does not.
func (g *gen) body(schema map[string]any) any {
	switch g.rng.IntN(12) {
	case 0:
		return "{not json"
	case 1:
		return "null"
	case 2:
		return []any{1, "two"}
	case 3:
		b, _ := g.value(schema, 0).(map[string]any)
		if b == nil {
			b = map[string]any{}
		}
		b["unexpected"] = g.str()
		return b
	}
	return g.value(schema, 0)
}

// value is a random instance of schema: usually of its type, now and then of another.
func (g *gen) value(schema map[string]any, depth int) any {
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		schema = g.spec["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	}
	if anyOf, ok := schema["anyOf"].([]any); ok {
		return g.value(anyOf[g.rng.IntN(len(anyOf))].(map[string]any), depth)
	}
	if depth > 4 || g.chance(4) {
		return g.scalar()
	}
	typ := schema["type"]
	if list, ok := typ.([]any); ok {
		typ = list[g.rng.IntN(len(list))]
	}
	switch typ {
	case "object":
		out := map[string]any{}
		props, _ := schema["properties"].(map[string]any)
		required := map[string]bool{}
		if list, ok := schema["required"].([]any); ok {
			for _, r := range list {
				required[r.(string)] = true
			}
		}
		for name, s := range props {
			if required[name] && !g.chance(5) || g.chance(50) {
				out[name] = g.value(s.(map[string]any), depth+1)
			}
		}
		return out
	case "array":
		items, _ := schema["items"].(map[string]any)
		out := make([]any, g.rng.IntN(4))
		for i := range out {
			out[i] = g.value(items, depth+1)
		}
		return out
	case "string":
		return g.str()
	case "integer":
		return g.rng.IntN(2000) - 100
	case "number":
		return g.rng.Float64() * 1000
	case "boolean":
		return g.chance(50)
	case "null":
		return nil
	}
	return g.scalar()
}

func (g *gen) scalar() any {
	switch g.rng.IntN(5) {
	case 0:
		return nil
	case 1:
		return g.rng.IntN(100)
	case 2:
		return g.chance(50)
	default:
		return g.str()
	}
}

// strs are strings worth trying: empty, blank, addresses, ids, kinds, statuses, roles, long, odd characters.
var strs = []string{"", " ", "a", "admin@example.com", "someone@example.org", "not-an-email", "partner", "customer",
	"msp", "provider", "active", "disabled", "email", "sms", "totp", "123456", "000000", "abcde-12345",
	"#1e40af", "https://example.com/help", "+15555550123", "Acme Corp", "DE", "US", "CA", "1.0", "🙂 ünïcödé",
	"../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "%00", "a/b", "2026-12-31T00:00:00Z"}

func (g *gen) str() string {
	switch g.rng.IntN(10) {
	case 0:
		return strings.Repeat("x", 1+g.rng.IntN(5000))
	case 1:
		return secret.NewID()
	}
	return strs[g.rng.IntN(len(strs))]
}
