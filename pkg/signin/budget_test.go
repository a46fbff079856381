package signin_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/signin"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestBudget(t *testing.T) {
	t.Parallel()
	b := signin.DefaultBudget
	fail := func(u user.User, n int, at time.Time) user.User {
		for range n {
			u = b.Fail(u, user.ErrWrongCode, at)
		}
		return u
	}

	t.Run("case=locks at the tenth failure", func(t *testing.T) {
		u := fail(user.User{}, 9, start)
		if u.Locked(start) || u.Failures != 9 || u.LastLoginError != user.ErrWrongCode {
			t.Fatalf("after 9: %+v", u)
		}
		u = fail(u, 1, start.Add(time.Minute))
		if !u.Locked(start.Add(time.Minute)) || !u.LockedUntil.Equal(start.Add(16*time.Minute)) {
			t.Fatalf("after 10: lockedUntil %v", u.LockedUntil)
		}
	})
	t.Run("case=window restarts after fifteen minutes", func(t *testing.T) {
		u := fail(user.User{}, 9, start)
		u = fail(u, 1, start.Add(15*time.Minute))
		if u.Locked(start.Add(15*time.Minute)) || u.Failures != 1 {
			t.Fatalf("failures %d, locked %v", u.Failures, u.LockedUntil)
		}
	})
	t.Run("case=failures while locked are recorded, not counted", func(t *testing.T) {
		u := fail(user.User{}, 10, start)
		until := u.LockedUntil
		u = b.Fail(u, user.ErrWrongPassword, start.Add(time.Minute))
		if !u.LockedUntil.Equal(until) || u.Failures != 10 || u.LastLoginError != user.ErrWrongPassword {
			t.Fatalf("%+v", u)
		}
	})
	t.Run("case=fresh budget after the lock", func(t *testing.T) {
		u := fail(user.User{}, 10, start)
		u = b.Fail(u, user.ErrWrongPassword, u.LockedUntil)
		if u.Locked(u.LockedUntil) || u.Failures != 1 {
			t.Fatalf("failures %d", u.Failures)
		}
	})
}
