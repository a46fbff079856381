// Package brand is the branding endpoints: the provider enables branding for an MSP or a partner, the partner
// sets its colour, support channel, name and logo, and the public logo is served. The branding itself (its
// records, rules, PartnerHub's default and the effective branding of an account) is package branding.
package brand

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/pkg/access"
	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// store is what the branding use cases read and write; dynamo.Store is one.
type store interface {
	branding.Store
	Brand(ctx context.Context, accountID string) (branding.Record, bool, error)
	Logo(ctx context.Context, accountID string) (dynamo.Logo, bool, error)
	Tx() *dynamo.Tx
	Commit(ctx context.Context, tx *dynamo.Tx) error
}

var _ store = dynamo.Store{}

// Service runs the branding use cases.
type Service struct {
	store    store
	resolver branding.Resolver
	clock    clock.Clock
	log      *slog.Logger
}

// New builds the service on a table.
func New(db dynamo.DB, tableName string, clk clock.Clock, log *slog.Logger) (*Service, error) {
	if db == nil || tableName == "" || clk == nil {
		return nil, errors.New("brand: DB, table and clock are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	store := dynamo.Store{DB: db, Table: tableName}
	return &Service{store: store, resolver: branding.Resolver{Store: store}, clock: clk, log: log}, nil
}

// Resolver is the service's effective-branding lookup.
func (s *Service) Resolver() branding.Resolver { return s.resolver }

// View is an account's branding as the branding endpoints answer it: what is set on the account itself, and
// the branding its users actually see.
type View struct {
	AccountID    string  `json:"accountId"`
	Enabled      bool    `json:"enabled"`
	Name         *string `json:"name"`
	Color        *string `json:"color"`
	SupportEmail *string `json:"supportEmail"`
	SupportURL   *string `json:"supportUrl"`
	LogoURL      *string `json:"logoUrl"`
	// LogoColor is the logo's main colour, when it could be told (PNG, JPEG and WebP; not an animation).
	LogoColor *string            `json:"logoColor"`
	Version   int                `json:"version"`
	UpdatedAt *time.Time         `json:"updatedAt"`
	Effective branding.Effective `json:"effective"`
	// Warnings are what reads badly in the header with these settings (branding.Warnings): saved anyway.
	Warnings []branding.Warning `json:"warnings"`
}

// Problems of the branding use cases.
var (
	errNoAccount   = fault.New(fault.ErrNotFound, "not-found", "There is no such account in your part of the tree.")
	errNotEnabled  = fault.New(fault.ErrConflict, "branding-not-enabled", "Branding is not enabled for this account. Ask the PartnerHub provider to enable it.")
	errKind        = fault.New(fault.ErrInvalid, "branding-not-available", "Branding can be enabled for MSP and partner accounts only.")
	errCannotView  = fault.New(fault.ErrForbidden, "forbidden", "Your role does not allow viewing branding.")
	errCannotSet   = fault.New(fault.ErrForbidden, "forbidden", "Your role does not allow changing this account's branding.")
	errCannotAllow = fault.New(fault.ErrForbidden, "forbidden", "Only the PartnerHub provider enables branding for partners.")
	// errUnchanged is branding switched to the state it is already in: not a problem, nothing to write.
	errUnchanged = errors.New("branding unchanged")
)

// target reads the account a branding call is about. An account that does not exist and one outside the
// actor's part of the tree get the same answer, so it does not tell which accounts exist elsewhere.
func (s *Service) target(ctx context.Context, a actor.Actor, accountID string) (account.Account, error) {
	if a.Anonymous() {
		return account.Account{}, fault.ErrUnauthorized
	}
	if !secret.WellFormedID(accountID) {
		return account.Account{}, errNoAccount
	}
	acc, err := s.store.Account(ctx, accountID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return account.Account{}, errNoAccount
	case err != nil:
		return account.Account{}, err
	case !access.Sees(a, acc):
		return account.Account{}, errNoAccount
	}
	return acc, nil
}

// mayManage reports whether the actor may change acc's branding: the branding permission, acting in acc or in
// its parent — or anywhere above it with the right to act on the whole subtree (Account Actions Control).
func mayManage(a actor.Actor, acc account.Account) bool {
	return a.Can(role.BrandingManage) && access.Acts(a, acc)
}

// mayView reports whether the actor may read acc's branding settings (target has checked acc is in its tree).
func mayView(a actor.Actor) bool {
	return a.Can(role.BrandingManage) || a.Can(role.BrandingEnable) || a.Can(role.AccountsView)
}

// Get is GET /v1/accounts/{id}/branding.
func (s *Service) Get(ctx context.Context, a actor.Actor, accountID string) (View, error) {
	acc, err := s.target(ctx, a, accountID)
	if err != nil {
		return View{}, err
	}
	if !mayView(a) {
		return View{}, errCannotView
	}
	return s.view(ctx, acc)
}

// view reads acc's branding and the branding of its path: at most two GetItems beyond the account.
func (s *Service) view(ctx context.Context, acc account.Account) (View, error) {
	path, err := s.resolver.Path(ctx, acc)
	if err != nil {
		return View{}, err
	}
	v := View{AccountID: acc.ID, Effective: branding.Resolve(path), Warnings: []branding.Warning{}}
	for _, r := range path {
		if r.AccountID != acc.ID {
			continue
		}
		v.Enabled, v.Version = r.Enabled, r.Version
		v.Name, v.Color = orNull(r.Settings.Name), orNull(r.Settings.Color)
		v.SupportEmail, v.SupportURL = orNull(r.Settings.SupportEmail), orNull(r.Settings.SupportURL)
		v.LogoURL = orNull(r.LogoPath())
		logoColor := ""
		if r.LogoHash != "" {
			logoColor = r.LogoColor
		}
		v.LogoColor = orNull(logoColor)
		if r.Settings.Color != "" {
			v.Warnings = branding.Warnings(r.Settings.Color, logoColor)
		}
		if !r.UpdatedAt.IsZero() {
			at := r.UpdatedAt.UTC()
			v.UpdatedAt = &at
		}
	}
	return v, nil
}

// SetEnabled is PUT /v1/accounts/{id}/branding/enabled: the provider switches a partner's or MSP's branding on
// or off. Switching it off keeps the settings and the logo, so switching it on again restores them; meanwhile
// the accounts below fall back to the next branding up (or PartnerHub's). A request that changes nothing writes
// nothing.
func (s *Service) SetEnabled(ctx context.Context, a actor.Actor, accountID string, enabled bool) (View, error) {
	acc, err := s.target(ctx, a, accountID)
	if err != nil {
		return View{}, err
	}
	if !a.Can(role.BrandingEnable) {
		return View{}, errCannotAllow
	}
	if acc.Kind != account.MSP && acc.Kind != account.Partner {
		return View{}, errKind
	}
	now := s.clock.Now()
	change := dynamo.BrandChange{AccountID: acc.ID, AccountName: acc.Company.Name, By: a.UserID, At: now}
	action := audit.BrandingDisabled
	if enabled {
		action = audit.BrandingEnabled
	}
	tx := s.store.Tx().AccountExists(acc.ID, errNoAccount).SetBrandEnabled(change, enabled, errUnchanged)
	audited(tx, a, acc, action, now, nil)
	switch err := s.store.Commit(ctx, tx); {
	case errors.Is(err, errUnchanged):
		// Already in that state (perhaps by a concurrent request): nothing to change.
	case err != nil:
		return View{}, err
	default:
		s.log.InfoContext(ctx, string(action), "accountId", acc.ID)
	}
	return s.view(ctx, acc)
}

// Update is PUT /v1/accounts/{id}/branding: the partner sets its colour, support channel and name. The
// settings replace the previous ones as a whole.
func (s *Service) Update(ctx context.Context, a actor.Actor, accountID string, in branding.Settings) (View, error) {
	v := &fault.ValidationError{}
	in.Validate(v)
	if err := v.Err(); err != nil {
		return View{}, err
	}
	acc, err := s.target(ctx, a, accountID)
	if err != nil {
		return View{}, err
	}
	if !mayManage(a, acc) {
		return View{}, errCannotSet
	}
	now := s.clock.Now()
	change := dynamo.BrandChange{AccountID: acc.ID, AccountName: acc.Company.Name, By: a.UserID, At: now}
	details := map[string]string{"color": in.Color}
	for k, val := range map[string]string{"name": in.Name, "supportEmail": in.SupportEmail, "supportUrl": in.SupportURL} {
		if val != "" {
			details[k] = val
		}
	}
	tx := s.store.Tx().SetBrandSettings(change, in, errNotEnabled)
	audited(tx, a, acc, audit.BrandingUpdated, now, details)
	if err := s.store.Commit(ctx, tx); err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "branding updated", "accountId", acc.ID)
	return s.view(ctx, acc)
}

// SetLogo is PUT /v1/accounts/{id}/branding/logo: the partner uploads its logo, checked by its content (see
// Logo). The image and the branding's pointer to it change in one transaction.
func (s *Service) SetLogo(ctx context.Context, a actor.Actor, accountID string, data []byte) (View, error) {
	img, err := branding.Logo(data)
	if err != nil {
		return View{}, err
	}
	acc, err := s.target(ctx, a, accountID)
	if err != nil {
		return View{}, err
	}
	if !mayManage(a, acc) {
		return View{}, errCannotSet
	}
	now := s.clock.Now()
	change := dynamo.BrandChange{AccountID: acc.ID, AccountName: acc.Company.Name, By: a.UserID, At: now}
	tx := s.store.Tx().
		SetBrandLogo(change, dynamo.BrandLogo{Hash: img.Hash, ContentType: img.ContentType, Size: len(img.Data), Color: img.Color}, errNotEnabled).
		PutLogo(dynamo.Logo{AccountID: acc.ID, ContentType: img.ContentType, Hash: img.Hash, Data: img.Data, UpdatedAt: now})
	audited(tx, a, acc, audit.BrandingLogoUpdated, now,
		map[string]string{"contentType": img.ContentType, "bytes": fmt.Sprint(len(img.Data)), "hash": img.Hash})
	if err := s.store.Commit(ctx, tx); err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "branding logo updated", "accountId", acc.ID, "contentType", img.ContentType, "bytes", len(img.Data))
	return s.view(ctx, acc)
}

