package all_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestEveryHTTPFunctionServesExactlyItsRoutes builds every HTTP function as Lambda would and checks that its
// endpoints are exactly the routes the route table gives it: no route without an endpoint, no endpoint without
// a route.
func TestEveryHTTPFunctionServesExactlyItsRoutes(t *testing.T) {
	t.Parallel()
	a, err := all.New(context.Background(), localConfig(bytes.Repeat([]byte{7}, 32)))
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

// localConfig is a local configuration with the given HMAC key (nil: none) and emulator endpoints nothing answers on:
// building handlers makes no calls.
func localConfig(key []byte) app.Config {
	return app.Config{
		Env: "local", Table: "t", Region: "us-east-1", DynamoEndpoint: "http://127.0.0.1:1", SESEndpoint: "http://127.0.0.1:1",
		Key: key, MailFrom: "x@example.com", PortalURL: "http://localhost:3000",
		Origins: []string{"http://localhost:3000"}, LogLevel: "error",
		EventBus: "PartnerHub-test", // lifecycle-events needs a bus (or app.WithEvents) to build
	}
}

// TestNeedsKeyIsWhatTheHandlerNeeds holds route.Functions' NeedsKey, which decides whether the stack gives a
// function the HMAC key, to what its handler really needs: a function that needs no key builds without one (the
// stack gives it none), and one that needs it fails to build without it, at cold start rather than on a request.
func TestNeedsKeyIsWhatTheHandlerNeeds(t *testing.T) {
	t.Parallel()
	keyed, err := all.New(context.Background(), localConfig(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	keyless, err := all.New(context.Background(), localConfig(nil))
	if err != nil {
		t.Fatalf("an App without a key source does not build: %v", err)
	}
	if keyless.Keys != nil {
		t.Fatal("an App without a key source has keys")
	}
	for _, fn := range route.Functions {
		t.Run("function="+fn.Name, func(t *testing.T) {
			if _, err := keyed.Handler(fn.Name); err != nil {
				t.Fatalf("with the key: %v", err)
			}
			_, err := keyless.Handler(fn.Name)
			switch {
			case fn.NeedsKey && err == nil:
				t.Error("builds without the HMAC key, yet route.Functions says NeedsKey: the stack grants it a secret it does not read")
			case !fn.NeedsKey && err != nil:
				t.Errorf("needs the HMAC key (%v), yet route.Functions says NeedsKey: false, so the stack gives it none", err)
			}
		})
	}
}
