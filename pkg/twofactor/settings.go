package twofactor

import (
	"context"
	"errors"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/password"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Settings is a user's two-factor sign-in as they see it: GET /v1/me/two-factor.
type Settings struct {
	// Enabled is whether sign-in asks for a second factor; only a super administrator changes it.
	Enabled bool `json:"enabled"`
	// Method is how the second step is done: email, sms or totp (a code), or passkey.
	Method string `json:"method"`
	// Methods are the methods the user may choose now.
	Methods        []string `json:"methods"`
	MobileVerified bool     `json:"mobileVerified"`
	// Mobile is the verified number, masked (+44•••••••123); empty while none is verified.
	Mobile            string `json:"mobile,omitempty"`
	TOTPEnrolled      bool   `json:"totpEnrolled"`
	RecoveryCodesLeft int    `json:"recoveryCodesLeft"`
	// Passkeys is how many passkeys the user has registered (GET /v1/me/passkeys lists them).
	Passkeys int `json:"passkeys"`
	// PasswordRules are the rules a new password must meet: 15 characters at least while two-factor sign-in
	// is off, 8 while it is on.
	PasswordRules password.Rules `json:"passwordRules"`
}

func settingsOf(u user.User, f factor.Factors) Settings {
	st := Settings{
		Enabled:           u.TwoFactor.Enabled,
		Method:            methodOf(u),
		Methods:           f.Methods(),
		MobileVerified:    f.MobileVerified(),
		TOTPEnrolled:      f.TOTPEnrolled(),
		RecoveryCodesLeft: len(f.RecoveryCodes),
		PasswordRules:     password.RulesFor(u.TwoFactor.Enabled),
	}
	if f.MobileVerified() {
		st.Mobile = factor.MaskMobile(f.Mobile)
	}
	return st
}

// methodOf is the user's method; users created before methods existed have none and use email.
func methodOf(u user.User) string {
	if u.TwoFactor.Method == "" {
		return user.MethodEmail
	}
	return u.TwoFactor.Method
}

// Mine is the caller's own settings.
func (s *Service) Mine(ctx context.Context, a actor.Actor) (Settings, error) {
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Settings{}, err
	}
	f, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return Settings{}, err
	}
	creds, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return Settings{}, err
	}
	return withPasskeys(settingsOf(u, f), len(creds)), nil
}

// withPasskeys adds the user's n passkeys to st: passkey is a method they may choose once they have one.
func withPasskeys(st Settings, n int) Settings {
	st.Passkeys = n
	if n > 0 {
		st.Methods = append(st.Methods, user.MethodPasskey)
	}
	return st
}

// errNoPasskey answers choosing passkey sign-in without a passkey.
var errNoPasskey = fault.New(fault.ErrConflict, "passkey-not-registered", "Add a passkey first, then choose it for sign-in.")

// Choose makes method the caller's way of signing in: email always, sms once a mobile is verified, totp once
// an authenticator app is enrolled. The user gets an email saying so; a choice of the method already in use
// changes nothing.
func (s *Service) Choose(ctx context.Context, a actor.Actor, method string) (Settings, error) {
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Settings{}, err
	}
	f, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return Settings{}, err
	}
	creds, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return Settings{}, err
	}
	if method == user.MethodPasskey && len(creds) == 0 {
		return Settings{}, errNoPasskey
	}
	if method != user.MethodPasskey {
		if err := f.Choosable(method); err != nil {
			return Settings{}, err
		}
	}
	if method == methodOf(u) {
		return withPasskeys(settingsOf(u, f), len(creds)), nil
	}
	now := s.clock.Now()
	tx := s.store.Tx().ChooseMethod(u.ID, method, errChoiceRace)
	// The factor must still be there when the choice commits.
	switch method {
	case user.MethodSMS:
		tx.RequireFactor(u.ID, dynamo.FactorMobile, errChoiceRace)
	case user.MethodTOTP:
		tx.RequireFactor(u.ID, dynamo.FactorTOTP, errChoiceRace)
	}
	tx.Audit(event(u, u.ID, audit.UserTwoFactorMethodChanged, now, map[string]string{"from": methodOf(u), "to": method}))
	tx.Send(changedEmail(u, "method", method, "", now))
	if err := s.store.Commit(ctx, tx); err != nil {
		if errors.Is(err, errChoiceRace) {
			// The factor went away meanwhile (or the user did): answer what is true now.
			if f, rerr := s.store.Factors(ctx, u.ID); rerr == nil && f.Choosable(method) != nil {
				return Settings{}, f.Choosable(method)
			}
			return Settings{}, fault.New(fault.ErrConflict, "stale-version", "Your two-factor settings changed meanwhile; reload and try again.")
		}
		return Settings{}, err
	}
	u.TwoFactor.Method = method
	s.log.InfoContext(ctx, "two-factor method chosen", "userId", u.ID, "method", method)
	return withPasskeys(settingsOf(u, f), len(creds)), nil
}

