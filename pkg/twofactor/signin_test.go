package twofactor_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/totp"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// choose makes method the user's sign-in method through the API.
func (h *harness) choose(cookie, method string) {
	h.t.Helper()
	platformtest.WantStatus(h.t, h.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": method}, cookie: cookie}), http.StatusOK)
}

// TestSMSSignIn: with SMS chosen, the password step sends the code by SMS to the verified mobile and by email,
// in one transaction with the challenge; the code from the SMS signs in, and a resent code goes both ways too.
func TestSMSSignIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	const number = "+447700900789"
	h.verifyMobile(u, cookie, number)
	h.choose(cookie, user.MethodSMS)
	h.deliver()

	id := h.challenge(u, "sms")
	msgs := h.otpMessages(id, 1)
	if len(msgs) != 2 {
		t.Fatalf("%d messages carry the code, want an email and a text", len(msgs))
	}
	channels := map[string]string{}
	for _, m := range msgs {
		channels[m.Channel] = m.To
	}
	if channels[""] != u.Email || channels[outbox.ChannelSMS] != number {
		t.Fatalf("code messages go to %v", channels)
	}
	h.deliver()
	text, code := h.lastText(number)
	if text.Template != "otp" || !strings.Contains(text.Body, "sign-in code") {
		t.Fatalf("text = %+v", text)
	}
	mails := h.env.Emails(t, u.Email)
	last := mails[len(mails)-1]
	if last.Subject != "Your PartnerHub sign-in code" || !strings.Contains(last.Text, code) {
		t.Fatalf("the email does not carry the texted code %s: %q", code, last.Subject)
	}
	r := h.submit(id, code)
	platformtest.WantStatus(t, r, http.StatusCreated)
	sessionToken(t, r)

	t.Run("case=resend goes both ways", func(t *testing.T) {
		id := h.challenge(u, "sms")
		h.clock.Advance(otp.ResendInterval)
		platformtest.WantStatus(t, h.do(request{route: "POST /v1/sessions/otp/resend", body: map[string]string{"challengeId": id}}), http.StatusAccepted)
		if n := len(h.otpMessages(id, 2)); n != 2 {
			t.Fatalf("%d messages carry the resent code, want 2", n)
		}
		h.deliver()
		_, code := h.lastText(number)
		platformtest.WantStatus(t, h.submit(id, code), http.StatusCreated)
	})
}

// TestAuthenticatorSignIn: with the app chosen, nothing is sent; the app's current code signs in once (its
// step cannot be replayed), and each recovery code signs in once.
func TestAuthenticatorSignIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	key, codes := h.enrol(u, cookie)
	h.choose(cookie, user.MethodTOTP)
	sent := len(h.db.Messages())

	r := h.signIn(u)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["method"] != "totp" || r.JSON["expiresInSeconds"] != 300.0 {
		t.Fatalf("body %s", r.Body)
	}
	id := r.JSON["challengeId"].(string)
	if n := len(h.db.Messages()); n != sent {
		t.Fatalf("%d messages sent for an authenticator sign-in", n-sent)
	}

	t.Run("case=code used to confirm the app", func(t *testing.T) {
		r := h.submit(id, totp.At(key, h.clock.Now()))
		platformtest.WantProblem(t, r, http.StatusUnauthorized, "code-replayed")
		if got := h.user(u.ID); got.Failures != 1 || got.LastLoginError != user.ErrWrongCode {
			t.Fatalf("failures %d, lastLoginError %q", got.Failures, got.LastLoginError)
		}
	})
	h.clock.Advance(totp.Period)
	now := totp.At(key, h.clock.Now())
	t.Run("case=current code", func(t *testing.T) {
		r := h.submit(id, now)
		platformtest.WantStatus(t, r, http.StatusCreated)
		sessionToken(t, r)
		if got := h.factors(u.ID).TOTPLastStep; got != totp.Step(h.clock.Now()) {
			t.Fatalf("last step %d, want %d", got, totp.Step(h.clock.Now()))
		}
	})
	t.Run("case=replayed step", func(t *testing.T) {
		id := h.challenge(u, "totp")
		platformtest.WantProblem(t, h.submit(id, now), http.StatusUnauthorized, "code-replayed")
		if got := h.user(u.ID).Failures; got != 1 {
			t.Fatalf("failures = %d, want the replay counted", got)
		}
		h.clock.Advance(totp.Period)
		platformtest.WantStatus(t, h.submit(id, totp.At(key, h.clock.Now())), http.StatusCreated)
	})
	t.Run("case=recovery code", func(t *testing.T) {
		id := h.challenge(u, "totp")
		platformtest.WantStatus(t, h.submit(id, strings.ToUpper(codes[0])), http.StatusCreated)
		r := h.do(request{route: "GET /v1/me/two-factor", cookie: cookie})
		if r.JSON["recoveryCodesLeft"] != 9.0 {
			t.Fatalf("body %s", r.Body)
		}
		id = h.challenge(u, "totp")
		platformtest.WantProblem(t, h.submit(id, codes[0]), http.StatusUnauthorized, "wrong-code")
		platformtest.WantStatus(t, h.submit(id, codes[1]), http.StatusCreated)
	})
	t.Run("case=nothing to resend", func(t *testing.T) {
		id := h.challenge(u, "totp")
		before := len(h.db.Messages())
		h.clock.Advance(otp.ResendInterval)
		platformtest.WantStatus(t, h.do(request{route: "POST /v1/sessions/otp/resend", body: map[string]string{"challengeId": id}}), http.StatusAccepted)
		if len(h.db.Messages()) != before {
			t.Fatal("a resend sent something for an authenticator sign-in")
		}
	})
}

