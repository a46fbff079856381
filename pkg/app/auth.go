package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/signin"
)

// ErrNoKey is why a handler that makes or checks tokens, codes or session hashes was not built: the process has
// no HMAC key. In AWS the function's route.Functions entry must say NeedsKey, which gives it HMAC_SECRET_ARN.
var ErrNoKey = errors.New("no HMAC key: set HMAC_SECRET_ARN (AWS; route.Functions NeedsKey) or PH_HMAC_KEY (local)")

// authenticator resolves session cookies for the function's routes that need a session: every function checks
// the session, the user, the membership and the account itself, on every request. A function with no such route
// gets none, so it needs no key (httpapi asks the authenticator only on routes that need a session).
func (a *App) authenticator(function string) (httpapi.Authenticator, error) {
	for _, r := range route.Of(function) {
		if r.NeedsSession() {
			return a.signIn()
		}
	}
	return nil, nil
}

// signIn is SignIn for handlers: it fails without the key rather than build a service whose every session
// lookup would panic.
func (a *App) signIn() (*signin.Service, error) {
	if a.Keys == nil {
		return nil, ErrNoKey
	}
	return a.SignIn(), nil
}
