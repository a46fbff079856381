package e2e_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestExistingLoginAcceptsAnInvitationAndSwitchesAccounts: the provider's administrator adds, on the users page,
// the address of a partner's administrator, who already has a login: the page says that no second login is made
// and that they were emailed to accept. The partner's administrator opens the link signed out, is sent to sign in
// (the address filled in) and back, accepts, moves to the provider's account, and uses the account switcher in
// the header to go back to the partner.
func TestExistingLoginAcceptsAnInvitationAndSwitchesAccounts(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const providerName, partnerName = "Contoso Platform", "Harbour IT Partners"
	_, admin := s.adminSession(t, providerName)

	// A partner whose administrator has registered and taken the first sign-in steps.
	patEmail := testenv.UniqueEmail(t, "pat")
	var partner struct {
		ID string `json:"id"`
	}
	admin.call("POST", "/v1/accounts", map[string]any{
		"kind": "partner", "parentId": currentAccount(t, admin),
		"company": map[string]string{"name": partnerName, "address": "1 Harbour Street", "country": "Ireland", "city": "Dublin"},
		"contact": map[string]string{"name": "Pat Partner", "email": patEmail},
	}, http.StatusCreated, &partner)
	s.register(t, patEmail)
	pat := s.signIn(t, patEmail)
	pat.call("POST", "/v1/me/license-acceptance", map[string]string{"version": license.Current().Version}, http.StatusOK, nil)

	// The provider's administrator adds Pat's address to the provider's users.
	p := s.signedInPage(t, admin)
	p.open("/users", "user-rows")
	p.click("add-user")
	p.visible("user-form")
	focusIs(p, "u-name")
	p.click("u-save") // nothing filled in: every field says what it needs
	p.visible("u-name-error")
	p.visible("u-email-error")
	p.visible("u-roles-error")
	seen := s.mailCount(t, patEmail)
	p.typeInto("u-name", "Pat Partner")
	p.typeInto("u-email", patEmail)
	p.click("role-read-only")
	p.snap("add-user")
	p.click("u-save")
	p.visible("users-result")
	if got := p.text("users-result"); !strings.Contains(got, "already has a PartnerHub login") || !strings.Contains(got, "added to "+providerName) {
		t.Errorf("after inviting an existing login the page says %q", got)
	}
	p.snap("invited")
	link := s.linkIn(t, s.waitMail(t, patEmail, seen), "accept")

	// Pat opens the link in a browser where nobody is signed in.
	q := newPage(t, s.URL)
	q.open(link, "invitation")
	q.visible("need-signin")
	if got := q.text("invitation-title"); got != "Join "+providerName {
		t.Errorf("the invitation is titled %q", got)
	}
	if got := q.text("inv-roles"); got != "Read-only" {
		t.Errorf("the invitation offers the roles %q, want Read-only", got)
	}
	q.snap("invitation")
	q.click("signin")
	q.visible("credentials-form")
	wantValue(q, "email", patEmail)
	seen = s.mailCount(t, patEmail)
	q.typeInto("password", goodPassword)
	q.click("credentials-submit")
	q.visible("code-form")
	q.typeInto("otp", codeIn(t, s.waitMail(t, patEmail, seen)))
	q.click("code-submit")

	// Back on the invitation, signed in: accept, and move to the provider's account.
	q.visible("can-accept")
	q.click("accept")
	q.visible("joined")
	q.snap("joined")
	q.click("go-joined")
	q.visible("home")
	if got := q.text("account-name"); got != providerName {
		t.Errorf("after switching the start page shows the account %q, want %q", got, providerName)
	}

	// The header's account switcher lists both accounts and goes back to the partner.
	q.visible("account-switcher")
	if got := q.text("account-switcher"); !strings.Contains(got, providerName) {
		t.Errorf("the account switcher reads %q, want the current account %s", got, providerName)
	}
	q.click("account-switcher")
	q.visible("account-menu")
	if got := q.attr("account-switcher", "aria-expanded"); got != "true" {
		t.Errorf("the open switcher's aria-expanded is %q", got)
	}
	if n := eval[int](q, "count the accounts", `document.querySelectorAll("#account-menu button[data-account]").length`); n != 2 {
		t.Errorf("the switcher lists %d accounts, want 2", n)
	}
	q.snap("switcher")
	q.clickCSS(fmt.Sprintf(`#account-menu button[data-account=%q]`, partner.ID))
	q.untilAfterLoad("the partner is the current account", fmt.Sprintf(`document.body.dataset.showing === "home" && document.getElementById("account-name").textContent === %q`, partnerName))

	// On a phone the header keeps the switcher within the screen.
	q.viewport(phoneWidth, 844, true)
	q.open("/", "home")
	q.click("account-switcher")
	q.visible("account-menu")
	q.fitsWidth("the start page with the switcher open")
	if !eval[bool](q, "check the menu is on the screen", `(r => r.left >= 0 && r.right <= window.innerWidth)(document.getElementById("account-menu").getBoundingClientRect())`) {
		t.Error("on a phone the account menu sticks out of the screen")
	}
	q.snap("phone-switcher")
}

