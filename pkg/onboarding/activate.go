package onboarding

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/password"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// SecurityQuestions are suggested on the activation page; the user may also write their own.
var SecurityQuestions = []string{
	"What was the name of your first pet?",
	"In which city did your parents meet?",
	"What was the first concert you attended?",
	"What was the name of your first school?",
	"What is the name of the street you grew up on?",
	"What was the make of your first car?",
	"What is your oldest cousin's first name?",
	"What was your childhood nickname?",
}

// Branding is how the activation page presents itself: the effective branding of the account the link joins
// (its nearest branded partner's, else PartnerHub's).
type Branding = branding.Effective

// LinkInfo is what an activation link is for: the answer to GET /v1/activations/{token}.
type LinkInfo struct {
	Purpose           string         `json:"purpose"`
	Email             string         `json:"email"`
	Name              string         `json:"name"`
	AccountName       string         `json:"accountName"`
	AccountKind       account.Kind   `json:"accountKind"`
	ExpiresAt         time.Time      `json:"expiresAt"`
	SecurityQuestions []string       `json:"securityQuestions"`
	PasswordRules     password.Rules `json:"passwordRules"`
	Branding          Branding       `json:"branding"`
}

// link is a verified activation link that still works, with what it concerns.
type link struct {
	token   token.Token
	user    user.User
	account account.Account
}

// open verifies an activation token from a link and loads what it concerns. A token that does not verify or
// names nothing is link-invalid (404); one that no longer works is link-used, link-replaced or link-expired
// (410), which says whom to ask for a new one.
func (s *Service) open(ctx context.Context, raw string) (link, error) {
	id, ok := s.keys.ParseLinkToken(ctx, secret.PurposeActivation, raw)
	if !ok {
		return link{}, errLinkInvalid
	}
	tok, err := s.token(ctx, id)
	if err != nil {
		return link{}, err
	}
	// The user, the account and the membership the token names (activation updates all three), in one read.
	refs := []dynamo.Ref{dynamo.UserRef(tok.UserID), dynamo.AccountRef(tok.AccountID), dynamo.MembershipRef(tok.UserID, tok.AccountID)}
	if ctx, err = s.store.Prefetch(ctx, refs...); err != nil {
		return link{}, err
	}
	u, err := s.store.User(ctx, tok.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return link{}, errLinkInvalid
	}
	if err != nil {
		return link{}, err
	}
	state := tok.State(s.clock.Now())
	switch {
	case state != "":
	case u.ActivationTokenID != tok.ID:
		state = token.Replaced // defensive: a resend always marks the old token, but the user record decides
	case u.Status != user.Invited:
		state = token.Used
	}
	if state != "" {
		return link{}, s.gone(ctx, tok, state)
	}
	acc, err := s.store.Account(ctx, tok.AccountID)
	if errors.Is(err, fault.ErrNotFound) {
		return link{}, errLinkInvalid
	}
	if err != nil {
		return link{}, err
	}
	return link{token: tok, user: u, account: acc}, nil
}

// Contact is whom to ask for a new link.
type Contact struct {
	Name        string `json:"name"`
	Email       string `json:"email"`
	AccountName string `json:"accountName,omitempty"`
}

// gone is the 410 answer for a link that no longer works. It names the person who sent it, who can send a new
// one; the platform's first administrator has no such person and is pointed at the operator.
func (s *Service) gone(ctx context.Context, tok token.Token, state string) error {
	ask := "the PartnerHub operator"
	var contact *Contact
	if tok.InvitedBy != "" {
		if u, err := s.store.User(ctx, tok.InvitedBy); err == nil {
			contact = &Contact{Name: u.Name, Email: u.Email}
			ask = fmt.Sprintf("%s (%s)", u.Name, u.Email)
		}
		if acc, err := s.store.Account(ctx, tok.InviterAccountID); err == nil && contact != nil {
			contact.AccountName = acc.Company.Name
			ask += " at " + acc.Company.Name
		}
		if contact == nil {
			ask = "the administrator who invited you"
		}
	}
	var e *fault.Error
	switch state {
	case token.Used:
		e = fault.New(fault.ErrAlreadyUsed, "link-used",
			fmt.Sprintf("This activation link has already been used. Sign in with your email address and password; if you did not activate this account, ask %s for a new link.", ask))
	case token.Replaced:
		e = fault.New(fault.ErrExpired, "link-replaced",
			fmt.Sprintf("A newer activation link was sent to you, so this one no longer works. Use the latest email, or ask %s to send a new one.", ask))
	default:
		e = fault.New(fault.ErrExpired, "link-expired",
			fmt.Sprintf("This activation link expired on %s. Ask %s to send you a new one.", tok.ExpiresAt.UTC().Format("2 January 2006 at 15:04 UTC"), ask))
	}
	if contact != nil {
		e = e.With("contact", contact)
	}
	return e
}

// Link describes an activation link for the page that opens it.
func (s *Service) Link(ctx context.Context, raw string) (LinkInfo, error) {
	l, err := s.open(ctx, raw)
	if err != nil {
		return LinkInfo{}, err
	}
	branding, err := branding.Resolver{Store: s.store}.EffectiveOf(ctx, l.account)
	if err != nil {
		return LinkInfo{}, err
	}
	return LinkInfo{
		Purpose:           secret.PurposeActivation,
		Email:             l.user.Email,
		Name:              l.user.Name,
		AccountName:       l.account.Company.Name,
		AccountKind:       l.account.Kind,
		ExpiresAt:         l.token.ExpiresAt.UTC(),
		SecurityQuestions: SecurityQuestions,
		PasswordRules:     password.RulesFor(l.user.TwoFactor.Enabled),
		Branding:          branding,
	}, nil
}

