package apispec

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/contract"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Version is the description's info.version: the API's contract version, raised when the contract changes.
const Version = "1.0.0"

// securityScheme is the name of the session cookie's security scheme.
const securityScheme = "session"

// Build makes the description of route.Routes. It fails for a route with no contract or more than one, a
// contract of no route, a slug that is not a known problem, and a Go type it cannot describe.
func Build() (map[string]any, error) { return build(Contracts) }

func build(contracts [][]contract.Operation) (map[string]any, error) {
	r := newReflector()
	ops := index(contracts)
	var errs []error
	paths := map[string]map[string]any{}
	for _, rt := range route.Routes {
		declared := ops[rt.Key()]
		switch len(declared) {
		case 0:
			errs = append(errs, fmt.Errorf("%s: no contract declares it (add it to its package's Contract)", rt.Key()))
			continue
		case 1:
		default:
			errs = append(errs, fmt.Errorf("%s: declared %d times", rt.Key(), len(declared)))
		}
		op, err := operation(r, rt, declared[0])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	for key := range ops {
		if _, ok := route.ByKey(key); !ok {
			errs = append(errs, fmt.Errorf("%s: declared in a contract but not in route.Routes", key))
		}
	}
	if r.err != nil {
		errs = append(errs, r.err)
	}
	r.components["Problem"] = problemSchema(r)
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "PartnerHub API",
			"version": Version,
			"summary": "Partner onboarding and delegated access: the partner tree, users, sign-in, partner access, branding.",
			"description": "JSON over HTTPS under /v1. Errors are RFC 9457 problem documents (application/problem+json) " +
				"whose type is " + problem.TypeBase + "<slug>; each operation lists the slugs each status can carry. " +
				"A session is the " + httpapi.SessionCookie + " cookie that signing in sets. State-changing requests " +
				"must come from the portal's Origin and send JSON (Content-Type: application/json). Lists are " +
				"paginated with opaque cursors: pass a page's nextCursor as the cursor of the next request.",
			"license": map[string]any{"name": "Proprietary", "identifier": "LicenseRef-PartnerHub"},
		},
		"servers": []any{map[string]any{"url": "/", "description": "The API's own origin: the portal's, or the local gateway's (http://localhost:3000)."}},
		"tags":    tags(),
		"paths":   paths,
		"components": map[string]any{
			"schemas": r.components,
			"securitySchemes": map[string]any{securityScheme: map[string]any{
				"type": "apiKey", "in": "cookie", "name": httpapi.SessionCookie,
				"description": "The opaque session token that POST /v1/sessions or /v1/sessions/otp sets (HttpOnly, SameSite=Strict).",
			}},
		},
	}
	return doc, errors.Join(errs...)
}

