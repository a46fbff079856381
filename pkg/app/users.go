package app

import (
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/member"
)

// Members builds the user maintenance service: lists, invitations, edits, removals and the status check.
func (a *App) Members() (*member.Service, error) {
	return member.New(member.Deps{
		DB:    a.Clients.Dynamo,
		Table: a.Config.Table,
		Keys:  a.Keys,
		Clock: a.Clock,
		Log:   a.Log,
	})
}

// usersMux builds the routes of the users function.
func (a *App) usersMux() (httpapi.Mux, error) {
	s, err := a.Members()
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}
