package app

import "github.com/partnerhub/partnerhub/pkg/httpapi"

// revokeMux builds the routes of the revoke function: everything that ends access. Each service contributes
// its routes.
func (a *App) revokeMux() (httpapi.Mux, error) {
	tree, err := a.treeRevokeRoutes()
	if err != nil {
		return nil, err
	}
	users, err := a.userRevokeRoutes()
	if err != nil {
		return nil, err
	}
	grants, err := a.grantRevokeRoutes()
	if err != nil {
		return nil, err
	}
	return httpapi.Merge(tree, users, grants)
}

// treeRevokeRoutes are the partner tree's routes of the revoke function: disable and enable an account.
func (a *App) treeRevokeRoutes() (httpapi.Mux, error) {
	t, err := a.Tree()
	if err != nil {
		return nil, err
	}
	return t.RevokeMux(), nil
}

// userRevokeRoutes are user maintenance's routes of the revoke function: remove a user's access.
func (a *App) userRevokeRoutes() (httpapi.Mux, error) {
	s, err := a.Members()
	if err != nil {
		return nil, err
	}
	return s.RevokeMux(), nil
}
