package app

import (
	"github.com/partnerhub/partnerhub/pkg/onboarding"
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
		table.TypeToken: onboarding.TokenExpirer{DB: a.Clients.Dynamo, Table: a.Config.Table},
	}
}
