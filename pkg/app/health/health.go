// Package health is the wiring of the health function: GET /v1/health, the liveness of the API and the table.
// It has no session route and needs no key.
package health

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/health"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	return health.Checker{DB: a.Dynamo(), Table: a.Config.Table, Clock: a.Clock}.Mux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) {
	mux, err := Mux(a)
	if err != nil {
		return nil, err
	}
	return a.HTTP(route.Health, mux, nil)
}
