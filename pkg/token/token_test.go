package token_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/token"
)

func TestNew(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 500_000_000, time.UTC)
	tok := token.New("t1", "activation", "u1", "a1", now, time.Hour).SentBy("u0", "a0")
	want := token.Token{ID: "t1", Purpose: "activation", UserID: "u1", AccountID: "a1", Status: token.Pending,
		ExpiresAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), InvitedBy: "u0", InviterAccountID: "a0", CreatedAt: now, Version: 1}
	if tok != want {
		t.Fatalf("token %+v, want %+v", tok, want)
	}
}

func TestState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	pending := token.New("t1", "activation", "u1", "a1", now, time.Hour)
	for _, tc := range []struct {
		name   string
		status string
		at     time.Time
		want   string
	}{
		{"case=pending", token.Pending, now.Add(time.Hour - time.Second), ""},
		{"case=at the deadline", token.Pending, now.Add(time.Hour), token.Expired},
		{"case=used", token.Used, now, token.Used},
		{"case=used after the deadline", token.Used, now.Add(2 * time.Hour), token.Used},
		{"case=replaced", token.Replaced, now, token.Replaced},
		{"case=expired by the sweep", token.Expired, now, token.Expired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok := pending
			tok.Status = tc.status
			if got := tok.State(tc.at); got != tc.want {
				t.Fatalf("State = %q, want %q", got, tc.want)
			}
		})
	}
}
