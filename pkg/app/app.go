package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/health"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/logctx"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// App is everything a function builds once per process: configuration, clients, clock and logger.
type App struct {
	Config  Config
	Clients *Clients
	Clock   clock.Clock
	Log     *slog.Logger
	// Keys holds the HMAC key every token, code and session hash is made with. It is nil when the process was
	// given no key (no HMAC_SECRET_ARN or PH_HMAC_KEY), as the stack starts the functions that need none (health,
	// expiry-sweep). Every handler that needs it fails to build without it, so a function deployed without its
	// key fails at cold start rather than at its first request.
	Keys *secret.Keyring
	// SMS sends texts; nil means the SMS service in AWS and none locally (see WithSMS).
	SMS outbox.SMSSender
}

// Option changes how New builds the App (tests use a fake clock).
type Option func(*App)

// WithClock replaces the system clock.
func WithClock(c clock.Clock) Option { return func(a *App) { a.Clock = c } }

// WithLogger replaces the JSON logger on standard error.
func WithLogger(l *slog.Logger) Option { return func(a *App) { a.Log = l } }

// New builds the App: the SDK clients (once) and, in AWS, the HMAC key from Secrets Manager when the function
// was given one.
func New(ctx context.Context, cfg Config, opts ...Option) (*App, error) {
	a := &App{Config: cfg, Clock: clock.System{}, Log: NewLogger(cfg.LogLevel)}
	for _, o := range opts {
		o(a)
	}
	cl, err := NewClients(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := cl.LoadKey(ctx, &a.Config); err != nil {
		return nil, err
	}
	if err := cl.LoadOriginSecret(ctx, &a.Config); err != nil {
		return nil, err
	}
	if a.Config.Key != nil {
		if a.Keys, err = secret.NewKeyring(a.Config.Key); err != nil {
			return nil, err
		}
	}
	a.Clients = cl
	return a, nil
}

// NewLogger is the structured JSON logger every function uses.
func NewLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(logctx.Handler{Handler: slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l})})
}

// HTTP builds the handler of an HTTP function.
func (a *App) HTTP(function string) (httpapi.Handler, error) {
	mux, err := a.Mux(function)
	if err != nil {
		return nil, err
	}
	auth, err := a.authenticator(function)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", function, err)
	}
	return httpapi.New(httpapi.Config{
		Function:     function,
		Mux:          mux,
		Auth:         auth,
		Origins:      a.Config.Origins,
		OriginSecret: a.Config.OriginSecret,
		Log:          a.Log,
	}), nil
}

// Mux builds the endpoints of an HTTP function, one per route of route.Of(function).
func (a *App) Mux(function string) (httpapi.Mux, error) {
	var (
		mux httpapi.Mux
		err error
	)
	switch function {
	case route.Health:
		mux = health.Checker{DB: a.Clients.Dynamo, Table: a.Config.Table, Clock: a.Clock}.Mux()
	case route.Signup:
		mux, err = a.signupMux()
	case route.Activation:
		mux, err = a.activationMux()
	case route.OTP:
		mux, err = a.otpMux()
	case route.Accounts:
		mux, err = a.accountsMux()
	case route.Revoke:
		mux, err = a.revokeMux()
	case route.Branding:
		mux, err = a.brandingMux()
	case route.Profile:
		mux, err = a.profileMux()
	case route.Users:
		mux, err = a.usersMux()
	case route.TwoFactor:
		mux, err = a.twoFactorMux()
	case route.PartnerAccess:
		mux, err = a.partnerAccessMux()
	default:
		return nil, fmt.Errorf("no http function %q", function)
	}
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", function, err)
	}
	return mux, nil
}
