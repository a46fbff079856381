package reset

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/lockout"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/password"
	"github.com/partnerhub/partnerhub/pkg/ratelimit"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// link is a verified reset link that still works, with its user.
type link struct {
	token token.Token
	user  user.User
}

// open verifies a reset token from a link and loads its user. It answers link-invalid (404) for anything that
// does not verify or names nothing, and link-used, link-replaced or link-expired (410) for a link that no
// longer works.
func (s *Service) open(ctx context.Context, raw string) (link, error) {
	id, ok := s.keys.ParseLinkToken(ctx, secret.PurposeReset, raw)
	if !ok {
		return link{}, errLinkInvalid
	}
	t, err := s.store.Token(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return link{}, errLinkInvalid
	}
	if err != nil {
		return link{}, err
	}
	if t.Purpose != secret.PurposeReset {
		return link{}, errLinkInvalid
	}
	u, err := s.store.User(ctx, t.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return link{}, errLinkInvalid
	}
	if err != nil {
		return link{}, err
	}
	switch {
	case t.Status == token.Used:
		return link{}, errLinkUsed
	case t.Attempts >= MaxAnswers:
		return link{}, errLinkUsedUp
	case t.Status == token.Replaced:
		return link{}, errLinkReplaced
	case t.Status == token.Expired || t.Expired(s.clock.Now()) || u.Status != user.Active:
		return link{}, errLinkExpired
	}
	current, err := s.store.ResetTokenOf(ctx, u.ID)
	if err != nil {
		return link{}, err
	}
	if current != t.ID {
		return link{}, errLinkReplaced
	}
	return link{token: t, user: u}, nil
}

// LinkInfo is what a reset link is for: the answer to GET /v1/password-resets/{token}.
type LinkInfo struct {
	Email            string         `json:"email"`
	Name             string         `json:"name"`
	SecurityQuestion string         `json:"securityQuestion"`
	ExpiresAt        time.Time      `json:"expiresAt"`
	PasswordRules    password.Rules `json:"passwordRules"`
	// Branding is the effective branding of the user's home account, which the reset email carried too.
	Branding branding.Effective `json:"branding"`
}

// Link describes a reset link for the page that opens it.
func (s *Service) Link(ctx context.Context, raw string) (LinkInfo, error) {
	l, err := s.open(ctx, raw)
	if err != nil {
		return LinkInfo{}, err
	}
	b, err := branding.Resolver{Store: s.store}.Effective(ctx, l.user.HomeAccountID)
	if errors.Is(err, fault.ErrNotFound) {
		b = branding.Default // no account to brand the page: PartnerHub's, as the email had
	} else if err != nil {
		return LinkInfo{}, err
	}
	return LinkInfo{
		Email: l.user.Email, Name: l.user.Name, SecurityQuestion: l.user.SecurityQuestion,
		ExpiresAt: l.token.ExpiresAt.UTC(), PasswordRules: password.RulesFor(l.user.TwoFactor.Enabled),
		Branding: b,
	}, nil
}

// maxAnswer bounds a security answer, as at activation.
const maxAnswer = 200

// ResetRequest is the body of POST /v1/password-resets/{token}.
type ResetRequest struct {
	SecurityAnswer string `json:"securityAnswer"`
	Password       string `json:"password"`
}

func (r *ResetRequest) validate(v *fault.ValidationError, rules password.Rules, email string) {
	switch a := passhash.NormalizeAnswer(r.SecurityAnswer); {
	case v.Has("securityAnswer"):
	case a == "":
		v.Add("securityAnswer", field.CodeRequired, "Answer your security question.")
	case utf8.RuneCountInString(a) > maxAnswer:
		v.Add("securityAnswer", field.CodeTooLong, fmt.Sprintf("Use at most %d characters.", maxAnswer))
	}
	switch {
	case v.Has("password"):
	case r.Password == "":
		v.Add("password", field.CodeRequired, "Choose a new password.")
	default:
		password.Check(v, "password", r.Password, rules, email)
	}
}

// Done is the answer to a successful reset.
type Done struct {
	Status string `json:"status"` // "password-changed"
	Email  string `json:"email"`
	// SessionsEnded is how many signed-in browsers were signed out.
	SessionsEnded int `json:"sessionsEnded"`
}

// maxSessionDeletes bounds the sessions ended inside the reset's transaction (100 items at most, 4 taken);
// any beyond, and any created while the reset ran, are ended right after it.
const maxSessionDeletes = 90

