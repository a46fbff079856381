// Package sweep is the wiring of the expiry-sweep function: on a schedule, it expires what was not used in time.
// It has no HTTP route and needs no key.
package sweep

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/sweep"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Handler builds the function's handler. It sweeps within the invocation's Budget: a stalled table fails the
// run, which the schedule records, within seconds of the first call, not at Lambda's timeout.
func Handler(a *app.App) (app.ScheduleHandler, error) {
	s := Sweeper(a)
	return func(ctx context.Context, ev events.EventBridgeEvent) error {
		ctx, cancel := app.Budget(ctx)
		defer cancel()
		return s.Handle(ctx, ev)
	}, nil
}

// Sweeper builds the sweep service with every registered expirer.
func Sweeper(a *app.App) *sweep.Sweeper {
	return sweep.New(a.Dynamo(), a.Config.Table, a.Clock, a.Log.With("function", "expiry-sweep"), expirers(a))
}

// expirers are the Expirers of the record types that expire, one line each, e.g.
//
//	table.TypeToken: sweep.ByID(a.Store().ExpireToken),
//
// A due item of a type missing here is logged and left on the index.
func expirers(a *app.App) map[string]sweep.Expirer {
	return map[string]sweep.Expirer{
		table.TypeToken: sweep.ByID(a.Store().ExpireToken),
		table.TypeGrant: grantExpirer(a),
	}
}

// GrantExpirer builds the handler of grants that come due: invitations not answered in time, reminders of end
// dates, ends. (The partner-access function's wiring builds the rest of partner access; the sweep does not
// import it, which would link sign-in.)
func GrantExpirer(a *app.App) (*grant.Expirer, error) {
	return grant.NewExpirer(grant.Deps{Store: a.Store(), Keys: a.Keys, Clock: a.Clock, Log: a.Log, PortalURL: a.Config.PortalURL})
}

// grantExpirer is the grants' Expirer; if it cannot be built (no portal URL), due grants fail loudly rather
// than being skipped.
func grantExpirer(a *app.App) sweep.Expirer {
	e, err := GrantExpirer(a)
	if err != nil {
		return sweep.ExpirerFunc(func(context.Context, map[string]types.AttributeValue, time.Time) error { return err })
	}
	return sweep.ByID(e.Expire)
}
