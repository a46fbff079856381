package lifecycleevents_test

import (
	"context"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/lifecycleevents"
	"github.com/partnerhub/partnerhub/pkg/lifecycle"
)

func TestSource(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		cfg  app.Config
		want string
	}{
		"case=stack-sets-it": {app.Config{Env: "aws", EventSource: "partnerhub.staging"}, "partnerhub.staging"},
		"case=local":         {app.Config{Env: "local"}, "partnerhub.local"},
		"case=aws-default":   {app.Config{Env: "aws"}, "partnerhub"},
	}
	for name, c := range cases {
		if got := lifecycleevents.Source(c.cfg); got != c.want {
			t.Errorf("%s: source %q, want %q", name, got, c.want)
		}
	}
}

// nopPublisher accepts everything.
type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, []lifecycle.Event) error { return nil }

func TestNewNeedsABusOrAPublisher(t *testing.T) {
	t.Parallel()
	cfg := app.Config{Env: "local", Table: "t", Region: "us-east-1", DynamoEndpoint: "http://127.0.0.1:1", LogLevel: "error"}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lifecycleevents.Handler(a); err == nil {
		t.Error("built without an event bus or a publisher")
	}
	cfg.EventBus = "PartnerHub-dev"
	if a, err = app.New(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := lifecycleevents.Handler(a); err != nil {
		t.Errorf("with a bus: %v", err)
	}
	cfg.EventBus = ""
	if a, err = app.New(context.Background(), cfg, app.WithEvents(nopPublisher{})); err != nil {
		t.Fatal(err)
	}
	if _, err := lifecycleevents.Handler(a); err != nil {
		t.Errorf("with a publisher: %v", err)
	}
}
