package brand

import (
	"context"
	"errors"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
)

// Resolver finds the effective branding of accounts. The zero value is not usable: set Store.
type Resolver struct {
	Store dynamo.Store
}

// Effective is the effective branding of the account with this id: one GetItem for the account, then
// EffectiveOf. An unknown account is fault.ErrNotFound.
func (r Resolver) Effective(ctx context.Context, accountID string) (Effective, error) {
	acc, err := r.Store.Account(ctx, accountID)
	if err != nil {
		return Effective{}, err
	}
	return r.EffectiveOf(ctx, acc)
}

// EffectiveOf is the effective branding of an account already read: the branding items of the MSPs and
// partners on its path (at most two GetItems, in parallel; none for the provider).
func (r Resolver) EffectiveOf(ctx context.Context, acc account.Account) (Effective, error) {
	path, err := r.path(ctx, acc)
	if err != nil {
		return Effective{}, err
	}
	return Resolve(path), nil
}

// path reads the branding records of the accounts on acc's path that may carry branding, root first.
func (r Resolver) path(ctx context.Context, acc account.Account) ([]Record, error) {
	ids := candidates(acc)
	if len(ids) == 0 {
		return nil, nil
	}
	items, err := r.Store.Brands(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(items))
	for _, id := range ids {
		if b, ok := items[id]; ok {
			out = append(out, fromItem(b))
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

// Mail is the mailer's outbox.Brander: the effective branding of a message's account, with the logo's URL made
// absolute on the portal's origin. An account with no branding above it (or no account) gets Fallback.
type Mail struct {
	Resolver  Resolver
	PortalURL string
	Fallback  outbox.Brand
}

var _ outbox.Brander = Mail{}

// Branding implements outbox.Brander. A failed read is an error, so the mailer retries the message later
// rather than send it unbranded; an account that no longer exists gets the fallback.
func (m Mail) Branding(ctx context.Context, accountID string) (outbox.Brand, error) {
	if accountID == "" {
		return m.Fallback, nil
	}
	e, err := m.Resolver.Effective(ctx, accountID)
	if errors.Is(err, fault.ErrNotFound) {
		return m.Fallback, nil
	}
	if err != nil {
		return outbox.Brand{}, err
	}
	if e.AccountID == "" {
		return m.Fallback, nil
	}
	e = e.Absolute(m.PortalURL)
	return outbox.Brand{Name: e.Name, LogoURL: e.LogoURL, Color: e.Color, SupportEmail: e.SupportEmail, SupportURL: e.SupportURL}, nil
}

// MailFallback is the branding of emails no partner brands: PartnerHub's, with the portal as the support link.
func MailFallback(portalURL string) outbox.Brand {
	return outbox.Brand{Name: Default.Name, Color: Default.Color, SupportURL: portalURL}
}
