package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// profileMux builds the routes of the profile (first sign-in steps) function.
// TODO: replace with the real endpoints.
func (a *App) profileMux() (httpapi.Mux, error) { return nil, errors.New("profile not built yet") }
