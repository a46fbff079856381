// Package profile is taking the first sign-in steps (package step): accepting the license agreement and
// completing the company profile of a partner created with the short form. Package signin lists the steps
// still pending on every request; the routes here stay open while there are any.
package profile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/step"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// store is what the first sign-in steps read and write; dynamo.Store is one.
type store interface {
	User(ctx context.Context, id string) (user.User, error)
	Account(ctx context.Context, id string) (account.Account, error)
	UpdateAccount(ctx context.Context, id string, rule func(acc *account.Account, tx *dynamo.Tx) error) (account.Account, error)
	Tx() *dynamo.Tx
	Commit(ctx context.Context, tx *dynamo.Tx) error
}

var _ store = dynamo.Store{}

// Service runs the first sign-in steps.
type Service struct {
	store store
	clock clock.Clock
	log   *slog.Logger
}

// New builds the service on a table.
func New(db dynamo.DB, tableName string, clk clock.Clock, log *slog.Logger) (*Service, error) {
	if db == nil || tableName == "" || clk == nil {
		return nil, errors.New("profile: DB, table and clock are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: dynamo.Store{DB: db, Table: tableName}, clock: clk, log: log}, nil
}

// License is GET /v1/license: the current agreement.
func (s *Service) License() license.License { return license.Current() }

// AcceptRequest is the body of POST /v1/me/license-acceptance: the version the user read and accepts.
type AcceptRequest struct {
	Version string `json:"version"`
}

// Validate requires the version.
func (r *AcceptRequest) Validate(v *fault.ValidationError) {
	if r.Version == "" && !v.Has("version") {
		v.Add("version", "required", "Name the version of the agreement you accept.")
	}
}

// Acceptance is the answer to an accepted license: what is recorded, and the steps still pending.
type Acceptance struct {
	Version      string    `json:"version"`
	AcceptedAt   time.Time `json:"acceptedAt"`
	PendingSteps []string  `json:"pendingSteps"`
}

// subject is the signed-in user and the account they act in, read together.
type subject struct {
	user    user.User
	account account.Account
}

func (s *Service) subject(ctx context.Context, a actor.Actor) (subject, error) {
	if a.Anonymous() {
		return subject{}, fault.ErrUnauthorized
	}
	var (
		wg         sync.WaitGroup
		sub        subject
		uErr, aErr error
	)
	wg.Go(func() { sub.user, uErr = s.store.User(ctx, a.UserID) })
	wg.Go(func() { sub.account, aErr = s.store.Account(ctx, a.AccountID) })
	wg.Wait()
	if err := errors.Join(uErr, aErr); err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return subject{}, fault.ErrUnauthorized // removed since the request was authenticated
		}
		return subject{}, err
	}
	return sub, nil
}

// Accept is POST /v1/me/license-acceptance. Only the current version can be accepted: a page that shows an
// older one (or any other) gets license-outdated and must show the current text first. Accepting again what is already accepted
// changes nothing.
func (s *Service) Accept(ctx context.Context, a actor.Actor, req AcceptRequest) (Acceptance, error) {
	current := license.Current()
	if req.Version != current.Version {
		return Acceptance{}, fault.New(fault.ErrConflict, "license-outdated",
			"The license agreement has changed since this version. Read the current version and accept it.").
			With("currentVersion", current.Version)
	}
	sub, err := s.subject(ctx, a)
	if err != nil {
		return Acceptance{}, err
	}
	if sub.user.LicenseVersion != current.Version {
		now := s.clock.Now()
		tx := s.store.Tx().
			AcceptLicense(sub.user.ID, current.Version, now, errAcceptedMeanwhile).
			Audit(audit.Event{
				ID: secret.NewID(), AccountID: a.AccountID, At: now, ActorID: a.UserID, Action: audit.LicenseAccepted,
				TargetType: audit.TargetUser, TargetID: a.UserID, Details: map[string]string{"version": current.Version},
			})
		err = s.store.Commit(ctx, tx)
		switch {
		case err == nil:
			sub.user.LicenseVersion, sub.user.LicenseAcceptedAt = current.Version, now
			s.log.InfoContext(ctx, "license accepted", "userId", a.UserID, "version", current.Version)
		case errors.Is(err, errAcceptedMeanwhile):
			// A concurrent request accepted it first (or the user is gone): answer what is recorded now.
			if sub, err = s.subject(ctx, a); err != nil {
				return Acceptance{}, err
			}
		default:
			return Acceptance{}, err
		}
	}
	return Acceptance{
		Version:      sub.user.LicenseVersion,
		AcceptedAt:   sub.user.LicenseAcceptedAt.UTC(),
		PendingSteps: step.Pending(sub.user, sub.account, current.Version),
	}, nil
}

// errAcceptedMeanwhile means the user accepted the version since they were read (or is gone).
var errAcceptedMeanwhile = errors.New("license accepted meanwhile")

