package route_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/route"
)

func TestEveryRouteHasAnHTTPFunction(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, r := range route.Routes {
		if seen[r.Key()] {
			t.Errorf("route %s is listed twice", r.Key())
		}
		seen[r.Key()] = true
		fn, err := route.Lookup(r.Function)
		if err != nil {
			t.Errorf("route %s: %v", r.Key(), err)
			continue
		}
		if fn.Trigger != route.HTTP {
			t.Errorf("route %s goes to %s, which is not an HTTP function", r.Key(), fn.Name)
		}
	}
	for _, fn := range route.Functions {
		if fn.Trigger == route.HTTP && len(route.Of(fn.Name)) == 0 {
			t.Errorf("HTTP function %s serves no route", fn.Name)
		}
	}
}

func TestEveryFunctionHasAnEntrypointAndAnEvent(t *testing.T) {
	t.Parallel()
	for _, fn := range route.Functions {
		if _, err := os.Stat(filepath.Join("..", "..", "functions", fn.Name, "main.go")); err != nil {
			t.Errorf("function %s has no functions/%s/main.go", fn.Name, fn.Name)
		}
		events, _ := filepath.Glob(filepath.Join("..", "..", "events", fn.Name+"*.json"))
		if len(events) == 0 {
			t.Errorf("function %s has no events/%s*.json for make invoke", fn.Name, fn.Name)
		}
		for _, a := range fn.TableActions {
			if a == "dynamodb:*" || a == "*" || a == "dynamodb:Scan" {
				t.Errorf("function %s is granted %s", fn.Name, a)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	r := route.Route{Method: "GET", Path: "/v1/activations/{token}"}
	cases := []struct {
		method, path string
		ok           bool
		token        string
	}{
		{"GET", "/v1/activations/abc.def", true, "abc.def"},
		{"GET", "/v1/activations/abc/", true, "abc"},
		{"POST", "/v1/activations/abc", false, ""},
		{"GET", "/v1/activations", false, ""},
		{"GET", "/v1/activations//", false, ""},
		{"GET", "/v1/activations/a/b", false, ""},
	}
	for _, c := range cases {
		params, ok := r.Match(c.method, c.path)
		if ok != c.ok || params["token"] != c.token {
			t.Errorf("Match(%s %s) = %v, %v; want %q, %v", c.method, c.path, params, ok, c.token, c.ok)
		}
	}
}

func TestParams(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/v1/health", nil},
		{"/v1/activations/{token}", []string{"token"}},
		{"/v1/accounts/{id}/users/{userId}", []string{"id", "userId"}},
	} {
		if got := (route.Route{Method: "GET", Path: c.path}).Params(); !slices.Equal(got, c.want) {
			t.Errorf("Params of %s = %v, want %v", c.path, got, c.want)
		}
	}
}
