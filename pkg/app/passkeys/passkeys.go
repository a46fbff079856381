// Package passkeys is the wiring of the passkeys function: every WebAuthn ceremony, with the relying party of
// the portal's origin. It serves the passkey routes of two use cases, two-factor settings (register, list,
// rename, remove) and sign-in (the passkey step, passwordless), so that only this function links the WebAuthn
// library.
package passkeys

import (
	"errors"
	"maps"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/passkey"
	"github.com/partnerhub/partnerhub/pkg/relyingparty"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/twofactor"
)

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	// A portal reached by an IP address (a local stack at 127.0.0.1) can have no passkeys: the list still
	// answers, every ceremony answers unavailable.
	var party passkey.Party
	switch p, err := relyingparty.New(a.Config.PortalURL); {
	case errors.Is(err, relyingparty.ErrNoDomain):
		a.Log.Warn("passkeys unavailable", "reason", err.Error())
	case err != nil:
		return nil, err
	default:
		party = p
	}
	signIn, err := auth.SignIn(a)
	if err != nil {
		return nil, err
	}
	signIn.Passkeys = party
	settings, err := twofactor.New(twofactor.Deps{DB: a.Dynamo(), Table: a.Config.Table, Keys: a.Keys, Clock: a.Clock, Log: a.Log, Passkeys: party})
	if err != nil {
		return nil, err
	}
	mux := signIn.PasskeyMux()
	maps.Copy(mux, settings.PasskeyMux())
	return mux, nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.Passkeys, Mux) }