// JSON is the description as it is written to docs/openapi.json and served: indented, keys sorted.
func JSON() ([]byte, error) {
	doc, err := Build()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// tags names each function's operations.
func tags() []any {
	var out []any
	for _, f := range route.Functions {
		if f.Trigger == route.HTTP {
			out = append(out, map[string]any{"name": f.Name, "description": f.Description})
		}
	}
	return out
}

// operation describes one route.
func operation(r *reflector, rt route.Route, c contract.Operation) (map[string]any, error) {
	op := map[string]any{
		"operationId": operationID(rt),
		"summary":     c.Summary,
		"tags":        []string{rt.Function},
	}
	if c.Summary == "" {
		return nil, fmt.Errorf("%s: the contract has no summary", rt.Key())
	}
	if rt.NeedsSession() {
		op["security"] = []any{map[string][]string{securityScheme: {}}}
	} else {
		op["security"] = []any{}
	}
	var params []any
	for _, name := range rt.Params() {
		params = append(params, map[string]any{"name": name, "in": "path", "required": true,
			"description": "An id or a link's token; a value that cannot name anything is answered 404.",
			"schema":      Schema{"type": "string"}})
	}
	for _, q := range c.Query {
		s := Schema{"type": "string"}
		if len(q.Enum) > 0 {
			s["enum"] = q.Enum
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false, "description": q.Description, "schema": s})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if types := rt.MediaTypes(); types != nil {
		content := map[string]any{}
		for _, t := range types {
			content[t] = map[string]any{"schema": Schema{"type": "string", "contentMediaType": t}}
		}
		op["requestBody"] = map[string]any{"required": true, "content": content}
	} else if c.Body != nil {
		op["requestBody"] = map[string]any{"required": false, "content": map[string]any{
			"application/json": map[string]any{"schema": r.of(c.Body)}}}
	}
	responses := map[string]any{}
	for _, a := range c.Answers {
		responses[strconv.Itoa(a.Status)] = answer(r, a)
	}
	slugs, err := problems(rt, c)
	if err != nil {
		return nil, err
	}
	for status, list := range slugs {
		key := strconv.Itoa(status)
		if _, taken := responses[key]; taken {
			return nil, fmt.Errorf("%s: status %d is both a success and a problem", rt.Key(), status)
		}
		responses[key] = problemResponse(status, list)
	}
	op["responses"] = responses
	return op, nil
}

// answer is a success response.
func answer(r *reflector, a contract.Answer) map[string]any {
	desc := a.Description
	if desc == "" {
		desc = http.StatusText(a.Status)
	}
	out := map[string]any{"description": desc}
	switch {
	case a.Media != nil:
		content := map[string]any{}
		for _, t := range a.Media {
			content[t] = map[string]any{"schema": Schema{"type": "string", "contentMediaType": t}}
		}
		out["content"] = content
	case a.Body != nil:
		out["content"] = map[string]any{"application/json": map[string]any{"schema": r.of(a.Body)}}
	}
	return out
}

// problems is every error status of a route with its slugs: the contract's, and those every route of its kind
// can answer.
func problems(rt route.Route, c contract.Operation) (map[int][]string, error) {
	out := map[int][]string{}
	add := func(status int, slugs ...string) {
		for _, s := range slugs {
			if !slices.Contains(out[status], s) {
				out[status] = append(out[status], s)
			}
		}
	}
	var errs []error
	for _, p := range c.Problems {
		for _, s := range p.Slugs {
			if !problem.Known(s) {
				errs = append(errs, fmt.Errorf("%s: %q is not a known problem slug (problem.Slugs)", rt.Key(), s))
			}
		}
		add(p.Status, p.Slugs...)
	}
	for status, slugs := range shared(rt) {
		add(status, slugs...)
	}
	for status := range out {
		slices.Sort(out[status])
	}
	return out, errors.Join(errs...)
}

// shared is what every route of rt's kind can answer, whatever its use case: the checks of pkg/httpapi, which
// run before any endpoint, and the failures of any dependency.
func shared(rt route.Route) map[int][]string {
	out := map[int][]string{
		// A JSON null body, a query or body that does not validate.
		http.StatusBadRequest:          {"validation"},
		http.StatusInternalServerError: {"internal"},
		http.StatusServiceUnavailable:  {"unavailable"},
		// A request that did not come through the portal's distribution (sent to the API's own endpoint).
		http.StatusForbidden: {"not-through-portal"},
	}
	// The edge's web ACL (infra/waf.go) answers before any function: its rate limits on the routes of a rate
	// class, and on routes with a body its size limit (but for uploads) and its attack patterns (but for the
	// bodies that carry a password).
	if rt.RateClass() != route.Unlimited {
		out[http.StatusTooManyRequests] = append(out[http.StatusTooManyRequests], "rate-limited")
	}
	if rt.Method != http.MethodGet && rt.Method != http.MethodDelete {
		if rt.MediaTypes() == nil {
			out[http.StatusRequestEntityTooLarge] = []string{"body-too-large"}
		}
		if !slices.Contains(route.SecretBodies(), rt) {
			out[http.StatusForbidden] = append(out[http.StatusForbidden], "request-blocked")
		}
	}
	for _, name := range rt.Params() {
		doc := problem.From(httpapi.NotFound(rt, name))
		out[doc.Status] = append(out[doc.Status], strings.TrimPrefix(doc.Type, problem.TypeBase))
	}
	if rt.Method != http.MethodGet {
		out[http.StatusForbidden] = append(out[http.StatusForbidden], "origin-not-allowed")
		out[http.StatusUnsupportedMediaType] = []string{"unsupported-media-type"}
	}
	if rt.NeedsSession() {
		out[http.StatusUnauthorized] = []string{"unauthorized"}
		// A session whose access to its account ended (a revoked grant) is moved back to the person's own one.
		out[http.StatusForbidden] = append(out[http.StatusForbidden], "forbidden", "access-ended")
	}
	if rt.Auth == route.Session {
		out[http.StatusForbidden] = append(out[http.StatusForbidden], "pending-step")
	}
	return out
}

// problemResponse is an error status's answer: a problem document whose type is one of the slugs.
func problemResponse(status int, slugs []string) map[string]any {
	types := make([]string, len(slugs))
	for i, s := range slugs {
		types[i] = problem.TypeBase + s
	}
	schema := Schema{"allOf": []Schema{
		{"$ref": "#/components/schemas/Problem"},
		{"properties": map[string]Schema{"type": {"enum": types}, "status": {"const": status}}},
	}}
	return map[string]any{
		"description": http.StatusText(status) + ": " + strings.Join(slugs, ", ") + ".",
		"content":     map[string]any{problem.ContentType: map[string]any{"schema": schema}},
	}
}

// problemSchema is an RFC 9457 problem document as pkg/problem writes it. Members beyond the standard ones
// (step, fields, retryAfterSeconds, …) depend on the problem, so more are allowed.
func problemSchema(r *reflector) Schema {
	s := object(map[string]Schema{
		"type":              {"type": "string", "format": "uri"},
		"title":             {"type": "string"},
		"status":            {"type": "integer"},
		"detail":            {"type": "string"},
		"instance":          {"type": "string"},
		"errors":            {"type": "array", "items": r.of(fault.FieldError{})},
		"retryAfterSeconds": {"type": "integer", "minimum": 1},
	}, "type", "title", "status")
	s["additionalProperties"] = true
	s["description"] = "An RFC 9457 problem document. errors lists every invalid field of a validation problem."
	return s
}

// operationID is a route's operation id: its method and its path's words, e.g. getV1AccountsIdChildren.
func operationID(rt route.Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, seg := range strings.Split(rt.Path, "/") {
		for _, word := range strings.FieldsFunc(seg, func(c rune) bool { return c == '{' || c == '}' || c == '-' || c == '.' }) {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}
