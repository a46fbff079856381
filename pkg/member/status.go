package member

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// StatusCheck is the user status check: the answer of GET /v1/users/{id}/status.
type StatusCheck struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Phone  string `json:"phone"`
	Mobile string `json:"mobile"`
	// Registered says whether the user has set a password through their activation link.
	Registered       bool           `json:"registered"`
	Status           string         `json:"status"` // registered, unregistered or disabled
	LastLoginAt      *time.Time     `json:"lastLoginAt"`
	LastLoginError   *string        `json:"lastLoginError"`
	LastLoginErrorAt *time.Time     `json:"lastLoginErrorAt"`
	Locked           bool           `json:"locked"`
	LockedUntil      *time.Time     `json:"lockedUntil"`
	TwoFactor        user.TwoFactor `json:"twoFactor"`
	// LastActivationEmail is the latest activation email and what became of it; null if none was sent.
	LastActivationEmail *ActivationEmail `json:"lastActivationEmail"`
	// EmailStatus is what the email service last reported about the address: bounced (a hard bounce),
	// complained (marked as spam) or delivered, with its time and a short reason; null when it reported nothing
	// since the address was set. Activation emails are not resent to a bounced or complained address.
	EmailStatus *EmailStatus       `json:"emailStatus"`
	Memberships []StatusMembership `json:"memberships"`
	Version     int                `json:"version"`
}

// EmailStatus is the email service's last report about a user's address.
type EmailStatus struct {
	Status string    `json:"status"` // bounced, complained or delivered (user.EmailBounced, ...)
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// emailStatusOf is the user's EmailStatus, nil if none.
func emailStatusOf(u user.User) *EmailStatus {
	if u.EmailState == nil {
		return nil
	}
	return &EmailStatus{Status: u.EmailState.State, At: u.EmailState.At.UTC(), Reason: u.EmailState.Reason}
}

// Delivery states of an activation email.
const (
	EmailPending = "pending" // queued or being sent
	EmailSent    = "sent"
	EmailFailed  = "failed"
	// EmailUnknown: the outbox no longer holds the message (it keeps them 30 days).
	EmailUnknown = "unknown"
)

// ActivationEmail is an activation email and its delivery.
type ActivationEmail struct {
	// SentAt is when the email was sent, or while it is pending or failed, when it was asked for.
	SentAt time.Time `json:"sentAt"`
	Status string    `json:"status"`
	// MessageID is the email service's id of a sent email, for tracing it with the provider.
	MessageID string `json:"messageId,omitempty"`
}

// StatusMembership is one account the user belongs to (among those the caller sees).
type StatusMembership struct {
	AccountID   string       `json:"accountId"`
	AccountName string       `json:"accountName"`
	AccountKind account.Kind `json:"accountKind"`
	Roles       []role.Name  `json:"roles"`
}

// Status is the user status check. The caller needs role.UsersView over an account the user is a member of;
// it sees only the memberships in its part of the tree.
func (s *Service) Status(ctx context.Context, a actor.Actor, userID string) (StatusCheck, error) {
	if err := need(a, role.UsersView); err != nil {
		return StatusCheck{}, err
	}
	t, err := s.target(ctx, a, userID)
	if err != nil {
		return StatusCheck{}, err
	}
	u, now := t.user, s.clock.Now()
	out := StatusCheck{
		ID: u.ID, Name: u.Name, Email: u.Email, Phone: u.Phone, Mobile: u.Mobile,
		Registered: u.Registered(), Status: u.Status.Registration(),
		LastLoginAt: timeOrNil(u.LastLoginAt), TwoFactor: u.TwoFactor,
		Locked: u.Locked(now), Memberships: []StatusMembership{}, Version: u.Version, EmailStatus: emailStatusOf(u),
	}
	if u.LastLoginError != "" {
		e := u.LastLoginError
		out.LastLoginError, out.LastLoginErrorAt = &e, timeOrNil(u.LastLoginErrAt)
	}
	if out.Locked {
		out.LockedUntil = timeOrNil(u.LockedUntil)
	}
	for _, m := range t.seen(a) {
		roles := m.Roles
		if roles == nil {
			roles = []role.Name{}
		}
		out.Memberships = append(out.Memberships, StatusMembership{
			AccountID: m.AccountID, AccountName: t.accounts[m.AccountID].Company.Name, AccountKind: t.accounts[m.AccountID].Kind, Roles: roles,
		})
	}
	if out.LastActivationEmail, err = s.activationEmail(ctx, u); err != nil {
		return StatusCheck{}, err
	}
	return out, nil
}

// activationEmail reads the outbox message of the user's last activation email.
func (s *Service) activationEmail(ctx context.Context, u user.User) (*ActivationEmail, error) {
	if u.ActivationMessageID == "" {
		return nil, nil
	}
	m, found, err := s.store.Message(ctx, u.ActivationMessageID)
	if err != nil {
		return nil, err
	}
	out := &ActivationEmail{SentAt: u.ActivationSentAt.UTC(), Status: EmailUnknown}
	switch {
	case !found:
	case m.Status == outbox.StatusSent:
		out.Status, out.MessageID = EmailSent, m.SESMessageID
		if !m.SentAt.IsZero() {
			out.SentAt = m.SentAt.UTC()
		}
	case m.Status == outbox.StatusFailed:
		out.Status = EmailFailed
	default:
		out.Status = EmailPending
	}
	return out, nil
}
