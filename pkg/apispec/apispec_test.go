package apispec

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/docs"
	"github.com/partnerhub/partnerhub/pkg/contract"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestEveryRouteIsDescribed holds the description and route.Routes to each other: an operation per route, and
// no operation of no route.
func TestEveryRouteIsDescribed(t *testing.T) {
	t.Parallel()
	doc, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	paths := doc["paths"].(map[string]map[string]any)
	described := 0
	for _, rt := range route.Routes {
		op, ok := paths[rt.Path][strings.ToLower(rt.Method)].(map[string]any)
		if !ok {
			t.Errorf("%s is not described", rt.Key())
			continue
		}
		described++
		security := op["security"].([]any)
		if rt.NeedsSession() != (len(security) == 1) {
			t.Errorf("%s: security %v, but needs a session: %v", rt.Key(), security, rt.NeedsSession())
		}
		if _, ok := op["responses"].(map[string]any)["500"]; !ok {
			t.Errorf("%s: no 500 answer", rt.Key())
		}
	}
	total := 0
	for _, ops := range paths {
		total += len(ops)
	}
	if total != described || described != len(route.Routes) {
		t.Errorf("%d operations for %d routes (%d described)", total, len(route.Routes), described)
	}
}

// TestBuildRefusesWhatDoesNotMatch: a route with no contract, a contract of no route, and an unknown slug each
// fail the build.
func TestBuildRefusesWhatDoesNotMatch(t *testing.T) {
	t.Parallel()
	all := func() []contract.Operation {
		var out []contract.Operation
		for _, ops := range Contracts {
			out = append(out, ops...)
		}
		return out
	}
	for name, tc := range map[string]struct {
		change func([]contract.Operation) []contract.Operation
		want   string
	}{
		"case=missing route": {func(ops []contract.Operation) []contract.Operation { return ops[1:] }, "no contract declares it"},
		"case=unknown route": {func(ops []contract.Operation) []contract.Operation {
			return append(ops, contract.Operation{Route: "GET /v1/nowhere", Summary: "x"})
		}, "not in route.Routes"},
		"case=declared twice": {func(ops []contract.Operation) []contract.Operation { return append(ops, ops[0]) }, "declared 2 times"},
		"case=unknown slug": {func(ops []contract.Operation) []contract.Operation {
			ops[0].Problems = append(ops[0].Problems, contract.Fails(http.StatusConflict, "no-such-slug"))
			return ops
		}, `"no-such-slug" is not a known problem slug`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := build([][]contract.Operation{tc.change(all())})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("build error = %v, want one saying %q", err, tc.want)
			}
		})
	}
	if _, err := build(Contracts); err != nil {
		t.Fatalf("the real contracts do not build: %v", err)
	}
}

// TestDescriptionIsUpToDate fails while docs/openapi.json (which the health function serves) is not what the
// code describes. Run go generate ./pkg/apispec to rewrite it.
func TestDescriptionIsUpToDate(t *testing.T) {
	t.Parallel()
	want, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(docs.OpenAPI, want) {
		t.Fatal("docs/openapi.json is stale: run go generate ./pkg/apispec")
	}
}
