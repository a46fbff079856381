package app

import (
	"errors"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// usersMux builds the routes of the users function.
// TODO: replace with the real endpoints.
func (a *App) usersMux() (httpapi.Mux, error) { return nil, errors.New("users not built yet") }
