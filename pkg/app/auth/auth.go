// Package auth is the wiring of sessions: sign-in's session lookup, which resolves the session, the user, the
// membership and the account on every request to a session route. Every function with session routes builds
// its handler here; a function without them (health) does not import it, and so links no sign-in code.
package auth

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/signin"
)

// SignIn builds the sign-in service: passwords, one-time codes and sessions. It fails without the HMAC key,
// which every session hash needs.
func SignIn(a *app.App) (*signin.Service, error) {
	keys, err := a.Keyring()
	if err != nil {
		return nil, err
	}
	s := signin.New(a.Dynamo(), a.Config.Table, keys, a.Clock)
	s.Count = a.Count
	return s, nil
}

// HTTP builds the handler of an HTTP function with session routes: the endpoints mux builds, behind the API
// adapter, with sign-in's session lookup as their authenticator.
func HTTP(a *app.App, function string, mux func(*app.App) (httpapi.Mux, error)) (httpapi.Handler, error) {
	m, err := mux(a)
	if err != nil {
		return nil, err
	}
	s, err := SignIn(a)
	if err != nil {
		return nil, err
	}
	return a.HTTP(function, m, s)
}
