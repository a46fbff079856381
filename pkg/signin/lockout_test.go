package signin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/lockout"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/signin"
)

// from signs in from one source address.
func (h *harness) from(ip, email, pw string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions", ip: ip, body: map[string]string{"email": email, "password": pw}})
}

// sameProblem fails unless two answers are the same problem document, but for their request ids.
func sameProblem(t *testing.T, a, b platformtest.Reply) {
	t.Helper()
	delete(a.JSON, "instance")
	delete(b.JSON, "instance")
	if a.StatusCode != b.StatusCode || !reflect.DeepEqual(a.JSON, b.JSON) || a.Headers["Retry-After"] != b.Headers["Retry-After"] {
		t.Fatalf("answers differ:\n%d %v %s\n%d %v %s", a.StatusCode, a.Headers["Retry-After"], a.Body, b.StatusCode, b.Headers["Retry-After"], b.Body)
	}
}

// TestLockedSourceGetsOneAnswer: ten password steps at a login from one address lock that address out of that
// login. While locked, every step from there gets the same 423, right password or wrong, known login or not, and
// still counts; the owner elsewhere signs in as usual; a right password before the lock clears the count.
func TestLockedSourceGetsOneAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	const attacker = "198.51.100.7"
	limit := lockout.PasswordPerLoginSource.Limit

	for range limit {
		wantProblem(t, h.from(attacker, u.Email, "wrong guess"), http.StatusUnauthorized, "invalid-credentials")
	}
	right, wrong := h.from(attacker, u.Email, password), h.from(attacker, u.Email, "wrong guess")
	wantProblem(t, right, http.StatusLocked, "sign-in-locked")
	sameProblem(t, right, wrong)
	if right.Headers["Retry-After"] != "900" {
		t.Fatalf("Retry-After = %q, want the rest of the 15-minute window", right.Headers["Retry-After"])
	}

	t.Run("case=an unknown login locks the same way", func(t *testing.T) {
		h.clock.Advance(time.Minute) // past the per-source minute limit, within the lock's window
		for range limit {
			wantProblem(t, h.from(attacker, "nobody-here@example.com", "guess"), http.StatusUnauthorized, "invalid-credentials")
		}
		sameProblem(t, h.from(attacker, "nobody-here@example.com", "guess"), h.from(attacker, u.Email, password))
	})
	t.Run("case=the owner at another address is not locked out", func(t *testing.T) {
		platformtest.WantStatus(t, h.from("203.0.113.50", u.Email, password), http.StatusOK)
	})
	t.Run("case=an IPv6 /64 is one source", func(t *testing.T) {
		v := h.seedUser(active).user
		for i := range limit {
			h.from(fmt.Sprintf("2001:db8:1:2::%x", i+1), v.Email, "wrong guess")
		}
		wantProblem(t, h.from("2001:db8:1:2:ffff::1", v.Email, password), http.StatusLocked, "sign-in-locked")
		platformtest.WantStatus(t, h.from("2001:db8:1:3::1", v.Email, password), http.StatusOK)
	})
	t.Run("case=a right password clears the count", func(t *testing.T) {
		v := h.seedUser(active).user
		const owner = "192.0.2.77"
		for range limit - 1 {
			h.from(owner, v.Email, "typo")
		}
		platformtest.WantStatus(t, h.from(owner, v.Email, password), http.StatusOK)
		for range limit - 1 {
			wantProblem(t, h.from(owner, v.Email, "typo"), http.StatusUnauthorized, "invalid-credentials")
		}
		platformtest.WantStatus(t, h.from(owner, v.Email, password), http.StatusOK)
	})
	t.Run("case=the lock ends with its window", func(t *testing.T) {
		h.clock.Advance(lockout.PasswordPerLoginSource.Window)
		platformtest.WantStatus(t, h.from(attacker, u.Email, password), http.StatusOK)
	})
}

// TestConcurrentGuessesStopAtTheLimit: guesses racing from one source at one login are counted before any
// password is checked, so exactly the limit of them are answered as wrong and the rest are locked out.
func TestConcurrentGuessesStopAtTheLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	const n = 16 // under the per-source minute limit, over the per-login one
	statuses := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, err := h.try(request{route: "POST /v1/sessions", ip: "198.51.100.9", body: map[string]string{"email": u.Email, "password": "wrong"}})
			statuses[i], errs[i] = r.StatusCode, err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if want := lockout.PasswordPerLoginSource.Limit; count[http.StatusUnauthorized] != want || count[http.StatusLocked] != n-want {
		t.Fatalf("answers %v, want %d wrong-password and %d locked", count, want, n-want)
	}
}

// TestGuardSlowsASpray: one password tried at many logins from many addresses meets no per-source or
// per-login limit; the platform-wide guard turns on at its threshold of failures a minute and then admits only
// its rate of password steps a minute, right password or not, until the failures stop.
func TestGuardSlowsASpray(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	fake := clock.NewFake(start)
	s := signin.New(h.env.Dynamo, h.table, h.keys, fake)
	s.Guard = signin.Guard{Threshold: 8, Rate: 3}
	owner := h.seedUser(active).user
	ctx := context.Background()
	ip := func(i int) string { return fmt.Sprintf("203.0.113.%d", i%250+1) }

	for i := range s.Guard.Threshold {
		_, err := s.SignIn(ctx, fmt.Sprintf("victim%d@example.com", i), "Summer2026!", session.Client{IP: ip(i)})
		if !errors.Is(err, fault.ErrUnauthorized) {
			t.Fatalf("spray %d: %v, want invalid credentials", i, err)
		}
	}
	// The guard is on: three more steps this minute, from anywhere, then everyone waits.
	for i := range s.Guard.Rate {
		if _, err := s.SignIn(ctx, fmt.Sprintf("late%d@example.com", i), "Summer2026!", session.Client{IP: ip(100 + i)}); !errors.Is(err, fault.ErrUnauthorized) {
			t.Fatalf("guarded step %d: %v, want invalid credentials", i, err)
		}
	}
	_, err := s.SignIn(ctx, owner.Email, password, session.Client{IP: ip(200)})
	var slowed *fault.Error
	if !errors.As(err, &slowed) || slowed.Slug != "sign-in-slowed" || slowed.RetryAfter <= 0 || slowed.RetryAfter > time.Minute {
		t.Fatalf("the owner during the spray: %v, want sign-in-slowed with a Retry-After within the minute", err)
	}
	// The next minute the last one's failures keep the guard on, but its rate is fresh.
	fake.Advance(time.Minute)
	if out, err := s.SignIn(ctx, owner.Email, password, session.Client{IP: ip(201)}); err != nil || out.Challenge == nil {
		t.Fatalf("the owner in the next minute: %+v, %v", out, err)
	}
	// Once a whole minute passes below the threshold, the guard is off.
	fake.Advance(2 * time.Minute)
	for i := range s.Guard.Rate + 2 {
		if out, err := s.SignIn(ctx, owner.Email, password, session.Client{IP: ip(210 + i)}); err != nil || out.Challenge == nil {
			t.Fatalf("after the spray, sign-in %d: %+v, %v", i, out, err)
		}
	}
}