// TestAuthenticatorGuessesCount: wrong codes spend the challenge's five guesses and the user's failure budget,
// which locks sign-in after ten.
func TestAuthenticatorGuessesCount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	key, _ := h.enrol(u, cookie)
	h.choose(cookie, user.MethodTOTP)
	h.clock.Advance(totp.Period)
	wrong := totp.Code(key, totp.Step(h.clock.Now())+7, totp.Digits)

	id := h.challenge(u, "totp")
	for range otp.MaxAttempts {
		platformtest.WantProblem(t, h.submit(id, wrong), http.StatusUnauthorized, "wrong-code")
	}
	platformtest.WantProblem(t, h.submit(id, totp.At(key, h.clock.Now())), http.StatusGone, "code-dead")

	id = h.challenge(u, "totp")
	for range otp.MaxAttempts - 1 {
		platformtest.WantProblem(t, h.submit(id, "abcde-fghjk"), http.StatusUnauthorized, "wrong-code")
	}
	platformtest.WantProblem(t, h.submit(id, wrong), http.StatusLocked, "sign-in-locked")
	if got := h.user(u.ID); got.Failures != 10 || !got.Locked(h.clock.Now()) {
		t.Fatalf("failures %d, locked until %v", got.Failures, got.LockedUntil)
	}
}

// TestConcurrentFactorsWorkOnce submits one TOTP code, then one recovery code, to several challenges at once:
// each signs in exactly once.
func TestConcurrentFactorsWorkOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	key, codes := h.enrol(u, cookie)
	h.choose(cookie, user.MethodTOTP)
	h.clock.Advance(totp.Period)

	for _, tc := range []struct {
		name string
		code func() string
	}{
		{"totp", func() string { return totp.At(key, h.clock.Now()) }},
		{"recovery", func() string { return codes[3] }},
	} {
		t.Run("factor="+tc.name, func(t *testing.T) {
			code := tc.code()
			const n = 4 // challenges; the sign-in limit per email is 10 a minute
			ids := make([]string, n)
			for i := range ids {
				ids[i] = h.challenge(u, "totp")
			}
			statuses := make([]int, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			ready := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-ready
					r, err := h.try(request{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": ids[i], "code": code}})
					statuses[i], errs[i] = r.StatusCode, err
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
				case s != http.StatusUnauthorized && s != http.StatusGone:
					t.Fatalf("status %d among %v", s, statuses)
				}
			}
			if created != 1 {
				t.Fatalf("%d sign-ins with one code, want 1: %v", created, statuses)
			}
			h.clock.Advance(otp.Lifetime) // a fresh minute for the sign-in limits
		})
	}
}
