package session_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/session"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestValid(t *testing.T) {
	t.Parallel()
	s := session.New("h", "u", "a", t0)
	cases := []struct {
		name string
		s    session.Session
		at   time.Duration
		want bool
	}{
		{"new", s, 0, true},
		{"idle just under 30 min", s, 30*time.Minute - time.Nanosecond, true},
		{"idle 30 min", s, 30 * time.Minute, false},
		{"touched, 40 min after sign-in", s.Touched(t0.Add(20 * time.Minute)), 40 * time.Minute, true},
		{"touched at 11h50, at 12h", s.Touched(t0.Add(11*time.Hour + 50*time.Minute)), 12 * time.Hour, false},
	}
	for _, tc := range cases {
		t.Run("case="+tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.s.Valid(t0.Add(tc.at)); got != tc.want {
				t.Fatalf("Valid = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTouched(t *testing.T) {
	t.Parallel()
	s := session.New("h", "u", "a", t0)
	if s.NeedsTouch(t0.Add(59 * time.Second)) {
		t.Fatal("a touch within the minute")
	}
	if !s.NeedsTouch(t0.Add(time.Minute)) {
		t.Fatal("no touch after a minute")
	}
	late := s.Touched(t0.Add(11*time.Hour + 45*time.Minute))
	if !late.IdleExpiresAt.Equal(s.AbsoluteExpiresAt) {
		t.Fatalf("idle expiry %v passes the absolute %v", late.IdleExpiresAt, s.AbsoluteExpiresAt)
	}
	if got := s.CookieMaxAge(t0.Add(time.Hour)); got != 11*3600 {
		t.Fatalf("CookieMaxAge = %d", got)
	}
}
