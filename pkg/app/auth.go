package app

import "github.com/partnerhub/partnerhub/pkg/httpapi"

// authenticator resolves session cookies for routes that need a session: every function checks the session,
// the user, the membership and the account itself, on every request.
func (a *App) authenticator() httpapi.Authenticator { return a.SignIn() }
