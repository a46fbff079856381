package twofactor_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/user"
)

const (
	sendRoute    = "POST /v1/me/mobile-verification"
	confirmRoute = "POST /v1/me/mobile-verification/confirm"
)

// lastText is the latest text the local SMS sink holds for a number, and the code it starts with.
func (h *harness) lastText(number string) (local.Text, string) {
	h.t.Helper()
	texts := h.sms.Texts(number)
	if len(texts) == 0 {
		h.t.Fatalf("no text to %s", number)
	}
	last := texts[len(texts)-1]
	code, _, _ := strings.Cut(last.Body, " ")
	if len(code) != 6 {
		h.t.Fatalf("text %q does not start with a code", last.Body)
	}
	return last, code
}

// verifyMobile verifies a number for u through the API, reading the code from the SMS sink.
func (h *harness) verifyMobile(u user.User, cookie, number string) {
	h.t.Helper()
	platformtest.WantStatus(h.t, h.do(request{route: sendRoute, body: map[string]string{"mobile": number}, cookie: cookie}), http.StatusAccepted)
	h.deliver()
	e164, err := factor.NormalizeMobile("mobile", number)
	if err != nil {
		h.t.Fatal(err)
	}
	_, code := h.lastText(e164)
	platformtest.WantStatus(h.t, h.do(request{route: confirmRoute, body: map[string]string{"code": code}, cookie: cookie}), http.StatusOK)
}

// TestMobileVerification: a code texted to the number, a wrong guess, a code past its ten minutes, and then
// the right code make the number verified, after which SMS codes can be chosen.
func TestMobileVerification(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	const number = "+447700900123"
	send := func(mobile string) platformtest.Reply {
		return h.do(request{route: sendRoute, body: map[string]string{"mobile": mobile}, cookie: cookie})
	}
	confirm := func(code string) platformtest.Reply {
		return h.do(request{route: confirmRoute, body: map[string]string{"code": code}, cookie: cookie})
	}

	t.Run("case=no verification yet", func(t *testing.T) {
		platformtest.WantProblem(t, confirm("123456"), http.StatusConflict, "no-verification")
	})
	t.Run("case=not an international number", func(t *testing.T) {
		r := send("07700 900123")
		platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
		if !strings.Contains(r.Body, "invalid_mobile") {
			t.Fatalf("body %s", r.Body)
		}
	})

	r := send("+44 7700 900123")
	platformtest.WantStatus(t, r, http.StatusAccepted)
	if r.JSON["status"] != "sent" || r.JSON["mobile"] != "+44•••••••123" || r.JSON["expiresInSeconds"] != 600.0 {
		t.Fatalf("body %s", r.Body)
	}
	h.deliver()
	text, code := h.lastText(number)
	if text.Template != "mobile-verification" || !strings.Contains(text.Body, "verify this mobile number") {
		t.Fatalf("text = %+v", text)
	}
	if strings.Contains(r.Body, code) {
		t.Fatal("the answer carries the code")
	}
	if where := h.stored(code); len(where) > 0 {
		t.Fatalf("the code is stored in %v", where)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}

	t.Run("case=wrong code", func(t *testing.T) {
		r := confirm(wrong)
		platformtest.WantProblem(t, r, http.StatusBadRequest, "wrong-code")
		if r.JSON["attemptsLeft"] != 4.0 {
			t.Fatalf("attemptsLeft = %v", r.JSON["attemptsLeft"])
		}
	})
	t.Run("case=expired", func(t *testing.T) {
		h.clock.Advance(factor.VerificationTTL)
		platformtest.WantProblem(t, confirm(code), http.StatusGone, "code-expired")
		if h.factors(u.ID).MobileVerified() {
			t.Fatal("an expired code verified the number")
		}
	})
	t.Run("case=right code", func(t *testing.T) {
		platformtest.WantStatus(t, send(number), http.StatusAccepted)
		h.deliver()
		_, fresh := h.lastText(number)
		h.clock.Advance(factor.VerificationTTL - time.Second)
		r := confirm(fresh)
		platformtest.WantStatus(t, r, http.StatusOK)
		if r.JSON["mobileVerified"] != true || r.JSON["mobile"] != "+44•••••••123" || !slices.Equal(toStrings(r.JSON["methods"]), []string{"email", "sms"}) {
			t.Fatalf("body %s", r.Body)
		}
		if got := h.user(u.ID).Mobile; got != number {
			t.Fatalf("profile mobile = %q", got)
		}
		if got := h.audits(u.ID); !slices.Equal(got, []string{"user.mobile-verified"}) {
			t.Fatalf("audit = %v", got)
		}
		platformtest.WantProblem(t, confirm(fresh), http.StatusConflict, "no-verification")
	})
	t.Run("case=sms becomes choosable", func(t *testing.T) {
		r := h.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": "sms"}, cookie: cookie})
		platformtest.WantStatus(t, r, http.StatusOK)
		if r.JSON["method"] != "sms" {
			t.Fatalf("body %s", r.Body)
		}
	})
}

// TestVerificationLimits: after five wrong guesses the right code fails too; texts are limited per user.
func TestVerificationLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	const number = "+15555550142"
	platformtest.WantStatus(t, h.do(request{route: sendRoute, body: map[string]string{"mobile": number}, cookie: cookie}), http.StatusAccepted)
	h.deliver()
	_, code := h.lastText(number)
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	for left := factor.VerificationAttempts - 1; left >= 0; left-- {
		r := h.do(request{route: confirmRoute, body: map[string]string{"code": wrong}, cookie: cookie})
		platformtest.WantProblem(t, r, http.StatusBadRequest, "wrong-code")
		if r.JSON["attemptsLeft"] != float64(left) {
			t.Fatalf("attemptsLeft = %v, want %d", r.JSON["attemptsLeft"], left)
		}
	}
	platformtest.WantProblem(t, h.do(request{route: confirmRoute, body: map[string]string{"code": code}, cookie: cookie}), http.StatusGone, "code-dead")

	t.Run("case=texts per user", func(t *testing.T) {
		// One text went out already; two more fit in the window, the next does not.
		for range 2 {
			platformtest.WantStatus(t, h.do(request{route: sendRoute, body: map[string]string{"mobile": number}, cookie: cookie}), http.StatusAccepted)
		}
		platformtest.WantProblem(t, h.do(request{route: sendRoute, body: map[string]string{"mobile": number}, cookie: cookie}), http.StatusTooManyRequests, "rate-limited")
	})
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
