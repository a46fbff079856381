package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// twoFactorMux builds the routes of the two-factor function.
// TODO: replace with the real endpoints.
func (a *App) twoFactorMux() (httpapi.Mux, error) { return nil, errors.New("twofactor not built yet") }
