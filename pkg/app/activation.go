package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// activationMux builds the routes of the activation function.
// TODO(onboarding): build the activation endpoints.
func (a *App) activationMux() (httpapi.Mux, error) { return nil, errors.New("activation not built yet") }
