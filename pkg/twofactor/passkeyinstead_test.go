package twofactor_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/passkeytest"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/totp"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// The tests here are the passkey as the alternative of a code step: a user whose method is email, SMS or an
// authenticator app, and who has a passkey, may answer the code step with it instead of the code.

// alternatives is the "alternatives" member of a sign-in answer; it fails when the member is missing or null.
func alternatives(t testing.TB, r platformtest.Reply) []string {
	t.Helper()
	list, ok := r.JSON["alternatives"].([]any)
	if !ok {
		t.Fatalf("no alternatives list in %s", r.Body)
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.(string))
	}
	return out
}

// stepWith signs u in with the password, checks the challenge's method and alternatives, and returns its id.
func (h *harness) stepWith(u user.User, method string, want ...string) string {
	h.t.Helper()
	r := h.signIn(u)
	platformtest.WantStatus(h.t, r, http.StatusOK)
	id, _ := r.JSON["challengeId"].(string)
	if id == "" || r.JSON["method"] != method {
		h.t.Fatalf("sign-in answer %s, want a challenge by %s", r.Body, method)
	}
	if got := alternatives(h.t, r); !slices.Equal(got, append([]string{}, want...)) {
		h.t.Fatalf("alternatives = %v, want %v", got, want)
	}
	return id
}

// passkeyAnswer begins the passkey step of challenge id and answers it with a.
func (h *harness) passkeyAnswer(id string, a *passkeytest.Authenticator) json.RawMessage {
	h.t.Helper()
	r := h.do(request{route: "POST /v1/sessions/otp/passkey-options", body: map[string]string{"challengeId": id}})
	platformtest.WantStatus(h.t, r, http.StatusOK)
	answer, err := a.Get(options(h.t, r))
	if err != nil {
		h.t.Fatal(err)
	}
	return answer
}

// emailCode is the code of the challenge's current email, derived as the mailer derives it.
func (h *harness) emailCode(id string, seq int) string {
	h.t.Helper()
	for _, m := range h.otpMessages(id, seq) {
		if m.Channel == "" {
			code, err := h.keys.Derive(h.t.Context(), m.SecretRef)
			if err != nil {
				h.t.Fatal(err)
			}
			return code
		}
	}
	h.t.Fatalf("no email carries code %d of challenge %s", seq, id)
	return ""
}

// sessionsOf counts the sessions of a user in the table.
func (h *harness) sessionsOf(userID string) int {
	h.t.Helper()
	n := 0
	for _, item := range h.db.ItemsOf(table.TypeSession) {
		if platformtest.Str(item["userId"]) == userID {
			n++
		}
	}
	return n
}

