package signin_test

import (
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestRightCodeSignsInOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	id := h.challenge(u)
	code := h.code(id)
	h.clock.Advance(59 * time.Second)

	r := h.submit(id, code)
	platformtest.WantStatus(t, r, http.StatusCreated)
	if r.JSON["status"] != "signed_in" {
		t.Fatalf("body %s", r.Body)
	}
	token := sessionToken(t, r)
	c := setCookie(t, r)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure {
		t.Fatalf("cookie %q", r.Cookies[0])
	}
	platformtest.WantStatus(t, h.me(token), http.StatusOK)
	if got := h.user(u.ID); !got.LastLoginAt.Equal(start.Add(59*time.Second)) || got.Failures != 0 || got.LastLoginError != "" {
		t.Fatalf("user after sign-in: lastLoginAt %v, failures %d, error %q", got.LastLoginAt, got.Failures, got.LastLoginError)
	}

	t.Run("case=reused", func(t *testing.T) {
		wantProblem(t, h.submit(id, code), http.StatusGone, "code-used")
	})
}

func TestCodeExpiresAfterSixtySeconds(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	id := h.challenge(u)
	h.clock.Advance(61 * time.Second)

	wantProblem(t, h.submit(id, h.code(id)), http.StatusGone, "code-expired")
	if got := h.user(u.ID).LastLoginError; got != user.ErrExpiredCode {
		t.Fatalf("lastLoginError = %q", got)
	}
	t.Run("case=unknown challenge", func(t *testing.T) {
		wantProblem(t, h.submit("no-such-challenge", "123456"), http.StatusGone, "code-expired")
	})
}

// TestSixthGuessFails: after five wrong guesses the code is dead, the right code included.
func TestSixthGuessFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	id := h.challenge(u)
	wrong := h.wrongCode(id)
	for left := otp.MaxAttempts - 1; left >= 0; left-- {
		r := h.submit(id, wrong)
		wantProblem(t, r, http.StatusUnauthorized, "wrong-code")
		if r.JSON["attemptsLeft"] != float64(left) {
			t.Fatalf("attemptsLeft = %v, want %d", r.JSON["attemptsLeft"], left)
		}
	}
	wantProblem(t, h.submit(id, h.code(id)), http.StatusGone, "code-dead")
	if got := h.user(u.ID); got.Failures != 5 || got.LastLoginError != user.ErrWrongCode {
		t.Fatalf("failures %d, lastLoginError %q", got.Failures, got.LastLoginError)
	}
}

// TestFailureBudgetLocksAcrossChallenges: ten failures in fifteen minutes lock sign-in, a new code does not
// reset the count, the code step says it is locked, the password step answers a right password as a wrong one
// (no oracle), and the lock ends.
func TestFailureBudgetLocksAcrossChallenges(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user

	first := h.challenge(u)
	for range otp.MaxAttempts {
		wantProblem(t, h.submit(first, h.wrongCode(first)), http.StatusUnauthorized, "wrong-code")
	}
	h.clock.Advance(2 * time.Minute)
	second := h.challenge(u) // a new challenge, a new code: the failures stay
	for range otp.MaxAttempts - 1 {
		wantProblem(t, h.submit(second, h.wrongCode(second)), http.StatusUnauthorized, "wrong-code")
	}
	live := h.challenge(u) // started before the lock
	r := h.submit(second, h.wrongCode(second))
	wantProblem(t, r, http.StatusLocked, "sign-in-locked")
	if r.JSON["retryAfterSeconds"] != 900.0 || r.Headers["Retry-After"] != "900" {
		t.Fatalf("retry after: header %q, body %s", r.Headers["Retry-After"], r.Body)
	}
	t.Run("case=a live code does not get through", func(t *testing.T) {
		wantProblem(t, h.submit(live, h.code(live)), http.StatusLocked, "sign-in-locked")
	})

	h.clock.Advance(5 * time.Minute)
	t.Run("case=right and wrong password answer alike", func(t *testing.T) {
		right, wrong := h.signIn(u.Email, password), h.signIn(u.Email, "not the password")
		wantProblem(t, right, http.StatusUnauthorized, "invalid-credentials")
		wantProblem(t, wrong, http.StatusUnauthorized, "invalid-credentials")
		delete(right.JSON, "instance")
		delete(wrong.JSON, "instance")
		if !reflect.DeepEqual(right.JSON, wrong.JSON) || len(right.Cookies)+len(wrong.Cookies) != 0 {
			t.Fatalf("right password: %s\nwrong password: %s", right.Body, wrong.Body)
		}
	})
	t.Run("case=other users are not locked", func(t *testing.T) {
		other := h.seedUser(active).user
		id := h.challenge(other)
		platformtest.WantStatus(t, h.submit(id, h.code(id)), http.StatusCreated)
	})
	t.Run("case=unlocks after the lock time", func(t *testing.T) {
		h.clock.Advance(10 * time.Minute)
		id := h.challenge(u)
		platformtest.WantStatus(t, h.submit(id, h.code(id)), http.StatusCreated)
		if got := h.user(u.ID); got.Failures != 0 || !got.LockedUntil.IsZero() || got.LastLoginError != "" {
			t.Fatalf("after sign-in: failures %d, lockedUntil %v, error %q", got.Failures, got.LockedUntil, got.LastLoginError)
		}
	})
}

