package app

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/sweep"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Sweep builds the handler of the expiry-sweep function.
func (a *App) Sweep() (ScheduleHandler, error) {
	return a.Sweeper().Handle, nil
}

// Sweeper builds the sweep service with every registered expirer.
func (a *App) Sweeper() *sweep.Sweeper {
	return sweep.New(a.Clients.Dynamo, a.Config.Table, a.Clock, a.Log.With("function", "expiry-sweep"), a.expirers())
}

// expirers are the Expirers of the record types that expire, one line each, e.g.
//
//	table.TypeToken: sweep.Transition{DB: a.Clients.Dynamo, Table: a.Config.Table, From: []string{"pending"}, To: "expired"},
//
// A due item of a type missing here is logged and left on the index.
func (a *App) expirers() map[string]sweep.Expirer {
	return map[string]sweep.Expirer{
		table.TypeToken: sweep.ByID(dynamo.Store{DB: a.Clients.Dynamo, Table: a.Config.Table}.ExpireToken),
		table.TypeGrant: a.grantExpirer(),
	}
}

// grantExpirer is the grants' Expirer; if it cannot be built (no portal URL), due grants fail loudly rather
// than being skipped.
func (a *App) grantExpirer() sweep.Expirer {
	e, err := a.GrantExpirer()
	if err != nil {
		return sweep.ExpirerFunc(func(context.Context, map[string]types.AttributeValue, time.Time) error { return err })
	}
	return sweep.ByID(e.Expire)
}
