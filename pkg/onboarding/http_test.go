package onboarding_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestSampleEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	t.Run("case=signup.json", func(t *testing.T) {
		ev := platformtest.SampleEvent(t, "signup.json")
		if _, ok := route.ByKey(ev.RouteKey); !ok || ev.RequestContext.HTTP.Method != "POST" {
			t.Fatalf("route %q", ev.RouteKey)
		}
		// The sample's session and parent are placeholders: point them at this test's platform.
		var body map[string]any
		if err := json.Unmarshal([]byte(ev.Body), &body); err != nil {
			t.Fatal(err)
		}
		body["parentId"] = f.providerID
		ev.Body = mustJSON(body)
		ev.Cookies = []string{httpapi.SessionCookie + "=" + f.super}
		out, err := platformtest.Invoke(f.signup, ev)
		if err != nil || out.StatusCode != 201 {
			t.Fatalf("%d %s %v", out.StatusCode, out.Body, err)
		}
	})
	t.Run("case=activation.json", func(t *testing.T) {
		ev := platformtest.SampleEvent(t, "activation.json")
		if ev.PathParameters["token"] == "" || ev.RouteKey != onboarding.RouteGetActivation {
			t.Fatalf("event %+v", ev)
		}
		// Its token was not made with this test's key.
		out, err := platformtest.Invoke(f.activation, ev)
		if err != nil || out.StatusCode != 404 {
			t.Fatalf("%d %s %v", out.StatusCode, out.Body, err)
		}
		var doc map[string]any
		_ = json.Unmarshal([]byte(out.Body), &doc)
		if doc["type"] != "https://partnerhub.dev/problems/link-invalid" {
			t.Fatalf("answer %s", out.Body)
		}
	})
}

// TestNoSecretInTheLog checks the request log: tokens travel in paths, passwords in bodies.
func TestNoSecretInTheLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var log testenv.Buffer
	f.useLog(&log)
	c := f.create(f.super, "customer", f.providerID, "Quiet Co")
	tok := f.linkToken(c.ContactUserID)
	f.open(tok)
	f.activate(tok, goodActivation)
	f.activate(tok, goodActivation)
	f.open("garbage." + tok)
	for _, secret := range []string{tok, "violet kettle marching north", "whiskers"} {
		if strings.Contains(strings.ToLower(log.String()), secret) {
			t.Fatalf("the log holds %q", secret)
		}
	}
	if log.Len() == 0 {
		t.Fatal("nothing was logged")
	}
}

// useLog rebuilds the fixture's service and handlers with a debug logger writing to w.
func (f *fixture) useLog(w io.Writer) {
	f.t.Helper()
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := all.New(context.Background(), f.env.Config(f.table), app.WithClock(f.clock), app.WithLogger(log))
	if err != nil {
		f.t.Fatal(err)
	}
	f.app = a
	if f.svc, err = a.Onboarding(); err != nil {
		f.t.Fatal(err)
	}
	if f.activation, err = a.HTTP(route.Activation); err != nil {
		f.t.Fatal(err)
	}
	origins := f.env.Config(f.table).Origins
	f.signup = httpapi.New(httpapi.Config{Function: route.Signup, Mux: f.svc.SignupMux(), Auth: f.auth, Origins: origins, Log: log})
	f.resend = httpapi.New(httpapi.Config{Function: route.Activation, Mux: f.svc.ActivationMux(), Auth: f.auth, Origins: origins, Log: log})
}