// Reset sets a new password through a reset link: the security answer must be right and the password must
// meet the activation rules (every broken rule is named; problems holds what decoding found). A wrong answer
// costs the sign-in failure budget and may lock the user (423). The token is consumed, the password set, every
// session ended, the user told by email and the change audited, in one transaction: of concurrent resets with
// one link exactly one succeeds; the others get link-used.
func (s *Service) Reset(ctx context.Context, raw string, req ResetRequest, sourceIP string, problems *fault.ValidationError) (Done, error) {
	l, err := s.open(ctx, raw)
	if err != nil {
		return Done{}, err
	}
	now := s.clock.Now()
	v := problems
	if v == nil {
		v = &fault.ValidationError{}
	}
	req.validate(v, password.RulesFor(l.user.TwoFactor.Enabled), l.user.Email)
	if err := v.Err(); err != nil {
		return Done{}, err
	}
	// The attempt is spent before the answer is compared, so guesses racing with one link are all counted.
	attempts, err := s.store.CountResetAttempt(ctx, l.token.ID)
	if errors.Is(err, fault.ErrConflict) { // used, replaced or expired meanwhile: say which
		if _, err := s.open(ctx, raw); err != nil {
			return Done{}, err
		}
		return Done{}, errLinkUsed
	}
	if err != nil {
		return Done{}, err
	}
	if attempts > MaxAnswers {
		return Done{}, errLinkUsedUp
	}
	if !passhash.CheckAnswer(l.user.SecurityAnswerHash, req.SecurityAnswer) {
		if err := s.store.RecordLoginError(ctx, l.user.ID, user.ErrWrongAnswer, now); err != nil {
			return Done{}, err
		}
		return Done{}, ErrWrongAnswer(MaxAnswers - attempts)
	}
	hash := passhash.Hash(req.Password) // Argon2id, once, outside any retry
	sessions, err := s.store.SessionsOf(ctx, l.user.ID)
	if err != nil {
		return Done{}, err
	}
	hashes := make([]string, 0, min(len(sessions), maxSessionDeletes))
	for _, ss := range sessions[:min(len(sessions), maxSessionDeletes)] {
		hashes = append(hashes, ss.Hash)
	}
	if err := s.store.Commit(ctx, s.resetTx(l, hash, hashes, now)); err != nil {
		// The token was used, replaced or expired meanwhile, or the user changed, or concurrent resets with
		// this link kept colliding: say which.
		if _, oerr := s.open(ctx, raw); oerr != nil {
			return Done{}, oerr
		}
		if errors.Is(err, errLinkMoved) || errors.Is(err, fault.ErrConflict) {
			return Done{}, errLinkUsed
		}
		return Done{}, err
	}
	// The owner proved who they are: a lock of sign-in from where they are ends too (SetPassword ended the
	// user's own failure budget in the transaction).
	if err := s.limits.Clear(ctx, ratelimit.Rule(lockout.PasswordPerLoginSource), lockout.LoginSource(s.keys, l.user.Email, ratelimit.Source(sourceIP))); err != nil {
		s.log.WarnContext(ctx, "sign-in lock not cleared after a password reset", "userId", l.user.ID, "error", err.Error())
	}
	ended := len(hashes)
	// Sessions past the transaction's share, or created since the list was read (the index lags a little).
	if more, err := s.store.EndAllSessions(ctx, l.user.ID); err != nil {
		s.log.ErrorContext(ctx, "end remaining sessions after a password reset", "userId", l.user.ID, "error", err.Error())
	} else {
		ended += more
	}
	s.log.InfoContext(ctx, "password reset", "userId", l.user.ID, "sessionsEnded", ended)
	return Done{Status: "password-changed", Email: l.user.Email, SessionsEnded: ended}, nil
}

// errLinkMoved means the reset's transaction found the token no longer pending or no longer the user's current
// one, or the user no longer active.
var errLinkMoved = errors.New("reset link or its user changed since it was read")

// resetTx is the reset's transaction: the token consumed, the password set, the sessions ended, the user told
// and the change audited.
func (s *Service) resetTx(l link, hash string, sessions []string, now time.Time) *dynamo.Tx {
	return s.store.Tx().
		UseToken(l.token.ID, secret.PurposeReset, now, errLinkMoved).
		RequireCurrentReset(l.user.ID, l.token.ID, errLinkMoved).
		SetPassword(l.user.ID, hash, now, errLinkMoved).
		Audit(audit.Event{
			ID: secret.NewID(), AccountID: l.user.HomeAccountID, At: now, ActorID: l.user.ID,
			Action: audit.UserPasswordReset, TargetType: audit.TargetUser, TargetID: l.user.ID,
		}).
		Send(outbox.New(outbox.Envelope{
			ID: secret.NewID(), To: l.user.Email, UserID: l.user.ID, AccountID: l.user.HomeAccountID,
			BrandAccountID: l.user.HomeAccountID,
		}, outbox.PasswordChanged{Name: l.user.Name}, now)).
		EndSessions(sessions)
}
