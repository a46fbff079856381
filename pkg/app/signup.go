package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// signupMux builds the routes of the signup function.
// TODO(onboarding): build the signup endpoints.
func (a *App) signupMux() (httpapi.Mux, error) { return nil, errors.New("signup not built yet") }
