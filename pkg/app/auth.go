package app

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// authenticator resolves session cookies for routes that need a session: every function checks the session,
// the user, the membership and the account itself, on every request.
func (a *App) authenticator() httpapi.Authenticator {
	s, err := a.SignIn()
	if err != nil {
		return broken{err}
	}
	return s
}

// broken answers every request with the error that kept the authenticator from being built (a key too short,
// which Config already refuses), as a 5xx rather than a panic.
type broken struct{ err error }

func (b broken) Authenticate(context.Context, string) (actor.Actor, error) {
	return actor.Actor{}, b.err
}
