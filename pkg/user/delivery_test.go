package user_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestApplyFeedback(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	bounced := &user.EmailState{State: user.EmailBounced, At: t0, Reason: "Permanent General"}
	delivered := &user.EmailState{State: user.EmailDelivered, At: t0}
	cases := []struct {
		name    string
		current *user.EmailState
		f       user.Feedback
		want    string // the new state, "" for no change
	}{
		{"case=first hard bounce", nil, user.Feedback{Kind: user.FeedbackBounce, Address: "ada@example.com", At: t0}, user.EmailBounced},
		{"case=address in another case", nil, user.Feedback{Kind: user.FeedbackBounce, Address: " ADA@Example.com", At: t0}, user.EmailBounced},
		{"case=complaint", delivered, user.Feedback{Kind: user.FeedbackComplaint, Address: "ada@example.com", At: t0.Add(time.Second)}, user.EmailComplained},
		{"case=later delivery clears", bounced, user.Feedback{Kind: user.FeedbackDelivery, Address: "ada@example.com", At: t0.Add(time.Minute)}, user.EmailDelivered},
		{"case=transient bounce", nil, user.Feedback{Kind: user.FeedbackTransient, Address: "ada@example.com", At: t0}, ""},
		{"case=transient after delivery", delivered, user.Feedback{Kind: user.FeedbackTransient, Address: "ada@example.com", At: t0.Add(time.Hour)}, ""},
		{"case=same report again", bounced, user.Feedback{Kind: user.FeedbackBounce, Address: "ada@example.com", At: t0}, ""},
		{"case=older delivery", bounced, user.Feedback{Kind: user.FeedbackDelivery, Address: "ada@example.com", At: t0.Add(-time.Minute)}, ""},
		{"case=older bounce", delivered, user.Feedback{Kind: user.FeedbackBounce, Address: "ada@example.com", At: t0.Add(-time.Nanosecond)}, ""},
		{"case=former address", nil, user.Feedback{Kind: user.FeedbackBounce, Address: "old@example.com", At: t0}, ""},
		{"case=no time", nil, user.Feedback{Kind: user.FeedbackBounce, Address: "ada@example.com"}, ""},
		{"case=unknown kind", nil, user.Feedback{Kind: "open", Address: "ada@example.com", At: t0}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, changed := user.ApplyFeedback("ada@example.com", c.current, c.f)
			switch {
			case c.want == "" && (changed || got != nil):
				t.Fatalf("ApplyFeedback = %+v, %v; want no change", got, changed)
			case c.want != "" && (!changed || got == nil || got.State != c.want || !got.At.Equal(c.f.At)):
				t.Fatalf("ApplyFeedback = %+v, %v; want %s at %v", got, changed, c.want, c.f.At)
			}
		})
	}
}

func TestUndeliverableAndChangeEmail(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	for state, want := range map[string]bool{user.EmailBounced: true, user.EmailComplained: true, user.EmailDelivered: false} {
		u := user.User{Email: "ada@example.com", EmailState: &user.EmailState{State: state, At: at}}
		if u.Undeliverable() != want {
			t.Errorf("state %s: Undeliverable = %v, want %v", state, !want, want)
		}
		u.ChangeEmail("ADA@example.com") // the same address in another case keeps what the service said
		if u.EmailState == nil {
			t.Errorf("state %s: a change of case cleared the state", state)
		}
		u.ChangeEmail("ada@elsewhere.example")
		if u.EmailState != nil || u.Undeliverable() || u.Email != "ada@elsewhere.example" {
			t.Errorf("state %s: after a new address, state %+v, email %s", state, u.EmailState, u.Email)
		}
	}
	if (user.User{}).Undeliverable() {
		t.Error("a user without reports is undeliverable")
	}
}