// ActivateRequest is the body of POST /v1/activations/{token}.
type ActivateRequest struct {
	Password         string `json:"password"`
	SecurityQuestion string `json:"securityQuestion"`
	SecurityAnswer   string `json:"securityAnswer"`
}

// Limits of the security question and answer. An answer of one or two characters is guessed in a few tries,
// and a question under ten characters ("Pet?") cannot say what it asks; the answer's length counts after
// normalising (passhash.NormalizeAnswer), as it is compared.
const (
	minQuestion, maxQuestion = 10, 200
	minAnswer, maxAnswer     = 3, 200
)

// validate checks the request against the rules of the user it activates.
func (r *ActivateRequest) validate(v *fault.ValidationError, rules password.Rules, email string) {
	switch {
	case v.Has("password"):
	case r.Password == "":
		v.Add("password", field.CodeRequired, "This field is required.")
	default:
		password.Check(v, "password", r.Password, rules, email)
	}
	r.SecurityQuestion = field.Text(v, "securityQuestion", r.SecurityQuestion, true, maxQuestion)
	if n := len([]rune(r.SecurityQuestion)); n > 0 && n < minQuestion && !v.Has("securityQuestion") {
		v.Add("securityQuestion", field.CodeTooShort, fmt.Sprintf("Use at least %d characters.", minQuestion))
	}
	// The answer is compared after folding case and spaces (passhash.NormalizeAnswer); check what is compared.
	answer := passhash.NormalizeAnswer(r.SecurityAnswer)
	field.Text(v, "securityAnswer", answer, true, maxAnswer)
	if n := len([]rune(answer)); n > 0 && n < minAnswer && !v.Has("securityAnswer") {
		v.Add("securityAnswer", field.CodeTooShort, fmt.Sprintf("Use at least %d characters.", minAnswer))
	}
}

// Activated is the answer to a successful activation. Signing in is a separate step.
type Activated struct {
	Status user.Status `json:"status"`
	Email  string      `json:"email"`
}

// errActivateConflict answers an activation that kept losing races with other changes of the user, the token or
// the account while the link stayed usable.
var errActivateConflict = fault.New(fault.ErrConflict, "conflict", "The account changed while you were activating it; try again.")

// Activate registers the user of an activation link: it consumes the token, sets the password and security
// question, makes the user active and, for an account's first contact, the account too — in one transaction,
// through the user's update seam. problems holds what decoding the request already found wrong (nil when there
// is none); the rules that depend on the user are added to it, so one answer names every problem. Of concurrent
// activations with one token exactly one succeeds; the others get link-used.
func (s *Service) Activate(ctx context.Context, raw string, req ActivateRequest, problems *fault.ValidationError) (Activated, error) {
	l, err := s.open(ctx, raw)
	if err != nil {
		return Activated{}, err
	}
	v := problems
	if v == nil {
		v = &fault.ValidationError{}
	}
	req.validate(v, password.RulesFor(l.user.TwoFactor.Enabled), l.user.Email)
	if err := v.Err(); err != nil {
		return Activated{}, err
	}
	// Hash once, outside the retries: Argon2id is deliberately slow.
	passwordHash, answerHash := passhash.Hash(req.Password), passhash.HashAnswer(req.SecurityAnswer)
	attempt := 0
	_, err = s.store.UpdateUser(ctx, l.user.ID, func(u *user.User, tx *dynamo.Tx) error {
		if attempt++; attempt > 1 || u.Version != l.user.Version {
			// Someone changed the user, the token or the account first: look again. A link that was used,
			// replaced or expired in the meantime answers so; otherwise the activation is decided on what is there
			// now.
			var err error
			if l, err = s.open(ctx, raw); err != nil {
				return err
			}
		}
		// The membership the link joins keeps a copy of the user's status for the account's user list: the copy
		// moves it in the list's indexes, so it is written from the membership as read.
		m, err := s.store.Membership(ctx, u.ID, l.token.AccountID)
		if errors.Is(err, fault.ErrNotFound) { // removed from the account meanwhile
			return dynamo.ErrUserStale
		}
		if err != nil {
			return err
		}
		now := s.clock.Now()
		u.Status, u.PasswordHash, u.SecurityQuestion, u.SecurityAnswerHash, u.ActivatedAt =
			user.Active, passwordHash, req.SecurityQuestion, answerHash, now
		tx.UseToken(l.token.ID, secret.PurposeActivation, now, dynamo.ErrUserStale).
			MemberStatus(m, user.Active, dynamo.ErrUserStale).
			Audit(audit.Event{ID: secret.NewID(), AccountID: l.account.ID, At: now, ActorID: u.ID,
				Action: audit.UserActivated, TargetType: audit.TargetUser, TargetID: u.ID})
		// The first contact to activate makes a pending account active. It is read first and included only while
		// pending, so an already active account never fails the transaction.
		if l.account.Status == account.Pending {
			tx.ActivateAccount(l.account.ID, dynamo.ErrUserStale).
				Audit(audit.Event{ID: secret.NewID(), AccountID: l.account.ID, At: now, ActorID: u.ID,
					Action: audit.AccountActivated, TargetType: audit.TargetAccount, TargetID: l.account.ID})
		}
		return nil
	})
	if errors.Is(err, dynamo.ErrUserStale) {
		return Activated{}, errActivateConflict
	}
	if err != nil {
		return Activated{}, err
	}
	s.log.InfoContext(ctx, "user activated", "userId", l.user.ID, "accountId", l.account.ID)
	s.count.Count(ctx, tally.Activations)
	return Activated{Status: user.Active, Email: l.user.Email}, nil
}
