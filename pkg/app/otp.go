package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// otpMux builds the routes of the otp function.
// TODO(signin): build the sign-in endpoints.
func (a *App) otpMux() (httpapi.Mux, error) { return nil, errors.New("otp not built yet") }
