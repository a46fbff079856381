// Package actor describes who is making a request: the signed-in user, the account they act in, and what their
// roles there allow.
package actor

import "github.com/partnerhub/partnerhub/pkg/role"

// Actor is the signed-in caller of a request. The zero Actor is anonymous.
type Actor struct {
	UserID    string
	AccountID string // the account the session acts in
	Roles     []role.Name
	// SessionHash identifies the session (the hash of its token, never the token).
	SessionHash string
	// PendingSteps are first sign-in steps still to do (e.g. "license", "profile"); until they are done only
	// routes marked route.Steps answer.
	PendingSteps []string
}

// Anonymous reports whether no one is signed in.
func (a Actor) Anonymous() bool { return a.UserID == "" }

// Can reports whether the actor's roles grant a permission.
func (a Actor) Can(p role.Permission) bool { return role.Allows(a.Roles, p) }
