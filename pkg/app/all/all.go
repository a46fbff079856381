// Package all builds every function of PartnerHub from one App, each with its own wiring (pkg/app/<function>,
// what functions/<name>/main.go starts in Lambda), for what runs them side by side in one process: the local
// stack (cmd/dev), `make invoke`, phctl, platformtest and the tests. No Lambda function imports it.
package all

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/accounts"
	"github.com/partnerhub/partnerhub/pkg/app/activation"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	bootstrapfn "github.com/partnerhub/partnerhub/pkg/app/bootstrap"
	"github.com/partnerhub/partnerhub/pkg/app/branding"
	"github.com/partnerhub/partnerhub/pkg/app/health"
	"github.com/partnerhub/partnerhub/pkg/app/keyrotation"
	"github.com/partnerhub/partnerhub/pkg/app/lifecycleevents"
	mailerfn "github.com/partnerhub/partnerhub/pkg/app/mailer"
	"github.com/partnerhub/partnerhub/pkg/app/mailfeedback"
	"github.com/partnerhub/partnerhub/pkg/app/otp"
	"github.com/partnerhub/partnerhub/pkg/app/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/app/passkeys"
	"github.com/partnerhub/partnerhub/pkg/app/profile"
	"github.com/partnerhub/partnerhub/pkg/app/revoke"
	"github.com/partnerhub/partnerhub/pkg/app/searchindex"
	"github.com/partnerhub/partnerhub/pkg/app/signup"
	sweepfn "github.com/partnerhub/partnerhub/pkg/app/sweep"
	"github.com/partnerhub/partnerhub/pkg/app/twofactor"
	"github.com/partnerhub/partnerhub/pkg/app/users"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/signin"
	"github.com/partnerhub/partnerhub/pkg/sweep"
)

// httpWiring is how an HTTP function's wiring builds its endpoints and its handler.
type httpWiring struct {
	Mux     func(*app.App) (httpapi.Mux, error)
	Handler func(*app.App) (httpapi.Handler, error)
}

// httpFunctions is the wiring of every HTTP function, by name.
var httpFunctions = map[string]httpWiring{
	route.Health:        {health.Mux, health.Handler},
	route.Signup:        {signup.Mux, signup.Handler},
	route.Activation:    {activation.Mux, activation.Handler},
	route.OTP:           {otp.Mux, otp.Handler},
	route.Accounts:      {accounts.Mux, accounts.Handler},
	route.Revoke:        {revoke.Mux, revoke.Handler},
	route.Branding:      {branding.Mux, branding.Handler},
	route.Profile:       {profile.Mux, profile.Handler},
	route.Users:         {users.Mux, users.Handler},
	route.TwoFactor:     {twofactor.Mux, twofactor.Handler},
	route.Passkeys:      {passkeys.Mux, passkeys.Handler},
	route.PartnerAccess: {partneraccess.Mux, partneraccess.Handler},
}

// App is an App that builds every function's handler.
type App struct{ *app.App }

// New builds the App (see app.New).
func New(ctx context.Context, cfg app.Config, opts ...app.Option) (*App, error) {
	a, err := app.New(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	return &App{App: a}, nil
}

// Handler builds a function's handler, of any trigger, as its functions/<name>/main.go does.
func (a *App) Handler(function string) (any, error) {
	switch function {
	case route.Mailer:
		return a.Mailer()
	case route.Sweep:
		return a.Sweep()
	case route.SearchIndex:
		return a.SearchIndex()
	case route.Bootstrap:
		return a.BootstrapHandler()
	case route.Events:
		return a.LifecycleEvents()
	case route.MailFeedback:
		return a.MailFeedback()
	case route.KeyRotation:
		return keyrotation.Handler(a.App)
	}
	return a.HTTP(function)
}

// HTTP builds the handler of an HTTP function.
func (a *App) HTTP(function string) (httpapi.Handler, error) {
	w, ok := httpFunctions[function]
	if !ok {
		return nil, fmt.Errorf("no http function %q", function)
	}
	return w.Handler(a.App)
}

// Mux builds the endpoints of an HTTP function, one per route of route.Of(function).
func (a *App) Mux(function string) (httpapi.Mux, error) {
	w, ok := httpFunctions[function]
	if !ok {
		return nil, fmt.Errorf("no http function %q", function)
	}
	mux, err := w.Mux(a.App)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", function, err)
	}
	return mux, nil
}