// TestPasskeyInsteadOfCode: a user whose method is email and who has a passkey is told, after the right
// password only, that a passkey may answer; the code is still sent, the passkey signs in instead, and the
// challenge is spent whichever way answered it: the code after the passkey, and the passkey after the code,
// are refused. A refused passkey costs a guess at the code and the failure budget, as a wrong code does.
func TestPasskeyInsteadOfCode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	a := passkeytest.New(platformtest.Origin)
	passkeyID := h.registerPasskey(cookie, a, "Laptop")

	wrong := h.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u.Email, "password": "not the password at all"}})
	platformtest.WantProblem(t, wrong, http.StatusUnauthorized, "invalid-credentials")
	if _, told := wrong.JSON["alternatives"]; told {
		t.Fatalf("a wrong password was told the alternatives: %s", wrong.Body)
	}

	id := h.stepWith(u, user.MethodEmail, "passkey")
	code := h.emailCode(id, 1) // the code went out as ever
	r := h.finishPasskeyStep(id, h.passkeyAnswer(id, a))
	platformtest.WantStatus(t, r, http.StatusCreated)
	token := sessionToken(t, r)
	platformtest.WantStatus(t, h.do(request{route: "GET /v1/me/passkeys", cookie: token}), http.StatusOK)
	if d := h.auditDetails(u.ID, "passkey.signed-in"); d["step"] != "second-factor" || d["insteadOf"] != user.MethodEmail || d["passkeyId"] != passkeyID {
		t.Fatalf("passkey.signed-in details = %v", d)
	}

	t.Run("case=the code after the passkey", func(t *testing.T) {
		platformtest.WantProblem(t, h.submit(id, code), http.StatusGone, "code-used")
		platformtest.WantProblem(t, h.do(request{route: "POST /v1/sessions/otp/passkey-options", body: map[string]string{"challengeId": id}}),
			http.StatusGone, "code-used")
	})
	t.Run("case=the passkey after the code", func(t *testing.T) {
		id := h.stepWith(u, user.MethodEmail, "passkey")
		answer := h.passkeyAnswer(id, a) // begun before the code was typed
		platformtest.WantStatus(t, h.submit(id, h.emailCode(id, 1)), http.StatusCreated)
		platformtest.WantProblem(t, h.finishPasskeyStep(id, answer), http.StatusGone, "code-used")
	})
	t.Run("case=a refused passkey costs a guess, then the code works", func(t *testing.T) {
		id := h.stepWith(u, user.MethodEmail, "passkey")
		r := h.do(request{route: "POST /v1/sessions/otp/passkey-options", body: map[string]string{"challengeId": id}})
		a.Origin = "http://evil.example"
		answer, err := a.Get(options(t, r))
		a.Origin = platformtest.Origin
		if err != nil {
			t.Fatal(err)
		}
		before := h.user(u.ID).Failures
		r = h.finishPasskeyStep(id, answer)
		platformtest.WantProblem(t, r, http.StatusUnauthorized, "passkey-refused")
		if r.JSON["attemptsLeft"] != float64(otp.MaxAttempts-1) || h.user(u.ID).Failures != before+1 {
			t.Fatalf("after a refused passkey: %s, failures %d (were %d)", r.Body, h.user(u.ID).Failures, before)
		}
		platformtest.WantStatus(t, h.submit(id, h.emailCode(id, 1)), http.StatusCreated)
	})
	t.Run("case=after its code's guesses, the passkey no longer answers", func(t *testing.T) {
		v := h.seedUser(member)
		h.registerPasskey(h.session(v), passkeytest.New(platformtest.Origin), "Phone")
		id := h.stepWith(v, user.MethodEmail, "passkey")
		for range otp.MaxAttempts {
			platformtest.WantProblem(t, h.submit(id, "000000"), http.StatusUnauthorized, "wrong-code")
		}
		platformtest.WantProblem(t, h.do(request{route: "POST /v1/sessions/otp/passkey-options", body: map[string]string{"challengeId": id}}),
			http.StatusGone, "code-dead")
	})
	t.Run("case=after its code's sixty seconds", func(t *testing.T) {
		id := h.stepWith(u, user.MethodEmail, "passkey")
		answer := h.passkeyAnswer(id, a)
		h.clock.Advance(otp.CodeTTL)
		platformtest.WantProblem(t, h.finishPasskeyStep(id, answer), http.StatusGone, "ceremony-expired")
	})
}

