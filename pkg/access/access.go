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

// Creates reports whether the actor's roles let it create an account of kind k in stage st (a prospect is a
// customer in stage account.Prospect): MSPs and partners need role.PartnersCreate, customers
// role.CustomersCreate, and a prospect either that or role.ProspectsCreate — so a holder of the Prospects role
// alone creates prospects and nothing else. Where it may create them (below which account) is Sees's rule.
func Creates(a actor.Actor, k account.Kind, st account.Stage) bool {
	switch {
	case k == account.Customer && st == account.Prospect:
		return a.Can(role.ProspectsCreate) || a.Can(role.CustomersCreate)
	case k == account.Customer:
		return a.Can(role.CustomersCreate)
	}
	return st == account.Signed && a.Can(role.PartnersCreate)
}

// Converts reports whether the actor may convert acc, a prospect, to a customer: an administrator who may both
// create customers and edit accounts (role.CustomersCreate and role.AccountsEdit), acting on acc as an edit
// does (Acts, never its own account). A holder of the Prospects role alone never converts: signing the deal is
// an administrator's decision.
func Converts(a actor.Actor, acc account.Account) bool {
	return acc.ID != a.AccountID && Acts(a, acc) && a.Can(role.CustomersCreate) && a.Can(role.AccountsEdit)
}
