package app_test

import (
	"context"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestSessionRoutesNeedAnAuthenticator: an HTTP function whose routes include one that needs a session is not
// built without an authenticator; one without such routes (health) is, and so never needs sign-in.
func TestSessionRoutesNeedAnAuthenticator(t *testing.T) {
	a, err := app.New(context.Background(), app.Config{Env: "local", Table: "t", Region: "us-east-1", DynamoEndpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.HTTP(route.Health, httpapi.Mux{}, nil); err != nil {
		t.Errorf("health: %v", err)
	}
	if _, err := a.HTTP(route.Accounts, httpapi.Mux{}, nil); err == nil {
		t.Error("accounts built without an authenticator")
	}
}
