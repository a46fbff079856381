package e2e_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) {
	// The browser starts while the emulators do: both take seconds, and every test needs both.
	go startBrowserOnce()
	code := testenv.Run(m)
	stopBrowser()
	os.Exit(code)
}

// needed are the functions the browser flows call: activation links, then sign-in and the signed-in user.
var needed = []string{route.Activation, route.OTP}

// mailWait bounds how long an email may take from the outbox to the mailbox: stream poll, mailer, SES emulator.
const mailWait = 30 * time.Second

// stack is one whole local PartnerHub for one test: a fresh table, the App built against it, the local gateway
// serving the API and web/ on a test server, and the stream poller driving the mailer.
type stack struct {
	env *testenv.Env
	app *all.App
	// table is the stack's own table on the emulator.
	table string
	// URL is the portal's origin, e.g. http://127.0.0.1:41234; emails link to it.
	URL string
}

// newStack starts a stack; everything stops when the test ends. The portal's origin is known before the App is
// built, so links in emails and the Origin check both name the test server. opts are passed to app.New after
// the test's logger (e.g. app.WithClock).
func newStack(t *testing.T, opts ...app.Option) *stack {
	t.Helper()
	return startStack(t, false, opts...)
}

// newLocalhostStack is newStack with the portal at http://localhost:PORT rather than 127.0.0.1: WebAuthn takes
// no IP address as relying party id, and localhost is a secure context, so passkey pages run there.
func newLocalhostStack(t *testing.T, opts ...app.Option) *stack {
	t.Helper()
	return startStack(t, true, opts...)
}

func startStack(t *testing.T, localhost bool, opts ...app.Option) *stack {
	t.Helper()
	env := testenv.Get(t)
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	origin := "http://" + srv.Listener.Addr().String()
	if localhost {
		origin = fmt.Sprintf("http://localhost:%d", srv.Listener.Addr().(*net.TCPAddr).Port)
	}

	tableName := env.NewTable(t)
	cfg := env.Config(tableName)
	cfg.PortalURL = origin
	cfg.Origins = []string{origin}
	logs := &testenv.Buffer{}
	t.Cleanup(func() {
		if t.Failed() && logs.Len() > 0 {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	opts = append([]app.Option{app.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))}, opts...)
	a, err := all.New(ctx, cfg, opts...)
	if err != nil {
		cancel()
		t.Fatalf("build the app: %v", err)
	}

	mailer, err := a.Mailer()
	if err != nil {
		cancel()
		t.Fatalf("build the mailer: %v", err)
	}
	poller := local.NewPoller(local.PollerConfig{
		Streams: a.Streams(), Table: cfg.Table, Region: cfg.Region,
		Filter: table.OutboxInserts, Handler: mailer, Interval: 100 * time.Millisecond, Log: a.Log,
	})
	indexer, err := a.SearchIndex()
	if err != nil {
		cancel()
		t.Fatalf("build the search indexer: %v", err)
	}
	indexing := local.NewPoller(local.PollerConfig{
		Streams: a.Streams(), Table: cfg.Table, Region: cfg.Region,
		Filter: table.FindSources, Handler: indexer, Interval: 100 * time.Millisecond, Log: a.Log,
	})
	// Positioned before anything is written, so every email of the test is delivered and everything it creates
	// is searchable.
	for _, p := range []*local.Poller{poller, indexing} {
		if err := p.Open(ctx); err != nil {
			cancel()
			t.Fatalf("open the table's stream: %v", err)
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = poller.Run(ctx) })
	wg.Go(func() { _ = indexing.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	gw := local.NewGateway(local.GatewayConfig{Build: conforming(t, a.HTTP), Web: os.DirFS(filepath.Join(env.Root, "web")), Log: a.Log})
	// Only the functions these flows use must be built; routes of functions still being written answer 501.
	for _, fn := range gw.Missing() {
		if slices.Contains(needed, fn) {
			t.Fatalf("the %s function is not built; the server log says why", fn)
		}
	}
	srv.Config.Handler = gw
	srv.Start()
	return &stack{env: env, app: a, table: tableName, URL: origin}
}

// conforming builds the handlers the browser reaches with every answer held to the API description
// (platformtest.Conforms): an answer outside it fails the test, as it does in the handler tests.
func conforming(t *testing.T, build func(string) (httpapi.Handler, error)) func(string) (httpapi.Handler, error) {
	return func(fn string) (httpapi.Handler, error) {
		h, err := build(fn)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			out, err := h(ctx, ev)
			if err == nil {
				if bad := platformtest.Conforms(ev, out); bad != nil {
					t.Errorf("the portal got an answer outside the API description: %v", bad)
				}
			}
			return out, err
		}, nil
	}
}

// bootstrap creates the provider account and its first super administrator, whose activation email goes out.
func (s *stack) bootstrap(t *testing.T, accountName, adminName, email string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.app.Bootstrap(ctx, onboarding.BootstrapInput{AccountName: accountName, AdminName: adminName, AdminEmail: email})
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	if !res.Created {
		t.Fatalf("bootstrap created nothing: %+v", res)
	}
}

// mailCount is how many emails the mailbox holds for an address.
func (s *stack) mailCount(t *testing.T, to string) int {
	t.Helper()
	return len(s.env.Emails(t, to))
}

// waitMail waits until the mailbox holds more than seen emails for an address and returns the newest.
func (s *stack) waitMail(t *testing.T, to string, seen int) emulator.Email {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		if mails := s.env.Emails(t, to); len(mails) > seen {
			return mails[len(mails)-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new email for %s within %s (had %d)", to, mailWait, seen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var (
	activationLink = regexp.MustCompile(`https?://[^\s"'<>]+/activate(?:\?brand=[A-Za-z0-9_-]+)?#[A-Za-z0-9._~-]+`)
	oneTimeCode    = regexp.MustCompile(`(?m)^\s*(\d{6})\s*$`)
)

// activationLinkIn takes the activation link out of an email's text and points it at this stack, as the
// person's browser would open it from their inbox.
func (s *stack) activationLinkIn(t *testing.T, mail emulator.Email) string {
	t.Helper()
	raw := activationLink.FindString(mail.Text)
	if raw == "" {
		raw = activationLink.FindString(mail.HTML)
	}
	if raw == "" {
		t.Fatalf("no activation link in the email %q:\n%s", mail.Subject, mail.Text)
	}
	link, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("activation link %q: %v", raw, err)
	}
	portal, _ := url.Parse(s.URL)
	if link.Host != portal.Host {
		t.Errorf("the email links to %s, want the portal %s", link.Host, portal.Host)
		link.Scheme, link.Host = portal.Scheme, portal.Host
	}
	return link.String()
}

// codeIn takes the 6-digit sign-in code out of an email's text.
func codeIn(t *testing.T, mail emulator.Email) string {
	t.Helper()
	m := oneTimeCode.FindStringSubmatch(mail.Text)
	if m == nil {
		t.Fatalf("no 6-digit code in the email %q:\n%s", mail.Subject, mail.Text)
	}
	return m[1]
}
