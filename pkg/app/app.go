package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/lifecycle"
	"github.com/partnerhub/partnerhub/pkg/logctx"
	"github.com/partnerhub/partnerhub/pkg/metrics"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/tally"
)

// App is what every function builds once per process: configuration, clock, logger, the HMAC key, and the AWS
// configuration its clients are built from, each on first use.
type App struct {
	Config Config
	Clock  clock.Clock
	Log    *slog.Logger
	// Keys holds the HMAC key every token, code and session hash is made with. It is nil when the process was
	// given no key (no HMAC_SECRET_ARN or PH_HMAC_KEY), as the stack starts the functions that need none (health,
	// expiry-sweep). Every handler that needs it fails to build without it (see Keyring), so a function deployed
	// without its key fails at cold start rather than at its first request.
	Keys *secret.Keyring
	// SMS sends texts; nil means the SMS service in AWS and none locally (see WithSMS).
	SMS outbox.SMSSender
	// Count counts the business events as CloudWatch metrics: EMF lines on standard output in Lambda, nowhere
	// elsewhere unless WithMetrics says where (see package metrics). The use cases get it in their dependencies;
	// they never see the adapter.
	Count tally.Counter
	// Events publishes the lifecycle events; nil means EventBridge in AWS (see WithEvents).
	Events lifecycle.Publisher

	aws     aws.Config
	dynamo  func() *dynamodb.Client
	metrics io.Writer
}

// ErrNoKey is why a handler that makes or checks tokens, codes or session hashes was not built: the process has
// no HMAC key. In AWS the function's route.Functions entry must say NeedsKey, which gives it HMAC_SECRET_ARN.
var ErrNoKey = errors.New("no HMAC key: set HMAC_SECRET_ARN (AWS; route.Functions NeedsKey) or PH_HMAC_KEY (local)")

// Option changes how New builds the App (tests use a fake clock).
type Option func(*App)

// WithClock replaces the system clock.
func WithClock(c clock.Clock) Option { return func(a *App) { a.Clock = c } }

// WithLogger replaces the JSON logger on standard error.
func WithLogger(l *slog.Logger) Option { return func(a *App) { a.Log = l } }

// WithMetrics writes the metric lines to w instead of standard output (tests capture them).
func WithMetrics(w io.Writer) Option { return func(a *App) { a.metrics = w } }

// WithSMS makes the mailer send texts through s: the local stack passes its SMS sink, tests theirs.
func WithSMS(s outbox.SMSSender) Option { return func(a *App) { a.SMS = s } }

// WithEvents makes the lifecycle-events function publish through p: the local stack passes its event log, tests
// theirs.
func WithEvents(p lifecycle.Publisher) Option { return func(a *App) { a.Events = p } }

// WithAWS builds the clients from cfg instead of the environment's credentials: phctl, run by an operator whose
// credentials come from a profile or SSO, loads the SDK's default configuration and passes it here. The local
// stack's and the SDK's endpoint settings still apply.
func WithAWS(cfg aws.Config) Option { return func(a *App) { a.aws = cfg } }

// New builds the App. It reads the secrets the configuration names (in AWS, the HMAC key and the origin secret,
// from Secrets Manager) and builds no client until one is asked for.
func New(ctx context.Context, cfg Config, opts ...Option) (*App, error) {
	a := &App{Config: cfg, Clock: clock.System{}, Log: NewLogger(cfg.LogLevel), metrics: metricsOutput()}
	for _, o := range opts {
		o(a)
	}
	a.Count = metrics.New(a.metrics, functionName(), a.Clock).Counter()
	var err error
	if a.aws, err = awsConfig(a.aws, cfg); err != nil {
		return nil, err
	}
	a.aws = traced(a.aws)
	a.dynamo = sync.OnceValue(func() *dynamodb.Client { return dynamodb.NewFromConfig(a.aws, dynamo.ReadOnce, dynamoBounds) })
	if err := loadSecrets(ctx, a.aws, &a.Config); err != nil {
		return nil, err
	}
	if a.Keys, err = keyring(a.Config); err != nil {
		return nil, err
	}
	if a.Keys != nil && a.Config.HMACSecretARN != "" && a.Config.Key == nil {
		a.Keys.ReloadWith(func(ctx context.Context) (*secret.Keyring, error) {
			k, err := readKeyring(ctx, a.aws, a.Config.HMACSecretARN)
			if err != nil {
				a.Log.WarnContext(ctx, "hmac keyring not read again", "error", err.Error())
				return nil, err
			}
			a.Log.InfoContext(ctx, "hmac keyring read again", "current", int(k.Current()), "versions", len(k.Versions()))
			return k, nil
		}, KeyReloadInterval, a.Clock.Now)
	}
	return a, nil
}

// KeyReloadInterval is the least time between two readings of the HMAC keyring's secret by one warm function
// that meets newer key versions: short next to a rotation's rollout, long enough that requests with made-up
// versions cost at most one GetSecretValue a minute per process.
const KeyReloadInterval = time.Minute

// keyring is the HMAC keyring the configuration holds, or nil when it holds none.
func keyring(c Config) (*secret.Keyring, error) {
	switch {
	case c.KeyText != "":
		return secret.ParseKeyring(c.KeyText)
	case c.Key != nil:
		return secret.NewKeyring(c.Key)
	}
	return nil, nil
}

// NewLogger is the structured JSON logger every function uses, on standard error.
func NewLogger(level string) *slog.Logger { return NewLoggerTo(os.Stderr, level) }

// NewLoggerTo is NewLogger writing to w. Every line carries the attributes of its context (package logctx) and,
// within an invocation, its trace id and Lambda request id (see invocation).
func NewLoggerTo(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(invocation{logctx.Handler{Handler: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})}})
}

// AWS is the configuration to build a client of another service from (the mailer's SES and SNS, the local
// stack's stream reader): the process's region and credentials, and the endpoint settings.
func (a *App) AWS() aws.Config { return a.aws }

// Dynamo is the DynamoDB client, built on first use. It answers repeated reads of a request from the request's read
// set (dynamo.ReadOnce).
func (a *App) Dynamo() *dynamodb.Client { return a.dynamo() }

// Store is the table's store.
func (a *App) Store() dynamo.Store { return dynamo.Store{DB: a.Dynamo(), Table: a.Config.Table} }

// Keyring is Keys for a handler that cannot work without them: ErrNoKey when the process has none.
func (a *App) Keyring() (*secret.Keyring, error) {
	if a.Keys == nil {
		return nil, ErrNoKey
	}
	return a.Keys, nil
}

// HTTP puts an HTTP function's endpoints behind the API adapter. auth resolves the sessions of the function's
// session routes: a function that has none passes nil, and so links no sign-in code and needs no key.
func (a *App) HTTP(function string, mux httpapi.Mux, auth httpapi.Authenticator) (httpapi.Handler, error) {
	if auth == nil {
		for _, r := range route.Of(function) {
			if r.NeedsSession() {
				return nil, fmt.Errorf("build %s: %s needs a session, and the function has no authenticator", function, r.Key())
			}
		}
	}
	h := httpapi.New(httpapi.Config{
		Function:     function,
		Mux:          mux,
		Auth:         auth,
		Origins:      a.Config.Origins,
		OriginSecret: a.Config.OriginSecret,
		Log:          a.Log,
	})
	// Each request reads an item at most once (dynamo.WithReadSet): the session check's batch answers the
	// endpoint's reads of the same user, membership and accounts.
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		ctx, cancel := Budget(ctx) // every call of the request ends in time for it to answer
		defer cancel()
		return h(dynamo.WithReadSet(ctx), ev)
	}, nil
}