// PublicLogo is an account's current logo for GET /v1/logos/{id}: there only while the account's branding is
// enabled, so switching branding off takes the logo off the web too (cached copies aside).
func (s *Service) PublicLogo(ctx context.Context, accountID string) (dynamo.Logo, error) {
	if !secret.WellFormedID(accountID) {
		return dynamo.Logo{}, errNoLogo
	}
	var (
		wg                sync.WaitGroup
		logo              dynamo.Logo
		b                 branding.Record
		hasLogo, hasBrand bool
		lErr, bErr        error
	)
	wg.Go(func() { logo, hasLogo, lErr = s.store.Logo(ctx, accountID) })
	wg.Go(func() { b, hasBrand, bErr = s.store.Brand(ctx, accountID) })
	wg.Wait()
	if err := errors.Join(lErr, bErr); err != nil {
		return dynamo.Logo{}, err
	}
	if !hasLogo || !hasBrand || !b.Enabled {
		return dynamo.Logo{}, errNoLogo
	}
	return logo, nil
}

var errNoLogo = fault.New(fault.ErrNotFound, "not-found", "There is no such logo.")

// Public is GET /v1/brands/{id}: the branding the account with this id shows (its own or its nearest branded
// ancestor's), for the pages people open from a link or an email before they sign in (sign-in, code, forgot,
// reset), which carry the id as ?brand=. It answers what every email and link page of the account already
// shows (name, colour, logo, support channel) and nothing else. An unknown account and one that shows
// PartnerHub's own look get the same 404, so the answer tells only whether an id names a branded account; and
// account ids are random (128 bits), so, unlike Partner IDs, they cannot be found by guessing.
func (s *Service) Public(ctx context.Context, accountID string) (branding.Effective, error) {
	if !secret.WellFormedID(accountID) {
		return branding.Effective{}, errNoBrand
	}
	e, err := s.resolver.Effective(ctx, accountID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return branding.Effective{}, errNoBrand
	case err != nil:
		return branding.Effective{}, err
	case e.AccountID == "":
		return branding.Effective{}, errNoBrand
	}
	return e, nil
}

var errNoBrand = fault.New(fault.ErrNotFound, "not-found", "There is no such brand.")

// audited adds the audit event of a change of acc's branding to its transaction.
func audited(tx *dynamo.Tx, a actor.Actor, acc account.Account, action audit.Action, now time.Time, details map[string]string) {
	tx.Audit(audit.Event{
		ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID, Action: action,
		TargetType: audit.TargetAccount, TargetID: acc.ID, Details: details,
	})
}

// orNull is s for JSON, with an empty string as null.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
