// Package access is the one rule of reach in the partner tree: which accounts an actor sees, and on which it may
// act. Every use case that reads or changes an account, its users, its branding or its partner access asks
// here; what a particular action also needs (a permission of the actor's roles) the use case checks itself.
//
// The package is pure: it reads an actor.Actor and an account.Account, nothing else.
package access

import (
	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// Sees reports whether acc exists for the actor: it is the account the actor acts in, or lies below it. Use cases
// answer an account the actor does not see as not found, the same as one that does not exist.
func Sees(a actor.Actor, acc account.Account) bool {
	return a.AccountID != "" && account.Account{ID: a.AccountID}.Contains(acc)
}

// Acts reports whether the actor may act on acc: its own account, an account directly below it, or — with the
// Account Actions Control right (role.HierarchyActions) — any account in its subtree. Outside the subtree it
// never acts.
func Acts(a actor.Actor, acc account.Account) bool {
	return Sees(a, acc) && (acc.ID == a.AccountID || acc.ParentID == a.AccountID || a.Can(role.HierarchyActions))
}