// Switched is the answer to an administrator's switch: the user's settings after it.
type Switched struct {
	UserID  string `json:"userId"`
	Enabled bool   `json:"enabled"`
	Method  string `json:"method"`
	// PasswordRules apply to the user's next password; the current one keeps working (no reset is forced).
	PasswordRules password.Rules `json:"passwordRules"`
	// Note says what the switch means for the user's password.
	Note string `json:"note,omitempty"`
}

// noteOff is what switching off means for passwords.
const noteOff = "Two-factor sign-in is off: the password alone signs this user in, so a new password must have at " +
	"least 15 characters. The current password keeps working until it is changed."

// Switch turns two-factor sign-in on or off for another user (or oneself). Only a super administrator may
// (role.TwoFactorManage). The user gets an email saying so, and the change is audited; switching to the state
// the user is already in changes nothing and sends nothing.
func (s *Service) Switch(ctx context.Context, a actor.Actor, userID string, enabled bool) (Switched, error) {
	if !a.Can(role.TwoFactorManage) {
		return Switched{}, fault.New(fault.ErrForbidden, "forbidden", "Only a super administrator can switch two-factor sign-in on or off.")
	}
	u, err := s.userFor(ctx, userID)
	if err != nil {
		return Switched{}, err
	}
	if u.TwoFactor.Enabled != enabled {
		if err := s.switchTo(ctx, a, u, enabled); err != nil {
			return Switched{}, err
		}
		u.TwoFactor.Enabled = enabled
	}
	out := Switched{UserID: u.ID, Enabled: enabled, Method: methodOf(u), PasswordRules: password.RulesFor(enabled)}
	if !enabled {
		out.Note = noteOff
	}
	return out, nil
}

func (s *Service) switchTo(ctx context.Context, a actor.Actor, u user.User, enabled bool) error {
	now := s.clock.Now()
	by := ""
	if admin, err := s.store.User(ctx, a.UserID); err == nil {
		by = admin.Name
	}
	change, action := "disabled", audit.UserTwoFactorDisabled
	if enabled {
		change, action = "enabled", audit.UserTwoFactorEnabled
	}
	tx := s.store.Tx().
		SwitchTwoFactor(u.ID, u.TwoFactor.Enabled, enabled, errSwitchRace).
		Audit(event(u, a.UserID, action, now, nil))
	if u.Status != user.Disabled { // a user whose access was removed hears nothing more
		tx.Send(changedEmail(u, change, methodOf(u), by, now))
	}
	err := s.store.Commit(ctx, tx)
	if errors.Is(err, errSwitchRace) {
		// Another administrator switched first. If they made the same change, it is done; otherwise the
		// caller should look again.
		if now, rerr := s.store.User(ctx, u.ID); rerr == nil && now.TwoFactor.Enabled == enabled {
			return nil
		}
		return fault.New(fault.ErrConflict, "stale-version", "Someone else changed this user's two-factor sign-in first; reload and try again.")
	}
	if err == nil {
		s.log.InfoContext(ctx, "two-factor switched", "userId", u.ID, "enabled", enabled, "by", a.UserID)
	}
	return err
}

var (
	errSwitchRace = errors.New("two-factor setting changed since it was read")
	errChoiceRace = errors.New("second factor changed since it was read")
)
