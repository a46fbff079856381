package app

import (
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/signin"
)

// SignIn builds the sign-in service: passwords, one-time codes and sessions.
func (a *App) SignIn() *signin.Service {
	return signin.New(a.Clients.Dynamo, a.Config.Table, a.Keys, a.Clock)
}

// otpMux builds the routes of the otp function.
func (a *App) otpMux() (httpapi.Mux, error) {
	s, err := a.signIn()
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}
