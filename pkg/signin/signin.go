// Package signin is signing in and staying signed in: the password step, the one-time-code step, resending a
// code, browser sessions (created, resolved on every request, ended), and the signed-in user's own view (/v1/me).
//
// What an observer learns is kept to a minimum. A wrong password, an unknown email, an unregistered (invited)
// user and a disabled user get the same answer with the same body, after the same work: one Argon2id check, two
// reads and one conditional write. A source locked out of a login gets the same 423 whatever the password and
// whether or not the login exists; a login whose own failure budget is spent answers every password as wrong. The table
// never holds a password, a code or a session token: codes are derived from the challenge id with the HMAC key,
// sessions are stored under the HMAC of their token.
package signin

import (
	"context"
	"errors"
	"time"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/passkey"
	"github.com/partnerhub/partnerhub/pkg/ratelimit"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// store is what sign-in reads and writes; dynamo.Store is one.
type store interface {
	branding.Store
	partneraccess.StaffReader
	User(ctx context.Context, id string) (user.User, error)
	UserByEmail(ctx context.Context, email string) (user.User, error)
	Memberships(ctx context.Context, userID string) ([]user.Membership, error)
	Factors(ctx context.Context, userID string) (factor.Factors, error)
	RecordLoginError(ctx context.Context, userID, reason string, at time.Time) error
	UpdateLoginState(ctx context.Context, u user.User, change func(user.User) user.User) (user.User, error)
	Challenge(ctx context.Context, id string) (otp.Challenge, error)
	CountAttempt(ctx context.Context, c otp.Challenge, now time.Time, rule func(otp.Challenge) error) (otp.Challenge, error)
	Session(ctx context.Context, hash string) (session.Session, error)
	ReadAhead(ctx context.Context, ss session.Session) (context.Context, error)
	SessionReach(ctx context.Context, userID, accountID string) (session.Reach, error)
	ReachOf(ctx context.Context, m user.Membership) (session.Reach, error)
	GrantPair(ctx context.Context, customerID, partnerAccountID string) (grantID string, found bool, err error)
	StaffGroup(ctx context.Context, accountID, id string) (partneraccess.Group, error)
	TouchSession(ctx context.Context, ss session.Session) error
	DeleteSession(ctx context.Context, hash string) error
	EndAllSessions(ctx context.Context, userID string) (int, error)
	SessionsOf(ctx context.Context, userID string) ([]session.Session, error)
	UpdateUser(ctx context.Context, id string, rule func(u *user.User, tx *dynamo.Tx) error) (user.User, error)
	SignIn(ctx context.Context, in dynamo.SignIn) error
	Passkeys(ctx context.Context, userID string) ([]passkey.Credential, error)
	PasskeyOwner(ctx context.Context, credentialID string) (userID, passkeyID string, err error)
	PutCeremony(ctx context.Context, hash string, c passkey.Ceremony) error
	Ceremony(ctx context.Context, hash string) (passkey.Ceremony, error)
	Prefetch(ctx context.Context, refs ...dynamo.Ref) (context.Context, error)
	Tx() *dynamo.Tx
	Commit(ctx context.Context, tx *dynamo.Tx) error
}

var _ store = dynamo.Store{}

// Service runs the sign-in use cases.
type Service struct {
	store  store
	Keys   *secret.Keyring
	Clock  clock.Clock
	Limits ratelimit.Limiter
	Budget Budget
	Guard  Guard
	// Count counts sign-ins, wrong codes and the lockouts they cause (see package tally); nil counts nothing.
	Count tally.Counter
	// Passkeys is the WebAuthn relying party (package relyingparty), wired only into the passkeys function,
	// which serves PasskeyMux; without it those routes answer unavailable.
	Passkeys passkey.Party
}

// New builds the service on a table.
func New(db dynamo.DB, tableName string, keys *secret.Keyring, clk clock.Clock) *Service {
	return &Service{
		store:  dynamo.Store{DB: db, Table: tableName},
		Keys:   keys,
		Clock:  clk,
		Limits: ratelimit.Limiter{DB: db, Table: tableName, Clock: clk},
		Budget: DefaultBudget,
		Guard:  DefaultGuard,
	}
}

// noUser is a user id that never exists (real ids are 22 characters): reads and writes against it cost what they
// cost for a real user and find or change nothing.
const noUser = "none"

// ErrInvalidCredentials is the one answer to a wrong password, an unknown email, an unregistered user, a
// disabled user and a user whose account is disabled.
func ErrInvalidCredentials() error {
	return fault.New(fault.ErrUnauthorized, "invalid-credentials", "The email address or password is not correct.")
}

// ErrLocked is the answer while sign-in is locked: to every password step from a source that spent its budget
// at a login (right password or not), and to the code step of a user whose failure budget is spent.
func ErrLocked(until, now time.Time) error {
	return &fault.Error{
		Kind: fault.ErrLocked, Slug: "sign-in-locked",
		Detail:     "Too many failed sign-in attempts: sign-in is locked for a while. Try again later.",
		RetryAfter: until.Sub(now),
	}
}

// Outcome is the result of the password step: either a code was sent (Challenge, with the other ways it may be
// answered: Alternatives, see AltPasskey) or the user is signed in.
type Outcome struct {
	Challenge    *otp.Challenge
	Alternatives []string
	SignedIn     *SignedIn
}

// SignedIn is a new session. Token goes into the cookie and nowhere else.
type SignedIn struct {
	Token   string
	Session session.Session
	User    user.User
}

// SignIn is the password step. With two-factor sign-in on (the default) it starts a challenge and queues the
// messages with the code (see secondStep) in one transaction; with it off it creates the session.
//
// Before any password is looked at, the step is counted per source, per login and source, and by the
// platform-wide guard (see ratelimit.go). A login whose own failure budget is spent (wrong codes, which only
// someone with the password can make) answers a right password exactly as a wrong one, so a lock is never an
// oracle for the password.
func (s *Service) SignIn(ctx context.Context, email, password string, from session.Client) (Outcome, error) {
	sourceIP := from.IP
	if err := s.limitIP(ctx, SignInPerIP, sourceIP); err != nil {
		return Outcome{}, err
	}
	if err := s.guard(ctx); err != nil {
		return Outcome{}, err
	}
	if err := s.limitLogin(ctx, email, sourceIP); err != nil {
		return Outcome{}, err
	}
	u, known, err := s.lookup(ctx, email)
	if err != nil {
		return Outcome{}, err
	}
	now := s.Clock.Now()

	registered := known && u.PasswordHash != ""
	var right bool
	if registered {
		right = passhash.Check(u.PasswordHash, password)
	} else {
		passhash.SpendCheck(password)
	}
	if !right || u.Locked(now) {
		reason, id := user.ErrWrongPassword, noUser // for an unknown login the write changes nothing, at the same cost
		if registered {
			id = u.ID
			if right {
				reason = user.ErrLocked
			}
		}
		if err := s.store.RecordLoginError(ctx, id, reason, now); err != nil {
			return Outcome{}, err
		}
		if err := s.failed(ctx); err != nil {
			return Outcome{}, err
		}
		return Outcome{}, ErrInvalidCredentials()
	}

	// The password is right: from here on the caller may learn about the account.
	if err := s.allowed(ctx, u, now); err != nil {
		return Outcome{}, err
	}
	// The right password ends the count of steps at this login from this source, with what it starts.
	tx := s.clearLogin(s.store.Tx(), email, sourceIP)
	if u.TwoFactor.Enabled {
		step, err := s.secondStep(ctx, u, now) // by the user's method: email, SMS and email, an app or a passkey
		if err != nil {
			return Outcome{}, err
		}
		// The challenge and the messages with its code commit together: no code is sent for a challenge that
		// does not exist, and no challenge exists whose code was not queued.
		tx.PutChallenge(step.challenge)
		for _, m := range step.messages {
			tx.Send(m)
		}
		if err := s.store.Commit(ctx, tx); err != nil {
			return Outcome{}, err
		}
		return Outcome{Challenge: &step.challenge, Alternatives: step.alternatives}, nil
	}
	in, err := s.startSession(ctx, u, from, tx, now)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{SignedIn: &in}, nil
}

// lookup finds a user by email. It always makes two reads, the email guard and a user, so an unknown address
// costs what a known one does.
func (s *Service) lookup(ctx context.Context, email string) (user.User, bool, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, fault.ErrNotFound) {
		_, err = s.store.User(ctx, noUser)
		if errors.Is(err, fault.ErrNotFound) {
			err = nil
		}
		return user.User{}, false, err
	}
	return u, err == nil, err
}

