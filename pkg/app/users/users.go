// Package users is the wiring of the users function: user maintenance. Members is also the revoke function's.
package users

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Members builds the user maintenance service: lists, invitations, edits, removals and the status check.
func Members(a *app.App) (*member.Service, error) {
	return member.New(member.Deps{
		DB:    a.Dynamo(),
		Table: a.Config.Table,
		Keys:  a.Keys,
		Clock: a.Clock,
		Log:   a.Log,
	})
}

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	s, err := Members(a)
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.Users, Mux) }
