package invitation_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestNewUserIsInvitedAndActivatedByItsLink(t *testing.T) {
	t.Parallel()
	p := invitation.Person{Name: "Ada", Email: "ada@example.com", Phone: "+1 206 555 0100"}
	u := invitation.NewUser("u1", p, "acc1", user.TwoFactor{Enabled: true, Method: user.MethodEmail}, now)
	if u.Status != user.Invited || u.HomeAccountID != "acc1" || u.Email != p.Email || u.PasswordHash != "" || u.Version != 1 || !u.CreatedAt.Equal(now) {
		t.Fatalf("user %+v", u)
	}
	by := invitation.Inviter{UserID: "boss", Name: "Boss", AccountID: "acc0", AccountName: "Acme"}
	tok := invitation.ActivationToken("t1", u, "acc1", by, now)
	if tok.Purpose != secret.PurposeActivation || tok.Status != token.Pending || tok.UserID != "u1" || tok.AccountID != "acc1" ||
		tok.InvitedBy != "boss" || tok.InviterAccountID != "acc0" || !tok.ExpiresAt.Equal(now.Add(invitation.ActivationTTL)) {
		t.Fatalf("token %+v", tok)
	}
	u = invitation.Activated(u, tok, "m1")
	if u.ActivationTokenID != "t1" || u.ActivationMessageID != "m1" || !u.ActivationSentAt.Equal(now) {
		t.Fatalf("activated %+v", u)
	}
	m := invitation.MembershipToken("t2", "u2", "acc1", by, now)
	if m.Purpose != secret.PurposeMembership || !m.ExpiresAt.Equal(now.Add(invitation.MembershipTTL)) || m.InvitedBy != "boss" {
		t.Fatalf("membership token %+v", m)
	}
}

func TestReinvitedForgetsWhatTheLoginKnew(t *testing.T) {
	t.Parallel()
	old := user.User{ID: "u1", Email: "ada@example.com", Name: "Old", Mobile: "+1 206 555 0100", Status: user.Disabled,
		HomeAccountID: "gone", PasswordHash: "h", SecurityQuestion: "q", SecurityAnswerHash: "a",
		Failures: 3, FailuresSince: now, LockedUntil: now.Add(time.Hour), CreatedAt: now.Add(-time.Hour), Version: 4}
	u := invitation.Reinvited(old, invitation.Person{Name: "Ada", Email: "ignored@example.com", Phone: "+44 20 7946 0000"}, "acc1")
	if u.Status != user.Invited || u.HomeAccountID != "acc1" || u.Name != "Ada" || u.Phone != "+44 20 7946 0000" || u.Mobile != "" ||
		u.PasswordHash != "" || u.SecurityQuestion != "" || u.SecurityAnswerHash != "" || u.Failures != 0 ||
		!u.FailuresSince.IsZero() || !u.LockedUntil.IsZero() {
		t.Fatalf("reinvited %+v", u)
	}
	if u.ID != old.ID || u.Email != old.Email || u.Version != old.Version || !u.CreatedAt.Equal(old.CreatedAt) {
		t.Fatalf("the login's identity changed: %+v", u)
	}
}

func TestRoleWording(t *testing.T) {
	t.Parallel()
	roles := []role.Name{role.ReadOnly, "no-such-role"}
	r, _ := role.Find(role.ReadOnly)
	if got := invitation.RoleTitles(roles); got != r.Title {
		t.Fatalf("titles %q", got)
	}
	if got := invitation.RoleNames(roles); got != string(role.ReadOnly)+",no-such-role" {
		t.Fatalf("names %q", got)
	}
}
