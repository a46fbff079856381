package app

import (
	"fmt"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/signin"
)

// SignIn builds the sign-in service: passwords, one-time codes and sessions.
func (a *App) SignIn() (*signin.Service, error) {
	keys, err := secret.NewKeyring(a.Config.Key)
	if err != nil {
		return nil, fmt.Errorf("sign-in keyring: %w", err)
	}
	return signin.New(a.Clients.Dynamo, a.Config.Table, keys, a.Clock), nil
}

// otpMux builds the routes of the otp function.
func (a *App) otpMux() (httpapi.Mux, error) {
	s, err := a.SignIn()
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}
