package onboarding

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// eachInTime answers the unbroken run of successes from the first: a page of a bulk resend ends there, and its
// cursor goes on after it.
func TestEachInTime(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")

	t.Run("case=all", func(t *testing.T) {
		var calls atomic.Int32
		n, err := eachInTime(context.Background(), 20, func(int) error { calls.Add(1); return nil })
		if n != 20 || err != nil || calls.Load() != 20 {
			t.Errorf("got %d, %v after %d calls; want 20, nil", n, err, calls.Load())
		}
	})
	t.Run("case=one fails", func(t *testing.T) {
		n, err := eachInTime(context.Background(), 50, func(i int) error {
			if i == 13 {
				return boom
			}
			return nil
		})
		if n != 13 || !errors.Is(err, boom) {
			t.Errorf("got %d, %v; want 13, boom", n, err)
		}
	})
	t.Run("case=the first fails", func(t *testing.T) {
		n, err := eachInTime(context.Background(), 5, func(i int) error { return boom })
		if n != 0 || !errors.Is(err, boom) {
			t.Errorf("got %d, %v; want 0, boom", n, err)
		}
	})
	t.Run("case=no time for any", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), pageReserve-time.Millisecond)
		defer cancel()
		var calls atomic.Int32
		n, err := eachInTime(ctx, 5, func(int) error { calls.Add(1); return nil })
		if n != 0 || err != nil || calls.Load() != 0 {
			t.Errorf("got %d, %v after %d calls; want 0, nil, none", n, err, calls.Load())
		}
	})
	t.Run("case=time runs out", func(t *testing.T) {
		// Each call takes 40 ms, resendWorkers at a time: the reserve is reached after a few rounds.
		ctx, cancel := context.WithTimeout(context.Background(), pageReserve+200*time.Millisecond)
		defer cancel()
		n, err := eachInTime(ctx, 1000, func(int) error { time.Sleep(40 * time.Millisecond); return nil })
		if n == 0 || n == 1000 || err != nil {
			t.Errorf("got %d, %v; want a part of the 1000, nil", n, err)
		}
		if left := time.Until(mustDeadline(t, ctx)); left < pageReserve-time.Second {
			t.Errorf("%v left, the reserve is %v", left, pageReserve)
		}
	})
}

func mustDeadline(t *testing.T, ctx context.Context) time.Time {
	d, ok := ctx.Deadline()
	if !ok {
		t.Fatal("no deadline")
	}
	return d
}
