// Package feedback is what the email service reports after an email left: hard bounces, complaints and
// deliveries, which SES publishes through the configuration set's event destination (EventBridge, see
// infra/mail.go) to the mail-feedback function. It records on each user what their address last did, so that the
// status check and the user list show a bounced or complained address and resending an activation to it is
// refused (package onboarding reads user.User.Undeliverable).
//
// SES delivers events at least once and in no particular order. Recording is idempotent and ordered by the
// event's own time: the user's state moves only to a strictly newer report about their current address
// (user.ApplyFeedback), through a conditional write (dynamo.Store.UpdateEmailState), so a redelivered, a late or
// a stale event (about an address the user has since changed) changes nothing.
package feedback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Store is what recording feedback needs of the table.
type Store interface {
	// UserByEmail finds the user an address belongs to (through its uniqueness guard), for an email without tags.
	UserByEmail(ctx context.Context, email string) (user.User, error)
	// RecordEmailState applies decide to a user's email state and writes it, with what decide added to tx, if it
	// changed (see dynamo.Store).
	// decide may add the mark of a dead address (dynamo.Tx.MarkEmailState) to tx.
	RecordEmailState(ctx context.Context, userID string, decide func(u user.User, tx *dynamo.Tx) (*user.EmailState, bool)) (bool, error)
}

// Service records the email service's reports.
type Service struct {
	store Store
	log   *slog.Logger
	count tally.Counter
}

// New builds the service; log and count may be nil.
func New(store Store, log *slog.Logger, count tally.Counter) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, log: log, count: count}
}

// Record records every recipient's feedback of a report. A recipient who is no user (anymore) is skipped. It
// fails only when the table does, so the event is delivered again.
func (s *Service) Record(ctx context.Context, r Report) error {
	var errs []error
	for _, f := range r.Feedback {
		errs = append(errs, s.one(ctx, r, f))
	}
	return errors.Join(errs...)
}

func (s *Service) one(ctx context.Context, r Report, f user.Feedback) error {
	log := s.log.With("kind", f.Kind, "sesMessageId", r.SESMessageID, "messageId", r.MessageID, "recipientDomain", domain(f.Address))
	if f.Kind == user.FeedbackTransient {
		log.InfoContext(ctx, "transient bounce: the address stays as it is", "reason", f.Reason)
		return nil
	}
	userID, err := s.userOf(ctx, r, f.Address)
	if errors.Is(err, fault.ErrNotFound) {
		log.InfoContext(ctx, "email feedback about no user")
		return nil
	}
	if err != nil {
		return err
	}
	log = log.With("userId", userID)
	var next *user.EmailState
	wrote, err := s.store.RecordEmailState(ctx, userID, func(u user.User, tx *dynamo.Tx) (*user.EmailState, bool) {
		st, changed := user.ApplyFeedback(u.Email, u.EmailState, f)
		next = st
		if action, ok := audited[f.Kind]; ok && changed && st != nil {
			tx.Audit(audit.Event{ID: secret.NewID(), AccountID: u.HomeAccountID, At: f.At, Action: action,
				TargetType: audit.TargetUser, TargetID: u.ID, Details: details(r, f)})
		}
		// The home account's mark of a dead address (its home page lists the user): set on a bounce or a
		// complaint, taken away when a delivery clears one.
		if changed && st != nil && (user.Undeliverable(*st) || u.Undeliverable()) {
			tx.MarkEmailState(u, *st)
		}
		return st, changed
	})
	switch {
	case errors.Is(err, fault.ErrNotFound):
		log.InfoContext(ctx, "email feedback about a user who is gone")
		return nil
	case err != nil:
		return fmt.Errorf("record email feedback: %w", err)
	case !wrote:
		log.InfoContext(ctx, "email feedback changes nothing (repeated, older than the recorded state, or about a former address)")
		return nil
	}
	log.InfoContext(ctx, "email feedback recorded", "emailState", next.State, "reason", next.Reason)
	switch next.State {
	case user.EmailBounced:
		s.count.Count(ctx, tally.EmailsBounced)
	case user.EmailComplained:
		s.count.Count(ctx, tally.EmailsComplained)
	}
	return nil
}

// audited are the reports the audit log records (and the lifecycle events publish): an address that stopped
// working, or whose owner called our email spam. A delivery only clears a mark: the email's own log says it left.
var audited = map[string]audit.Action{
	user.FeedbackBounce:    audit.UserEmailBounced,
	user.FeedbackComplaint: audit.UserEmailComplained,
}

// details are the audit record's facts about a report: which email it was about, and the bounce's kind as SES
// names it. Never the address (the target names the user) nor the diagnostic text, which can quote it.
func details(r Report, f user.Feedback) map[string]string {
	d := map[string]string{}
	if r.MessageID != "" {
		d["messageId"] = r.MessageID
	}
	if f.BounceType != "" {
		d["bounceType"] = f.BounceType
	}
	if f.BounceSubType != "" {
		d["bounceSubType"] = f.BounceSubType
	}
	return d
}

// userOf is the user an email went to: the one its tag names, or else the one who has the address.
func (s *Service) userOf(ctx context.Context, r Report, address string) (string, error) {
	if secret.WellFormedID(r.UserID) {
		return r.UserID, nil
	}
	u, err := s.store.UserByEmail(ctx, address)
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// domain is the part of an address after the @, which logs may hold where they may not hold the address.
func domain(address string) string {
	_, d, _ := strings.Cut(address, "@")
	return strings.ToLower(d)
}
