package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// brandingMux builds the routes of the branding function.
// TODO: replace with the real endpoints.
func (a *App) brandingMux() (httpapi.Mux, error) { return nil, errors.New("branding not built yet") }
