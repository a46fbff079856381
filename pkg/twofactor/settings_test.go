package twofactor_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
)

const switchRoute = "PUT /v1/users/{id}/two-factor"

// TestOnlyASuperAdministratorSwitches: an account administrator may not switch another user's two-factor
// sign-in; a super administrator may, the user is told by email, the change is audited, and with it off the
// password rules ask for 15 characters and the password alone signs in.
func TestOnlyASuperAdministratorSwitches(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	target := h.seedUser(member)
	boss := h.session(h.seedUser(super))
	switchTo := func(cookie, id string, enabled bool) platformtest.Reply {
		return h.do(request{route: switchRoute, params: map[string]string{"id": id}, body: map[string]bool{"enabled": enabled}, cookie: cookie})
	}

	t.Run("case=account administrator", func(t *testing.T) {
		platformtest.WantProblem(t, switchTo(h.session(h.seedUser(admin)), target.ID, false), http.StatusForbidden, "forbidden")
		if !h.user(target.ID).TwoFactor.Enabled || len(h.db.Messages()) != 0 || len(h.audits(target.ID)) != 0 {
			t.Fatal("a refused switch changed something")
		}
	})
	t.Run("case=the user themselves", func(t *testing.T) {
		platformtest.WantProblem(t, switchTo(h.session(target), target.ID, false), http.StatusForbidden, "forbidden")
	})

	t.Run("case=super administrator switches off", func(t *testing.T) {
		r := switchTo(boss, target.ID, false)
		platformtest.WantStatus(t, r, http.StatusOK)
		rules, _ := r.JSON["passwordRules"].(map[string]any)
		if r.JSON["enabled"] != false || r.JSON["userId"] != target.ID || rules["minLength"] != 15.0 || !strings.Contains(r.JSON["note"].(string), "15 characters") {
			t.Fatalf("body %s", r.Body)
		}
		if h.user(target.ID).TwoFactor.Enabled {
			t.Fatal("two-factor sign-in is still on")
		}
		if got := h.audits(target.ID); !slices.Equal(got, []string{"user.two-factor-disabled"}) {
			t.Fatalf("audit = %v", got)
		}
		h.deliver()
		mails := h.env.Emails(t, target.Email)
		if len(mails) != 1 || mails[0].Subject != "Two-factor sign-in is now off for your PartnerHub account" ||
			!strings.Contains(mails[0].Text, "Ada Lovelace turned off two-factor sign-in") {
			t.Fatalf("emails = %+v", mails)
		}
		// With 2FA off the password alone signs in.
		in := h.signIn(target)
		platformtest.WantStatus(t, in, http.StatusCreated)
		sessionToken(t, in)
	})
	t.Run("case=switching to the same state sends nothing", func(t *testing.T) {
		before := len(h.db.Messages())
		platformtest.WantStatus(t, switchTo(boss, target.ID, false), http.StatusOK)
		if len(h.db.Messages()) != before || len(h.audits(target.ID)) != 1 {
			t.Fatal("a switch that changed nothing wrote something")
		}
	})
	t.Run("case=super administrator switches on", func(t *testing.T) {
		r := switchTo(boss, target.ID, true)
		platformtest.WantStatus(t, r, http.StatusOK)
		if rules, _ := r.JSON["passwordRules"].(map[string]any); r.JSON["enabled"] != true || rules["minLength"] != 8.0 || r.JSON["note"] != nil {
			t.Fatalf("body %s", r.Body)
		}
		h.deliver()
		mails := h.env.Emails(t, target.Email)
		if len(mails) != 2 || mails[1].Subject != "Two-factor sign-in is now on for your PartnerHub account" {
			t.Fatalf("emails = %+v", mails)
		}
		h.challenge(target, "email")
	})
	t.Run("case=unknown user", func(t *testing.T) {
		platformtest.WantProblem(t, switchTo(boss, "no-such-user", true), http.StatusNotFound, "user-not-found")
	})
	t.Run("case=no value", func(t *testing.T) {
		r := h.do(request{route: switchRoute, params: map[string]string{"id": target.ID}, body: map[string]any{}, cookie: boss})
		platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
	})
}

// TestChooseNeedsAVerifiedFactor: email is always choosable, sms and totp only once set up; the settings say
// what is set up.
func TestChooseNeedsAVerifiedFactor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	choose := func(method string) platformtest.Reply {
		return h.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": method}, cookie: cookie})
	}

	r := h.do(request{route: "GET /v1/me/two-factor", cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["enabled"] != true || r.JSON["method"] != "email" || r.JSON["mobileVerified"] != false ||
		r.JSON["totpEnrolled"] != false || r.JSON["recoveryCodesLeft"] != 0.0 {
		t.Fatalf("settings %s", r.Body)
	}
	platformtest.WantProblem(t, choose("sms"), http.StatusConflict, "mobile-not-verified")
	platformtest.WantProblem(t, choose("totp"), http.StatusConflict, "totp-not-enrolled")
	platformtest.WantProblem(t, choose("fax"), http.StatusBadRequest, "validation")
	platformtest.WantStatus(t, choose("email"), http.StatusOK)
	if n := len(h.db.Messages()); n != 0 {
		t.Fatalf("%d messages after refused or empty choices", n)
	}
	if h.user(u.ID).TwoFactor.Method != "email" {
		t.Fatal("the method changed")
	}
}

// TestMethodChangeIsAnnounced: choosing another method tells the user by email and is audited.
func TestMethodChangeIsAnnounced(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	h.verifyMobile(u, cookie, "+44 7700 900456")
	r := h.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": "sms"}, cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["method"] != "sms" || h.user(u.ID).TwoFactor.Method != "sms" {
		t.Fatalf("body %s", r.Body)
	}
	if got := h.audits(u.ID); !slices.Contains(got, "user.two-factor-method-changed") {
		t.Fatalf("audit = %v", got)
	}
	var changed []outbox.Message
	for _, m := range h.db.Messages() {
		if m.Template == "twofactor-changed" {
			changed = append(changed, m)
		}
	}
	if len(changed) != 1 || changed[0].To != u.Email || changed[0].Data["change"] != "method" {
		t.Fatalf("twofactor-changed messages = %+v", changed)
	}
}