// Mailer builds the handler of the mailer function. Locally its emails to the test domains bounce or complain
// (see ses).
func (a *App) Mailer() (app.StreamHandler, error) { return mailerfn.HandlerWith(a.App, a.ses()) }

// OutboxMailer builds the mailer itself, for the local stack's stream poller and for tests.
func (a *App) OutboxMailer() (*mailer.Mailer, error) { return mailerfn.NewWith(a.App, a.ses()) }

// ses is the mailer's SES client. Locally (the SES emulator, which delivers everything) it also plays the email
// service's feedback: a recipient at local.BounceDomain bounces and one at local.ComplaintDomain complains, through
// the mail-feedback function's own handler, as EventBridge would invoke it in AWS.
func (a *App) ses() mailer.SES {
	ses := mailerfn.SES(a.App)
	if !a.Config.Local() {
		return ses
	}
	feed, err := mailfeedback.Handler(a.App)
	if err != nil {
		return ses
	}
	return local.FeedbackSES{SES: ses, Feed: feed, Clock: a.Clock, Region: a.Config.Region, Account: "000000000000",
		Log: a.Log.With("function", route.MailFeedback)}
}

// SearchIndex builds the handler of the search-index function.
func (a *App) SearchIndex() (app.StreamHandler, error) { return searchindex.Handler(a.App) }

// LifecycleEvents builds the handler of the lifecycle-events function.
func (a *App) LifecycleEvents() (app.StreamHandler, error) { return lifecycleevents.Handler(a.App) }

// MailFeedback builds the handler of the mail-feedback function.
func (a *App) MailFeedback() (app.EventHandler, error) { return mailfeedback.Handler(a.App) }

// Sweep builds the handler of the expiry-sweep function.
func (a *App) Sweep() (app.ScheduleHandler, error) { return sweepfn.Handler(a.App) }

// Sweeper builds the sweep service with every registered expirer.
func (a *App) Sweeper() *sweep.Sweeper { return sweepfn.Sweeper(a.App) }

// SignIn builds the sign-in service, for tests that drive it directly; nil without the HMAC key.
func (a *App) SignIn() *signin.Service {
	s, _ := auth.SignIn(a.App)
	return s
}

// Onboarding builds the onboarding use cases.
func (a *App) Onboarding() (*onboarding.Service, error) { return signup.Onboarding(a.App) }

// Bootstrap creates the provider account and its first super administrator unless the platform has them
// already; the local stack calls it on start and phctl on an operator's request.
func (a *App) Bootstrap(ctx context.Context, in onboarding.BootstrapInput) (onboarding.BootstrapResult, error) {
	s, err := a.Onboarding()
	if err != nil {
		return onboarding.BootstrapResult{}, err
	}
	return s.Bootstrap(ctx, in)
}

// BootstrapHandler builds the handler of the bootstrap function, which an operator invokes (phctl bootstrap).
func (a *App) BootstrapHandler() (bootstrapfn.Func, error) { return bootstrapfn.Handler(a.App) }

// Streams builds a DynamoDB Streams client, for the local stack's stream poller (in AWS, Lambda reads the
// stream for the mailer).
func (a *App) Streams() *dynamodbstreams.Client {
	return dynamodbstreams.NewFromConfig(a.AWS(), func(o *dynamodbstreams.Options) {
		o.Retryer = app.BoundsOf(app.ServiceStreams).Retryer()
	})
}