// allowed checks, once the password is proven, that the user may sign in now: active, and
// a member of an account that is neither disabled nor below a disabled one. Each refusal is recorded as the user's last login error.
func (s *Service) allowed(ctx context.Context, u user.User, now time.Time) error {
	if u.Status != user.Active {
		return s.refuse(ctx, u, user.ErrDisabled, ErrInvalidCredentials(), now)
	}
	// The membership and the account in one read, as the session's requests will read them.
	ctx, err := s.store.ReadAhead(ctx, session.Session{UserID: u.ID, AccountID: u.HomeAccountID})
	if err != nil {
		return err
	}
	_, err = s.store.Membership(ctx, u.ID, u.HomeAccountID)
	if errors.Is(err, fault.ErrNotFound) {
		return s.refuse(ctx, u, user.ErrDisabled, ErrInvalidCredentials(), now)
	}
	if err != nil {
		return err
	}
	a, err := s.store.Account(ctx, u.HomeAccountID)
	if errors.Is(err, fault.ErrNotFound) {
		return s.refuse(ctx, u, user.ErrDisabled, ErrInvalidCredentials(), now)
	}
	if err != nil {
		return err
	}
	// The account and every account above it must be enabled: disabling an account blocks its subtree.
	usable, err := s.store.AccountUsable(ctx, a)
	if err != nil {
		return err
	}
	if !usable {
		return s.refuse(ctx, u, user.ErrDisabled, ErrInvalidCredentials(), now)
	}
	return nil
}

// refuse records reason as the user's last login error and returns answer.
func (s *Service) refuse(ctx context.Context, u user.User, reason string, answer error, now time.Time) error {
	if err := s.store.RecordLoginError(ctx, u.ID, reason, now); err != nil {
		return err
	}
	return answer
}

// codeEmail is the email that carries code c.Seq. It names the code by reference only; the mailer derives the
// code with the HMAC key.
func codeEmail(u user.User, c otp.Challenge, now time.Time) outbox.Message {
	return outbox.New(outbox.Envelope{
		ID: secret.NewID(), To: u.Email, UserID: u.ID, AccountID: c.AccountID, BrandAccountID: u.HomeAccountID,
		SecretRef: secret.CodeRef(c.KeyVersion, c.ID, c.Seq),
	}, outbox.OTPCode{Name: u.Name, ExpiresIn: otp.CodeTTL}, now)
}