func TestResendKillsTheOldCode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	id := h.challenge(u)
	// The old and the new code must differ for this test to mean anything; they collide once in a million.
	for h.keys.Code(id, 1) == h.keys.Code(id, 2) {
		h.clock.Advance(otp.ResendInterval)
		id = h.challenge(u)
	}
	old := h.code(id)
	wantProblem(t, h.submit(id, h.wrongCode(id)), http.StatusUnauthorized, "wrong-code")

	h.clock.Advance(otp.ResendInterval)
	platformtest.WantStatus(t, h.resend(id), http.StatusAccepted)
	ms := h.otpMessages(id)
	if len(ms) != 2 || ms[1].To != u.Email || ms[1].Template != "otp" {
		t.Fatalf("otp emails = %+v", ms)
	}
	fresh := h.code(id)
	if fresh == old {
		t.Fatal("the resent code is the old one")
	}
	if got := h.user(u.ID).Failures; got != 1 {
		t.Fatalf("failures after resend = %d: the budget was reset", got)
	}
	r := h.submit(id, old)
	wantProblem(t, r, http.StatusUnauthorized, "wrong-code")
	if r.JSON["attemptsLeft"] != float64(otp.MaxAttempts-1) { // the new code starts with all its guesses
		t.Fatalf("attemptsLeft = %v", r.JSON["attemptsLeft"])
	}
	h.clock.Advance(59 * time.Second) // the new code has its own 60 seconds
	platformtest.WantStatus(t, h.submit(id, fresh), http.StatusCreated)
}

func TestResendLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	id := h.challenge(u)

	sent := func() int { return len(h.otpMessages(id)) }
	platformtest.WantStatus(t, h.resend(id), http.StatusAccepted)
	if sent() != 1 {
		t.Fatal("a resend within 30 seconds sent a code")
	}
	for i := 2; i <= 1+otp.MaxResends; i++ {
		h.clock.Advance(otp.ResendInterval)
		platformtest.WantStatus(t, h.resend(id), http.StatusAccepted)
		if sent() != i {
			t.Fatalf("after resend %d: %d emails", i-1, sent())
		}
	}
	h.clock.Advance(otp.ResendInterval)
	r := h.resend(id)
	platformtest.WantStatus(t, r, http.StatusAccepted)
	if sent() != 1+otp.MaxResends {
		t.Fatal("a fourth resend sent a code")
	}

	t.Run("case=same answer for an unknown challenge", func(t *testing.T) {
		other := h.resend("no-such-challenge")
		platformtest.WantStatus(t, other, http.StatusAccepted)
		if other.Body != r.Body {
			t.Fatalf("body %s, want %s", other.Body, r.Body)
		}
	})
	t.Run("case=nothing for a used challenge", func(t *testing.T) {
		v := h.seedUser(active).user
		used := h.challenge(v)
		platformtest.WantStatus(t, h.submit(used, h.code(used)), http.StatusCreated)
		h.clock.Advance(otp.ResendInterval)
		platformtest.WantStatus(t, h.resend(used), http.StatusAccepted)
		if n := len(h.otpMessages(used)); n != 1 {
			t.Fatalf("%d emails for a used challenge", n)
		}
	})
}

// TestConcurrentRightCodeSignsInOnce submits the right code twenty times at once: exactly one session results.
// Races are a matter of luck, so it races several challenges.
func TestConcurrentRightCodeSignsInOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const rounds, n = 5, 20
	for round := range rounds {
		u := h.seedUser(active).user
		id := h.challenge(u)
		code := h.code(id)

		statuses := make([]int, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		ready := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-ready
				var r platformtest.Reply
				r, errs[i] = h.try(request{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": id, "code": code}})
				statuses[i] = r.StatusCode
			})
		}
		close(ready)
		wg.Wait()

		created := 0
		for i, s := range statuses {
			switch {
			case errs[i] != nil:
				t.Fatal(errs[i])
			case s == http.StatusCreated:
				created++
			case s != http.StatusGone: // code-used or code-dead
				t.Fatalf("round %d: status %d among %v", round, s, statuses)
			}
		}
		if created != 1 {
			t.Fatalf("round %d: %d sign-ins from one code, want 1: %v", round, created, statuses)
		}
		sessions, err := h.store.SessionsOf(t.Context(), u.ID)
		if err != nil || len(sessions) != 1 {
			t.Fatalf("round %d: %d sessions (%v), want 1", round, len(sessions), err)
		}
	}
}

func TestCodeValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(request{route: "POST /v1/sessions/otp", body: map[string]string{"code": "12a"}})
	wantProblem(t, r, http.StatusBadRequest, "validation")
	if len(r.JSON["errors"].([]any)) != 2 {
		t.Fatalf("errors = %v", r.JSON["errors"])
	}
}

// TestCodeRefusedWhenAccessEnds: a user disabled, or an account disabled, between the password and the code
// gets the generic answer and no session; the account check is part of the sign-in transaction.
func TestCodeRefusedWhenAccessEnds(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := []struct {
		name   string
		revoke func(s seeded)
	}{
		{"user disabled", func(s seeded) { h.setStatus(table.UserKey(s.user.ID), string(user.Disabled)) }},
		{"account disabled", func(s seeded) { h.setStatus(table.AccountKey(s.account.ID), string(account.Disabled)) }},
	}
	for _, tc := range cases {
		t.Run("case="+tc.name, func(t *testing.T) {
			s := h.seedUser(active)
			id := h.challenge(s.user)
			tc.revoke(s)
			r := h.submit(id, h.code(id))
			wantProblem(t, r, http.StatusUnauthorized, "invalid-credentials")
			if len(r.Cookies) != 0 {
				t.Fatal("a cookie")
			}
			if got := h.user(s.user.ID); got.LastLoginError != user.ErrDisabled || !got.LastLoginAt.IsZero() {
				t.Fatalf("lastLoginError %q, lastLoginAt %v", got.LastLoginError, got.LastLoginAt)
			}
			if ss, _ := h.store.SessionsOf(t.Context(), s.user.ID); len(ss) != 0 {
				t.Fatalf("%d sessions", len(ss))
			}
		})
	}
}
