package user_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestSessionOver(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ended := user.User{SessionsEndedAt: t0, SessionKept: "kept"}
	cases := []struct {
		name    string
		u       user.User
		created time.Time
		hash    string
		want    bool
	}{
		{"nothing ended", user.User{}, t0, "h", false},
		{"before a password change", user.User{PasswordChangedAt: t0}, t0.Add(-time.Second), "h", true},
		{"after a password change", user.User{PasswordChangedAt: t0}, t0, "h", false},
		{"before an end of all", ended, t0.Add(-time.Second), "h", true},
		{"at the instant of an end of all", ended, t0, "h", true},
		{"after an end of all", ended, t0.Add(time.Nanosecond), "h", false},
		{"the session that asked", ended, t0.Add(-time.Hour), "kept", false},
		{"the session that asked, before a password change", user.User{PasswordChangedAt: t0, SessionsEndedAt: t0, SessionKept: "kept"}, t0.Add(-time.Hour), "kept", true},
	}
	for _, c := range cases {
		t.Run("case="+c.name, func(t *testing.T) {
			t.Parallel()
			if got := c.u.SessionOver(c.created, c.hash); got != c.want {
				t.Fatalf("SessionOver = %v, want %v", got, c.want)
			}
		})
	}
}
