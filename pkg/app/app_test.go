package app_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestEveryHTTPFunctionServesExactlyItsRoutes builds every HTTP function as Lambda would and checks that its
// endpoints are exactly the routes the route table gives it: no route without an endpoint, no endpoint without
// a route.
func TestEveryHTTPFunctionServesExactlyItsRoutes(t *testing.T) {
	t.Parallel()
	cfg := app.Config{
		Env: "local", Table: "t", Region: "us-east-1", DynamoEndpoint: "http://127.0.0.1:1", SESEndpoint: "http://127.0.0.1:1",
		Key: bytes.Repeat([]byte{7}, 32), MailFrom: "x@example.com", PortalURL: "http://localhost:3000",
		Origins: []string{"http://localhost:3000"}, LogLevel: "error",
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range route.Functions {
		if fn.Trigger != route.HTTP {
			continue
		}
		t.Run("function="+fn.Name, func(t *testing.T) {
			mux, err := a.Mux(fn.Name)
			if err != nil {
				t.Fatal(err)
			}
			var want, got []string
			for _, r := range route.Of(fn.Name) {
				want = append(want, r.Key())
			}
			for k := range mux {
				got = append(got, k)
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("serves %v\nthe route table says %v", got, want)
			}
		})
	}
}