// TestPasskeyInsteadOfAnyMethod: the passkey stands in for a texted code and for an authenticator app's code
// as for an emailed one; a user whose method is the passkey has no other way offered.
func TestPasskeyInsteadOfAnyMethod(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := []struct {
		method string
		set    func(u user.User, cookie string)
	}{
		{user.MethodSMS, func(u user.User, cookie string) { h.verifyMobile(u, cookie, "+447700900456") }},
		{user.MethodTOTP, func(u user.User, cookie string) { h.enrol(u, cookie) }},
	}
	for _, tc := range cases {
		t.Run("method="+tc.method, func(t *testing.T) {
			u := h.seedUser(member)
			cookie := h.session(u)
			a := passkeytest.New(platformtest.Origin)
			h.registerPasskey(cookie, a, "Laptop")
			tc.set(u, cookie)
			h.choose(cookie, tc.method)

			id := h.stepWith(u, tc.method, "passkey")
			platformtest.WantStatus(t, h.finishPasskeyStep(id, h.passkeyAnswer(id, a)), http.StatusCreated)
			if d := h.auditDetails(u.ID, "passkey.signed-in"); d["insteadOf"] != tc.method {
				t.Fatalf("passkey.signed-in details = %v", d)
			}
		})
	}
	t.Run("case=a code of the app after the passkey", func(t *testing.T) {
		u := h.seedUser(member)
		cookie := h.session(u)
		a := passkeytest.New(platformtest.Origin)
		h.registerPasskey(cookie, a, "Laptop")
		key, _ := h.enrol(u, cookie)
		h.choose(cookie, user.MethodTOTP)
		id := h.stepWith(u, user.MethodTOTP, "passkey")
		platformtest.WantStatus(t, h.finishPasskeyStep(id, h.passkeyAnswer(id, a)), http.StatusCreated)
		h.clock.Advance(totp.Period)
		platformtest.WantProblem(t, h.submit(id, totp.At(key, h.clock.Now())), http.StatusGone, "code-used")
	})
	t.Run("method=passkey", func(t *testing.T) {
		u := h.seedUser(member)
		cookie := h.session(u)
		h.registerPasskey(cookie, passkeytest.New(platformtest.Origin), "Laptop")
		h.choose(cookie, user.MethodPasskey)
		h.stepWith(u, user.MethodPasskey)
	})
}

// TestNoPasskeyNoAlternative: a user without a passkey is offered no other way (an empty list, never null),
// and the passkey step of their challenge is refused and changes nothing.
func TestNoPasskeyNoAlternative(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	r := h.signIn(u)
	platformtest.WantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, `"alternatives":[]`) {
		t.Fatalf("answer %s, want an empty alternatives list", r.Body)
	}
	id := r.Str("challengeId")
	before := h.withoutCounters()
	platformtest.WantProblem(t, h.do(request{route: "POST /v1/sessions/otp/passkey-options", body: map[string]string{"challengeId": id}}),
		http.StatusConflict, "passkey-not-registered")
	h.unchanged(before, "a passkey step without a passkey")
	platformtest.WantStatus(t, h.submit(id, h.emailCode(id, 1)), http.StatusCreated)
}

// TestCodeAndPasskeyRace: the emailed code and the passkey sent at once for one challenge sign in exactly once;
// the other is told the challenge was used.
func TestCodeAndPasskeyRace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	a := passkeytest.New(platformtest.Origin)
	h.registerPasskey(h.session(u), a, "Laptop")
	sessions := h.sessionsOf(u.ID)
	const rounds = 4
	won := map[string]int{}
	for round := range rounds {
		id := h.stepWith(u, user.MethodEmail, "passkey")
		answer := h.passkeyAnswer(id, a)
		calls := []request{
			{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": id, "code": h.emailCode(id, 1)}},
			{route: "POST /v1/sessions/otp/passkey", body: map[string]any{"challengeId": id, "credential": answer}},
		}
		replies := make([]platformtest.Reply, len(calls))
		var wg sync.WaitGroup
		for i, c := range calls {
			wg.Go(func() {
				r, err := h.try(c)
				if err != nil {
					t.Error(err)
				}
				replies[i] = r
			})
		}
		wg.Wait()
		created := 0
		for i, r := range replies {
			switch r.StatusCode {
			case http.StatusCreated:
				created++
				won[calls[i].route]++
			case http.StatusGone:
				if slug := r.Problem(); slug != "code-used" {
					t.Fatalf("round %d: the loser %s was told %s", round, calls[i].route, r.Body)
				}
			default:
				t.Fatalf("round %d: %s answered %d %s", round, calls[i].route, r.StatusCode, r.Body)
			}
		}
		if created != 1 {
			t.Fatalf("round %d: %d sign-ins (%s / %s), want exactly one", round, created, replies[0].Body, replies[1].Body)
		}
	}
	if n := h.sessionsOf(u.ID) - sessions; n != rounds {
		t.Fatalf("%d sessions after %d rounds, want %d", n, rounds, rounds)
	}
	t.Logf("winners: %v", won)
}
