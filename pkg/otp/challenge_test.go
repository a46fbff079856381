package otp_test

import (
	"errors"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func slug(err error) string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Slug
	}
	return ""
}

func TestCheck(t *testing.T) {
	t.Parallel()
	fresh := otp.New("c1", "u1", "a1", t0)
	used := fresh
	used.Status = otp.Used
	dead := fresh
	dead.Attempts = otp.MaxAttempts
	last := fresh
	last.Attempts = otp.MaxAttempts - 1

	cases := []struct {
		name string
		c    otp.Challenge
		at   time.Duration
		want string
	}{
		{"fresh", fresh, 0, ""},
		{"last second", fresh, otp.CodeTTL - time.Nanosecond, ""},
		{"expired at sixty seconds", fresh, otp.CodeTTL, "code-expired"},
		{"used", used, time.Second, "code-used"},
		{"used and expired", used, time.Hour, "code-used"},
		{"fifth guess allowed", last, time.Second, ""},
		{"sixth guess refused", dead, time.Second, "code-dead"},
	}
	for _, tc := range cases {
		t.Run("case="+tc.name, func(t *testing.T) {
			t.Parallel()
			if got := slug(tc.c.Check(t0.Add(tc.at))); got != tc.want {
				t.Fatalf("Check = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	c := otp.New("c1", "u1", "a1", t0)
	if c.Seq != 1 || c.Attempts != 0 || c.Status != otp.Pending || c.Method != otp.MethodEmail ||
		!c.ExpiresAt.Equal(t0.Add(60*time.Second)) || c.AttemptsLeft() != otp.MaxAttempts {
		t.Fatalf("New = %+v", c)
	}
}

func TestResend(t *testing.T) {
	t.Parallel()
	c := otp.New("c1", "u1", "a1", t0)
	c.Attempts = 3

	t.Run("case=too soon", func(t *testing.T) {
		if _, ok := c.Resend(t0.Add(otp.ResendInterval - time.Second)); ok {
			t.Fatal("resent within the interval")
		}
	})
	t.Run("case=next code", func(t *testing.T) {
		at := t0.Add(otp.ResendInterval)
		next, ok := c.Resend(at)
		if !ok || next.Seq != 2 || next.Attempts != 0 || next.Resends != 1 || !next.IssuedAt.Equal(at) ||
			!next.ExpiresAt.Equal(at.Add(otp.CodeTTL)) || !next.CreatedAt.Equal(t0) {
			t.Fatalf("Resend = %+v, %v", next, ok)
		}
	})
	t.Run("case=after a dead code", func(t *testing.T) {
		dead := c
		dead.Attempts = otp.MaxAttempts
		next, ok := dead.Resend(t0.Add(time.Minute))
		if !ok || next.Check(t0.Add(time.Minute)) != nil {
			t.Fatalf("a dead code could not be replaced: %+v", next)
		}
	})
	t.Run("case=limit", func(t *testing.T) {
		cur, at := c, t0
		for i := range otp.MaxResends {
			at = at.Add(otp.ResendInterval)
			var ok bool
			if cur, ok = cur.Resend(at); !ok {
				t.Fatalf("resend %d refused", i+1)
			}
		}
		if _, ok := cur.Resend(at.Add(otp.ResendInterval)); ok {
			t.Fatal("a resend past the limit")
		}
	})
	t.Run("case=used", func(t *testing.T) {
		used := c
		used.Status = otp.Used
		if _, ok := used.Resend(t0.Add(time.Minute)); ok {
			t.Fatal("resent a used challenge")
		}
	})
	t.Run("case=past lifetime", func(t *testing.T) {
		if _, ok := c.Resend(t0.Add(otp.Lifetime)); ok {
			t.Fatal("resent past the challenge's lifetime")
		}
	})
}

func TestErrWrong(t *testing.T) {
	t.Parallel()
	var fe *fault.Error
	if err := otp.ErrWrong(2); !errors.As(err, &fe) || fe.Extra["attemptsLeft"] != 2 || !errors.Is(err, fault.ErrUnauthorized) {
		t.Fatalf("ErrWrong = %#v", err)
	}
}
