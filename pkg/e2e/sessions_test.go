package e2e_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestUserSignsOutTheirOtherBrowser: one person signed in in two browsers. On the security page the first lists
// both, its own marked "This device", and signs out the other; the list then holds this device alone, and the
// other browser's next page load lands on sign-in. "Sign out everywhere else" is offered only while there is
// another session.
func TestUserSignsOutTheirOtherBrowser(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	email, admin := s.adminSession(t, "Fabrikam Platform")
	laptop := s.signedInPage(t, admin)
	phone := s.signedInPage(t, s.signIn(t, email))
	phone.open("/security", "sessions-list")

	laptop.open("/security", "sessions-list")
	laptop.until("both sessions are listed", `document.querySelectorAll("#sessions-list li.session[data-session]").length === 2`)
	if got := laptop.textCSS("#sessions-list li.session:first-child"); !strings.Contains(got, "This device") {
		t.Errorf("the first session reads %q, want this device first", got)
	}
	laptop.visible("sessions-end-others")
	laptop.snap("sessions")
	laptop.clickCSS("#sessions-list li.session:not(:first-child) button")
	laptop.visible("sessions-result")
	laptop.until("the other session is gone", `document.querySelectorAll("#sessions-list li.session[data-session]").length === 1`)
	if !eval[bool](laptop, "check the end-others button", `document.getElementById("sessions-end-others").hidden`) {
		t.Error("sign out everywhere else is still offered with no other session")
	}

	phone.open("/security", "credentials-form")
	if got := eval[string](phone, "read the address", `location.pathname`); got != "/signin" {
		t.Errorf("the signed-out browser is at %s, want /signin", got)
	}
}

// TestAdministratorEndsAUsersSessions: an administrator opens a registered user's status check, ends their
// sessions after a confirm and reads the result; the user's browser then lands on sign-in, and the
// administrator is still signed in.
func TestAdministratorEndsAUsersSessions(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Northwind Platform")
	email := testenv.UniqueEmail(t, "bea")
	id := inviteByAPI(t, admin, currentAccount(t, admin), "Beatriz Bell", email)
	s.register(t, email)
	bea := s.signedInPage(t, s.signIn(t, email))
	bea.open("/security", "sessions-list")

	p := s.signedInPage(t, admin)
	p.open("/users", "user-rows")
	p.clickCSS(fmt.Sprintf(`tr[data-id=%q] button[data-action="status"]`, id))
	p.visible("status-end-sessions")
	p.click("status-end-sessions")
	p.visible("end-sessions-dialog")
	focusIs(p, "end-sessions-cancel")
	p.snap("end-sessions")
	p.click("end-sessions-ok")
	p.visible("status-result")
	if got := p.text("status-result"); !strings.Contains(got, "Beatriz Bell is signed out of 1 session") {
		t.Errorf("the result reads %q", got)
	}

	bea.open("/security", "credentials-form")
	p.open("/security", "sessions-list") // the administrator is still signed in
}
