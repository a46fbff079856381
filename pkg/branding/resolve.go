package branding

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/account"
)

// Store is what resolving reads: an account, and the branding records of a few accounts at once (those that
// exist, by account id). dynamo.Store is one.
type Store interface {
	Account(ctx context.Context, id string) (account.Account, error)
	Brands(ctx context.Context, accountIDs []string) (map[string]Record, error)
}

// Resolver finds the effective branding of accounts. Resolving an account reads it and the branding records of
// the MSPs and partners on its path (at most two, in one batch): two requests at most, and no query. The zero
// value is not usable: set Store.
type Resolver struct {
	Store Store
}

// Effective is the effective branding of the account with this id: one read of the account, then EffectiveOf.
// An unknown account is the store's not-found error (fault.ErrNotFound).
func (r Resolver) Effective(ctx context.Context, accountID string) (Effective, error) {
	acc, err := r.Store.Account(ctx, accountID)
	if err != nil {
		return Effective{}, err
	}
	return r.EffectiveOf(ctx, acc)
}

// EffectiveOf is the effective branding of an account already read: the branding records of the MSPs and
// partners on its path (one batch of at most two, none for the provider).
func (r Resolver) EffectiveOf(ctx context.Context, acc account.Account) (Effective, error) {
	path, err := r.Path(ctx, acc)
	if err != nil {
		return Effective{}, err
	}
	return Resolve(path), nil
}

// Path reads the branding records of the accounts on acc's path that may carry branding, root first; accounts
// whose branding was never enabled are left out.
func (r Resolver) Path(ctx context.Context, acc account.Account) ([]Record, error) {
	ids := candidates(acc)
	if len(ids) == 0 {
		return nil, nil
	}
	records, err := r.Store.Brands(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(records))
	for _, id := range ids {
		if rec, ok := records[id]; ok {
			out = append(out, rec)
		}
	}
	return out, nil
}

// candidates are the ids on an account's path whose branding can apply to it: every account below the root
// (the provider has PartnerHub's branding) down to the account itself, except a customer, which has none of its
// own. The tree is at most provider → msp → partner → customer deep, so there are at most two.
func candidates(acc account.Account) []string {
	if acc.Kind == account.Provider || len(acc.Ancestors) == 0 {
		return nil
	}
	ids := acc.Path()[1:]
	if acc.Kind == account.Customer {
		ids = ids[:len(ids)-1]
	}
	return ids
}