// TestForgottenPasswordIsResetWithTheSecurityQuestion: from the sign-in page, "Forgot your password?" asks for a
// link (the page says the same for an address that has no login), the link from the mailbox shows the security
// question, a wrong answer is refused next to the answer, and the right one with a new password lets the person
// sign in with it.
func TestForgottenPasswordIsResetWithTheSecurityQuestion(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	email := testenv.UniqueEmail(t, "grace")
	s.bootstrap(t, "Fabrikam Platform", "Grace Hopper", email)
	s.register(t, email)

	p := newPage(t, s.URL)
	p.open("/signin", "credentials-form")
	p.typeInto("email", email)
	p.click("forgot-link")
	p.visible("forgot-form")
	wantValue(p, "email", email)

	// An address without a login gets the same answer as a registered one.
	p.clear("email")
	p.typeInto("email", "nobody-"+email)
	p.click("forgot-submit")
	p.visible("sent")
	unknown := strings.ReplaceAll(p.text("sent-text"), "nobody-"+email, "<address>")
	p.click("again")
	p.visible("forgot-form")
	p.clear("email")
	p.typeInto("email", email)
	seen := s.mailCount(t, email)
	p.click("forgot-submit")
	p.visible("sent")
	if known := strings.ReplaceAll(p.text("sent-text"), email, "<address>"); known != unknown {
		t.Errorf("the page tells registered addresses apart:\n%q\n%q", known, unknown)
	}
	p.snap("sent")

	// The link: the security question, a wrong answer, then the right one.
	p.open(s.linkIn(t, s.waitMail(t, email, seen), "reset"), "reset-form")
	seen = s.mailCount(t, email)
	if got := p.text("link-email"); got != email {
		t.Errorf("the reset page is for %q, want %q", got, email)
	}
	if got := p.text("question-text"); got == "" || got == "Your security question" {
		t.Errorf("the reset page shows the question %q", got)
	}
	const newPassword = "copper meadow violin 77"
	p.typeInto("answer", "Green Lagoon")
	p.typeInto("password", newPassword)
	p.typeInto("confirm", newPassword)
	p.until("every password rule is met", `[...document.querySelectorAll("#password-rules li")].every(li => li.dataset.state === "met")`)
	p.click("reset-submit")
	p.visible("answer-error")
	focusIs(p, "answer")
	p.snap("wrong-answer")
	p.clear("answer")
	p.typeInto("answer", "blue  lagoon") // case and spaces do not matter
	p.click("reset-submit")
	p.visible("done")
	p.snap("done")
	if mail := s.waitMail(t, email, seen); !strings.Contains(mail.Subject, "password was changed") {
		t.Errorf("after the reset the newest email is %q, want the notice that the password was changed", mail.Subject)
	}

	// Signing in with the new password.
	p.click("done-signin")
	p.visible("credentials-form")
	wantValue(p, "email", email)
	seen = s.mailCount(t, email)
	p.typeInto("password", newPassword)
	p.click("credentials-submit")
	p.visible("code-form")
	p.typeInto("otp", codeIn(t, s.waitMail(t, email, seen)))
	p.click("code-submit")
	p.visible("home")

	p.viewport(phoneWidth, 844, true)
	p.open("/forgot", "forgot-form")
	p.fitsWidth("the reset request")
}

// linkIn takes the link to a portal page (accept, reset) out of an email and points it at this stack, as the
// person's browser would open it from their inbox.
func (s *stack) linkIn(t *testing.T, mail emulator.Email, page string) string {
	t.Helper()
	re := regexp.MustCompile(`https?://[^\s"'<>]+/` + regexp.QuoteMeta(page) + `(?:\?brand=[A-Za-z0-9_-]+)?#[A-Za-z0-9._~-]+`)
	raw := re.FindString(mail.Text)
	if raw == "" {
		raw = re.FindString(mail.HTML)
	}
	if raw == "" {
		t.Fatalf("no /%s link in the email %q:\n%s", page, mail.Subject, mail.Text)
	}
	link, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("link %q: %v", raw, err)
	}
	portal, _ := url.Parse(s.URL)
	link.Scheme, link.Host = portal.Scheme, portal.Host
	return link.String()
}

// wantValue waits until a form field holds a value, as a page's script fills it in once it has run, and fails
// the test with what it holds if it does not.
func wantValue(p *page, id, want string) {
	p.t.Helper()
	if !p.poll(fmt.Sprintf(`document.getElementById(%q).value === %q`, id, want)) {
		p.t.Errorf("#%s holds %q, want %q", id, p.value(id), want)
	}
}