// CompanyRequest is the body of PUT /v1/me/company: the company details, checked as account creation checks
// them. The name may be corrected too; left out, it stays.
type CompanyRequest struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Country string `json:"country"`
	State   string `json:"state"`
	City    string `json:"city"`
	ZipCode string `json:"zipCode"`
}

// Validate checks the details with account creation's rules (address, country and city required) and trims
// them.
func (r *CompanyRequest) Validate(v *fault.ValidationError) {
	in := field.Company(*r)
	field.CheckCompany(v, "", &in, false, true)
	*r = CompanyRequest(in)
}

// CompanyDone is the answer to a completed profile.
type CompanyDone struct {
	AccountID    string          `json:"accountId"`
	Company      account.Company `json:"company"`
	PendingSteps []string        `json:"pendingSteps"`
}

// Problems of the profile step.
var (
	errProfileComplete = fault.New(fault.ErrConflict, "profile-complete",
		"The company profile is already complete. Change the company details in the account's settings.")
	errRenameRace = fault.New(fault.ErrConflict, "conflict", "The account changed while its profile was being completed; try again.")
)

// CompleteCompany is PUT /v1/me/company: an administrator of the session's account completes the company
// details the short form left out, which ends the profile step for everyone in the account. The license comes
// first, so it must be accepted before. The account's update seam checks the rule against the account as it
// is when it is written, and moves the name's guard and its copies in the account's memberships if the name
// changes.
func (s *Service) CompleteCompany(ctx context.Context, a actor.Actor, req CompanyRequest) (CompanyDone, error) {
	v := &fault.ValidationError{}
	req.Validate(v)
	if err := v.Err(); err != nil {
		return CompanyDone{}, err
	}
	if a.Anonymous() {
		return CompanyDone{}, fault.ErrUnauthorized
	}
	u, err := s.store.User(ctx, a.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return CompanyDone{}, fault.ErrUnauthorized // removed since the request was authenticated
	}
	if err != nil {
		return CompanyDone{}, err
	}
	renamed := false
	acc, err := s.store.UpdateAccount(ctx, a.AccountID, func(acc *account.Account, tx *dynamo.Tx) error {
		if !a.Can(role.AccountsEdit) {
			return fault.New(fault.ErrForbidden, "forbidden",
				fmt.Sprintf("Only an administrator of %s can complete its company profile.", acc.Company.Name))
		}
		if !acc.ProfilePending {
			return errProfileComplete
		}
		if steps := step.Pending(u, *acc, license.Current().Version); slices.Contains(steps, step.License) {
			return fault.New(fault.ErrPendingStep, "pending-step", "Accept the license agreement first.").
				With("step", step.License).With("steps", steps)
		}
		company := account.Company(req)
		if company.Name == "" {
			company.Name = acc.Company.Name
		}
		renamed = company.Name != acc.Company.Name
		tx.Audit(completed(a, *acc, company, s.clock.Now()))
		acc.Company, acc.ProfilePending = company, false
		return nil
	})
	var tooMany dynamo.TooManyMembersError
	switch {
	case errors.Is(err, dynamo.ErrCompanyNameTaken):
		return CompanyDone{}, fault.New(fault.ErrConflict, "company-name-taken",
			fmt.Sprintf("There is already an account named %q. Names are unique, whatever their case.", req.Name)).
			With("fields", []string{"name"})
	case errors.As(err, &tooMany):
		// A short-form account has its contact and perhaps a few more; a transaction holds 100 items.
		return CompanyDone{}, fault.New(fault.ErrConflict, "rename-too-large",
			"This account has too many users to rename it here; complete the profile without changing the name, then rename the account in its settings.")
	case errors.Is(err, dynamo.ErrAccountMoved):
		return CompanyDone{}, errRenameRace
	case errors.Is(err, fault.ErrNotFound):
		return CompanyDone{}, fault.ErrUnauthorized // removed since the request was authenticated
	case err != nil:
		return CompanyDone{}, err
	}
	s.log.InfoContext(ctx, "company profile completed", "accountId", acc.ID, "renamed", renamed)
	return CompanyDone{AccountID: acc.ID, Company: acc.Company, PendingSteps: step.Pending(u, acc, license.Current().Version)}, nil
}

// completed is the audit event of a's completing acc's profile with company: the details, and the name change
// if there is one.
func completed(a actor.Actor, acc account.Account, company account.Company, now time.Time) audit.Event {
	details := map[string]string{"address": company.Address, "country": company.Country, "city": company.City}
	if company.State != "" {
		details["state"] = company.State
	}
	if company.ZipCode != "" {
		details["zipCode"] = company.ZipCode
	}
	if company.Name != acc.Company.Name {
		details["name"], details["previousName"] = company.Name, acc.Company.Name
	}
	return audit.Event{
		ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
		Action: audit.AccountProfileCompleted, TargetType: audit.TargetAccount, TargetID: acc.ID, Details: details,
	}
}
