// Package otp is the wiring of the otp function: sign-in, one-time codes, sessions and /v1/me.
package otp

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	s, err := auth.SignIn(a)
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.OTP, Mux) }
