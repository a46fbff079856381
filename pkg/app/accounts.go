package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// accountsMux builds the routes of the accounts (partner tree) function.
// TODO: replace with the real endpoints.
func (a *App) accountsMux() (httpapi.Mux, error) { return nil, errors.New("accounts not built yet") }
