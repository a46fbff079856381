package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/feedback"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// memStore is a Store in memory, which applies decide as the table's conditional write would.
type memStore struct {
	mu     sync.Mutex
	users  map[string]user.User
	err    error // every call fails with it when set
	byMail int   // lookups by address
	// written counts the items written beside the states: the audit records and the home account's marks.
	written int
}

func (m *memStore) UserByEmail(_ context.Context, email string) (user.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byMail++
	for _, u := range m.users {
		if u.Email == email {
			return u, nil
		}
	}
	return user.User{}, fmt.Errorf("user by email: %w", fault.ErrNotFound)
}

func (m *memStore) RecordEmailState(_ context.Context, id string, decide func(user.User, *dynamo.Tx) (*user.EmailState, bool)) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	u, ok := m.users[id]
	if !ok {
		return false, fmt.Errorf("user %s: %w", id, fault.ErrNotFound)
	}
	tx := dynamo.Store{Table: "memory"}.Tx()
	next, changed := decide(u, tx)
	if !changed {
		return false, nil
	}
	m.written += tx.Len()
	u.EmailState = next
	m.users[id] = u
	return true, nil
}

func TestRecord(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	newWorld := func() (*memStore, *feedback.Service, map[tally.Name]int) {
		store := &memStore{users: map[string]user.User{
			"u1": {ID: "u1", Email: "ada@example.com"},
			"u2": {ID: "u2", Email: "grace@example.com"},
		}}
		counts := map[tally.Name]int{}
		var mu sync.Mutex
		return store, feedback.New(store, nil, func(_ context.Context, n tally.Name) { mu.Lock(); counts[n]++; mu.Unlock() }), counts
	}
	bounce := func(addr string, at time.Time) user.Feedback {
		return user.Feedback{Kind: user.FeedbackBounce, Address: addr, At: at, Reason: "Permanent General"}
	}

	t.Run("case=tagged", func(t *testing.T) {
		t.Parallel()
		store, s, counts := newWorld()
		if err := s.Record(context.Background(), feedback.Report{UserID: "u1", Feedback: []user.Feedback{bounce("ada@example.com", t0)}}); err != nil {
			t.Fatal(err)
		}
		if st := store.users["u1"].EmailState; st == nil || st.State != user.EmailBounced || store.byMail != 0 || counts[tally.EmailsBounced] != 1 || store.written != 2 {
			t.Fatalf("state %+v, %d lookups by address, counts %v, %d items beside (want the audit record and the mark)", st, store.byMail, counts, store.written)
		}
		// A later delivery clears the state and removes the mark, and is not audited.
		d := user.Feedback{Kind: user.FeedbackDelivery, Address: "ada@example.com", At: t0.Add(time.Minute)}
		if err := s.Record(context.Background(), feedback.Report{UserID: "u1", Feedback: []user.Feedback{d}}); err != nil {
			t.Fatal(err)
		}
		if st := store.users["u1"].EmailState; st == nil || st.State != user.EmailDelivered || store.written != 3 {
			t.Fatalf("after a delivery: state %+v, %d items beside (want one more: the mark's removal)", st, store.written)
		}
	})
	t.Run("case=untagged falls back to the address", func(t *testing.T) {
		t.Parallel()
		store, s, counts := newWorld()
		f := user.Feedback{Kind: user.FeedbackComplaint, Address: "grace@example.com", At: t0}
		if err := s.Record(context.Background(), feedback.Report{Feedback: []user.Feedback{f, f}}); err != nil {
			t.Fatal(err)
		}
		if st := store.users["u2"].EmailState; st == nil || st.State != user.EmailComplained || store.byMail != 2 || counts[tally.EmailsComplained] != 1 || store.written != 2 {
			t.Fatalf("state %+v, %d lookups by address, counts %v, %d items beside (the audit record and the mark; the repeat writes neither)", st, store.byMail, counts, store.written)
		}
	})
	t.Run("case=transient and unknown recipients change nothing", func(t *testing.T) {
		t.Parallel()
		store, s, counts := newWorld()
		r := feedback.Report{Feedback: []user.Feedback{
			{Kind: user.FeedbackTransient, Address: "ada@example.com", At: t0},
			bounce("nobody@example.com", t0),
		}}
		if err := s.Record(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if err := s.Record(context.Background(), feedback.Report{UserID: "gone", Feedback: []user.Feedback{bounce("ada@example.com", t0)}}); err != nil {
			t.Fatalf("a tag naming no user: %v", err)
		}
		if store.users["u1"].EmailState != nil || len(counts) != 0 {
			t.Fatalf("state %+v, counts %v", store.users["u1"].EmailState, counts)
		}
	})
	t.Run("case=a failing table fails the event", func(t *testing.T) {
		t.Parallel()
		store, s, _ := newWorld()
		store.err = fmt.Errorf("table: %w", fault.ErrUnavailable)
		err := s.Record(context.Background(), feedback.Report{UserID: "u1", Feedback: []user.Feedback{bounce("ada@example.com", t0)}})
		if !errors.Is(err, fault.ErrUnavailable) {
			t.Fatalf("Record = %v, want the table's error, so the event is retried", err)
		}
	})
}
