package onboarding

import (
	"context"
	"errors"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Defaults of the bootstrap.
const (
	DefaultProviderName = "PartnerHub"
	DefaultAdminEmail   = "admin@example.com"
	DefaultAdminName    = "Administrator"
)

// BootstrapInput configures the first run of the platform. Empty fields take the defaults.
type BootstrapInput struct {
	// AccountName is the provider account's company name.
	AccountName string
	// AdminEmail and AdminName are the first super administrator's.
	AdminEmail string
	AdminName  string
}

// BootstrapResult says what the bootstrap found or made.
type BootstrapResult struct {
	AccountID string
	// AdminUserID is the first super administrator: created now, or, when the platform was already bootstrapped,
	// the provider account's point of contact, who was (an account's contact never changes).
	AdminUserID string
	// Created is false when the platform was already bootstrapped and nothing was written.
	Created bool
}

// Bootstrap creates the provider account and its first super administrator, who gets an activation email, in
// one transaction with the activation token, the email and an audit event. The provider is unique: a guard item
// written with attribute_not_exists decides, so running it again (or twice at once) writes nothing and reports
// Created false.
func (s *Service) Bootstrap(ctx context.Context, in BootstrapInput) (BootstrapResult, error) {
	v := &fault.ValidationError{}
	in.AccountName = field.Text(v, "name", defaulted(in.AccountName, DefaultProviderName), true, field.MaxCompanyName)
	in.AdminEmail = field.Email(v, "email", defaulted(in.AdminEmail, DefaultAdminEmail))
	in.AdminName = field.Text(v, "adminName", defaulted(in.AdminName, DefaultAdminName), true, field.MaxPersonName)
	if err := v.Err(); err != nil {
		return BootstrapResult{}, err
	}
	if id, err := s.store.ProviderID(ctx); err == nil {
		return s.bootstrapped(ctx, id)
	} else if !errors.Is(err, fault.ErrNotFound) {
		return BootstrapResult{}, err
	}

	now := s.clock.Now()
	provider := account.Account{
		ID:            secret.NewID(),
		Kind:          account.Provider,
		Company:       account.Company{Name: in.AccountName},
		Status:        account.Pending,
		CreatedAt:     now,
		Version:       1,
		ContactUserID: secret.NewID(),
	}
	admin := invitee{
		User: invitation.NewUser(provider.ContactUserID, invitation.Person{Name: in.AdminName, Email: in.AdminEmail},
			provider.ID, user.TwoFactor{Enabled: true, Method: user.MethodEmail}, now),
		Role: role.SuperAdmin,
	}
	// The provider's guard comes first: of two bootstraps, the second learns that the first won, not that the
	// name it also wanted is taken. The platform invites its first administrator: there is no inviter to name.
	tx := s.store.Tx().ReserveProvider(provider.ID, errBootstrapped)
	s.newAccount(tx, provider, admin, invitation.Inviter{AccountName: in.AccountName}, now).
		Audit(audit.Event{ID: secret.NewID(), AccountID: provider.ID, At: now,
			Action: audit.PlatformBootstrapped, TargetType: audit.TargetAccount, TargetID: provider.ID,
			Details: map[string]string{"name": provider.Company.Name, "adminUserId": admin.ID}})
	switch err := s.store.Commit(ctx, tx); {
	case errors.Is(err, errBootstrapped):
		id, rerr := s.store.ProviderID(ctx)
		if rerr != nil {
			return BootstrapResult{}, rerr
		}
		return s.bootstrapped(ctx, id)
	case err != nil:
		if taken := s.taken(ctx, err, provider.Company.Name, admin.Email); taken != nil {
			return BootstrapResult{}, taken
		}
		if errors.Is(err, fault.ErrConflict) {
			return BootstrapResult{}, fault.New(fault.ErrConflict, "conflict", "The bootstrap conflicted with another change; run it again.")
		}
		return BootstrapResult{}, err
	}
	s.log.InfoContext(ctx, "platform bootstrapped", "accountId", provider.ID, "adminUserId", admin.ID)
	return BootstrapResult{AccountID: provider.ID, AdminUserID: admin.ID, Created: true}, nil
}

// bootstrapped is the answer of a bootstrap that found the provider account: nothing created, and who its first
// administrator is.
func (s *Service) bootstrapped(ctx context.Context, providerID string) (BootstrapResult, error) {
	provider, err := s.store.Account(ctx, providerID)
	if err != nil {
		return BootstrapResult{}, err
	}
	return BootstrapResult{AccountID: providerID, AdminUserID: provider.ContactUserID}, nil
}

// errBootstrapped means another bootstrap created the provider first.
var errBootstrapped = errors.New("platform bootstrapped already")

func defaulted(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// ResendAsOperator sends a new activation link to an invited user named by email, on the operator's authority
// (phctl): it is how the first super administrator gets a new link when theirs expired, since nobody can
// sign in to send one. The resend interval still applies.
func (s *Service) ResendAsOperator(ctx context.Context, addr string) (ResendResult, error) {
	u, err := s.store.UserByEmail(ctx, addr)
	if errors.Is(err, fault.ErrNotFound) {
		return ResendResult{Status: ResendNotFound}, nil
	}
	if err != nil {
		return ResendResult{}, err
	}
	status, err := s.resendOne(ctx, u.ID, func(user.User, account.Account) bool { return true }, invitation.Inviter{})
	return ResendResult{UserID: u.ID, Status: status}, err
}
