package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/totp"
)

// TestAdministratorFindsUsersAndResendsActivationLinks walks the provider's super administrator through the
// users page, on an account whose users were created through the API (some registered, some not, with names
// that start with a digit, an accent and the same letter): a search by part of an email address, sorting by
// name both ways and by email (aria-sort follows), the status filter, the A–Z bar (É is under E, a digit under
// #), and the bulk resend of activation links to two unregistered users: each gets a new email, and the page
// shows the result for each. The pages are checked at a phone's width too.
func TestAdministratorFindsUsersAndResendsActivationLinks(t *testing.T) {
	t.Parallel()
	clock := &aheadClock{}
	s := newStack(t, withClock(clock))
	_, admin := s.adminSession(t, "Northwind Platform")
	accountID := currentAccount(t, admin)

	// Emails are chosen so that their order differs from the names'.
	people := []struct{ name, local string }{
		{"Beatriz Bell", "zeta-beatriz"},
		{"Bruno Brandt", "mid-bruno"},
		{"Carla Castro", "alpha-carla"},
		{"Émile Zola", "echo-emile"},
		{"3D Print Desk", "desk-3d"},
	}
	emails := map[string]string{}
	ids := map[string]string{}
	for _, person := range people {
		email := testenv.UniqueEmail(t, person.local)
		emails[person.name] = email
		ids[person.name] = inviteByAPI(t, admin, accountID, person.name, email)
	}
	// Beatriz and Émile register; Bruno, Carla and the desk do not.
	for _, name := range []string{"Beatriz Bell", "Émile Zola"} {
		s.register(t, emails[name])
	}

	p := s.signedInPage(t, admin)
	p.open("/users", "user-rows")
	wantRows(t, p, "the whole list", "3D Print Desk", "Ada Lovelace", "Beatriz Bell", "Bruno Brandt", "Carla Castro", "Émile Zola")
	if got := p.attr(`th-name`, "aria-sort"); got != "ascending" {
		t.Errorf("the name column's aria-sort is %q, want ascending", got)
	}
	for name, want := range map[string]string{"Bruno Brandt": "Not registered", "Beatriz Bell": "Registered"} {
		// The icon is decoration: the word next to it is what everyone reads.
		reg := fmt.Sprintf(`tr[data-id=%q] .reg`, ids[name])
		if got := eval[string](p, "read "+name+"'s status", fmt.Sprintf(`document.querySelector(%q).lastChild.textContent`, reg)); got != want {
			t.Errorf("%s's status reads %q, want %q", name, got, want)
		}
		if got := p.attrCSS(reg+" .reg-icon", "aria-hidden"); got != "true" {
			t.Errorf("%s's status icon has aria-hidden %q, want true", name, got)
		}
	}
	p.snap("list")

	// Search by part of an email address.
	p.typeInto("search", "zeta-b")
	p.click("search-go")
	wantRows(t, p, "the search for zeta-b", "Beatriz Bell")
	if got := eval[string](p, "read the address", `location.search`); !strings.Contains(got, "q=zeta-b") {
		t.Errorf("the address keeps the search as %q, want q=zeta-b", got)
	}
	p.clear("search")
	p.click("search-go")
	wantRows(t, p, "the cleared search", "3D Print Desk", "Ada Lovelace", "Beatriz Bell", "Bruno Brandt", "Carla Castro", "Émile Zola")

	// Sort by name, Z to A, then by email.
	p.clickCSS(`button.sort[data-sort="name"]`)
	wantRows(t, p, "names Z to A", "Émile Zola", "Carla Castro", "Bruno Brandt", "Beatriz Bell", "Ada Lovelace", "3D Print Desk")
	if got := p.attr("th-name", "aria-sort"); got != "descending" {
		t.Errorf("after a second click the name column's aria-sort is %q, want descending", got)
	}
	p.clickCSS(`button.sort[data-sort="email"]`)
	wantRows(t, p, "emails A to Z", "Ada Lovelace", "Carla Castro", "3D Print Desk", "Émile Zola", "Bruno Brandt", "Beatriz Bell")
	if got := p.attr("th-email", "aria-sort"); got != "ascending" {
		t.Errorf("the email column's aria-sort is %q, want ascending", got)
	}
	if got := p.attr("th-name", "aria-sort"); got != "" {
		t.Errorf("sorted by email, the name column still has aria-sort %q", got)
	}
	p.clickCSS(`button.sort[data-sort="name"]`)
	wantRows(t, p, "names A to Z again", "3D Print Desk", "Ada Lovelace", "Beatriz Bell", "Bruno Brandt", "Carla Castro", "Émile Zola")

	// The A–Z bar: B, E (with its accent), #, and All.
	p.clickCSS(`#az button[data-letter="B"]`)
	wantRows(t, p, "names starting with B", "Beatriz Bell", "Bruno Brandt")
	if got := p.attrCSS(`#az button[data-letter="B"]`, "aria-pressed"); got != "true" {
		t.Errorf("the letter B's aria-pressed is %q, want true", got)
	}
	p.clickCSS(`#az button[data-letter="E"]`)
	wantRows(t, p, "names starting with E", "Émile Zola")
	p.clickCSS(`#az button[data-letter="#"]`)
	wantRows(t, p, "names not starting with a letter", "3D Print Desk")
	p.clickCSS(`#az button[data-letter=""]`)
	wantRows(t, p, "all names", "3D Print Desk", "Ada Lovelace", "Beatriz Bell", "Bruno Brandt", "Carla Castro", "Émile Zola")

	// Only those who have not registered.
	p.chooseOption("filter-status", "unregistered")
	wantRows(t, p, "unregistered users", "3D Print Desk", "Bruno Brandt", "Carla Castro")

	// Bruno and Carla get new activation links. Their first email went out a moment ago, and a link may be
	// resent only a minute after the last one: the stack's clock moves on instead of the test waiting.
	clock.Advance(2 * time.Minute)
	seen := map[string]int{}
	for _, name := range []string{"Bruno Brandt", "Carla Castro"} {
		seen[name] = s.mailCount(t, emails[name])
		p.clickCSS(fmt.Sprintf(`tr[data-id=%q] input.row-select`, ids[name]))
	}
	p.visible("bulk")
	if got := p.text("bulk-count"); got != "2 users selected" {
		t.Errorf("the selection reads %q, want 2 users selected", got)
	}
	p.snap("selected")
	p.click("bulk-resend")
	p.visible("bulk-results")
	focusIs(p, "bulk-results")
	for _, name := range []string{"Bruno Brandt", "Carla Castro"} {
		item := fmt.Sprintf(`#bulk-list li[data-user-id=%q]`, ids[name])
		if got := p.attrCSS(item, "data-result"); got != "sent" {
			t.Errorf("the result for %s is %q, want sent", name, got)
		}
		if got := p.textCSS(item); !strings.Contains(got, name) || !strings.Contains(got, "New activation link sent") {
			t.Errorf("the result for %s reads %q", name, got)
		}
		mail := s.waitMail(t, emails[name], seen[name])
		s.activationLinkIn(t, mail)
	}
	if got := p.text("bulk-results-title"); !strings.Contains(got, "2 of 2 users sent") {
		t.Errorf("the results are titled %q", got)
	}
	if !eval[bool](p, "check the selection is cleared", `document.getElementById("bulk").hidden`) {
		t.Error("after sending, the selection is still shown")
	}
	p.snap("resent")

	// The status check of one of them shows the new email.
	p.clickCSS(fmt.Sprintf(`tr[data-id=%q] button[data-action="status"]`, ids["Bruno Brandt"]))
	p.visibleCSS(`#status-facts dd[data-fact="activation-email"]`)
	if got := p.textCSS(`#status-facts dd[data-fact="registration"]`); !strings.Contains(got, "Not registered") {
		t.Errorf("Bruno's status check reads %q for the registration", got)
	}
	if !eval[bool](p, "check the switch is offered", `!document.getElementById("status-2fa").hidden`) {
		t.Error("a super administrator is not offered the two-step sign-in switch in the status check")
	}
	p.snap("status-check")
	p.click("status-close")

	// At a phone's width: one card per user, nothing wider than the screen.
	p.viewport(phoneWidth, 844, true)
	p.open("/users", "user-rows")
	wantRows(t, p, "the list on a phone", "3D Print Desk", "Ada Lovelace", "Beatriz Bell", "Bruno Brandt", "Carla Castro", "Émile Zola")
	p.fitsWidth("the users page")
	p.snap("phone-list")
	p.click("add-user")
	p.visible("user-form")
	p.fitsWidth("the add-user form")
	p.snap("phone-add-user")
}

// TestAdministratorSignsInWithAnAuthenticatorApp: the provider's super administrator sets up an authenticator
// app on the security page (the test computes the app's codes from the key the page shows), chooses it, signs
// out, and signs in again with a code from the app, landing on the start page; then gets new recovery codes
// after a dialog that asks for a code from the app. The security page is checked at a phone's width too.
func TestAdministratorSignsInWithAnAuthenticatorApp(t *testing.T) {
	t.Parallel()
	clock := &aheadClock{}
	s := newStack(t, withClock(clock))
	adminEmail, admin := s.adminSession(t, "Northwind Platform")
	p := s.signedInPage(t, admin)

	// The administrator sets up an authenticator app on the security page, and chooses it.
	p.open("/security", "method-form")
	if !eval[bool](p, "check the app cannot be chosen yet", `document.getElementById("method-totp").disabled`) {
		t.Error("the authenticator app can be chosen before it is set up")
	}
	p.click("app-start")
	p.visible("app-enrol")
	p.until("the QR code is shown", `(i => !i.hidden && i.src.startsWith("data:image/png;base64,") && i.complete && i.naturalWidth > 0)(document.getElementById("app-qr"))`)
	key, err := totp.DecodeSecret(p.text("app-secret"))
	if err != nil {
		t.Fatalf("the key shown for typing in is not base32: %v", err)
	}
	p.snap("enrol")
	p.typeInto("app-code", totp.At(key, clock.Now()))
	p.click("app-confirm")
	p.visible("app-codes")
	focusIs(p, "app-codes-title")
	if n := eval[int](p, "count the recovery codes", `document.querySelectorAll("#recovery-list li").length`); n != 10 {
		t.Errorf("the page shows %d recovery codes, want 10", n)
	}
	p.snap("recovery-codes")
	p.click("codes-done") // not ticked yet: the page insists
	p.visible("codes-saved-error")
	p.click("codes-saved")
	p.click("codes-done")
	p.visible("app-result")
	focusIs(p, "method-totp")
	if eval[int](p, "count the recovery codes left on the page", `document.querySelectorAll("#recovery-list li").length`) != 0 {
		t.Error("the recovery codes stay on the page after the person saved them")
	}
	p.click("method-totp")
	p.click("method-save")
	p.visible("method-result")
	if got := p.text("method-result"); !strings.Contains(got, "authenticator app") {
		t.Errorf("after choosing the app the page says %q", got)
	}
	p.snap("security")

	// Signed out, the administrator signs in again with a code from the app: nothing is sent.
	p.click("signout")
	p.visible("credentials-form")
	p.typeInto("email", adminEmail)
	p.typeInto("password", goodPassword)
	p.click("credentials-submit")
	p.visible("code-form")
	if got := p.text("code-title"); !strings.Contains(got, "app") {
		t.Errorf("the code step of an app sign-in is titled %q", got)
	}
	if !eval[bool](p, "check nothing can be resent", `document.getElementById("resend").hidden && !document.getElementById("use-recovery").hidden`) {
		t.Error("the app's code step offers to send a new code, or no recovery code")
	}
	p.snap("code-app")
	// The code of the app's next 30 seconds: the one used to confirm the app cannot sign in again.
	p.typeInto("otp", totp.Code(key, totp.Step(clock.Now())+1, totp.Digits))
	p.click("code-submit")
	p.visible("home")
	if got := eval[string](p, "read the address", `location.pathname`); got != "/" {
		t.Errorf("signed in at %q, want /", got)
	}
	if got := p.text("me-two-factor"); !strings.Contains(got, "authenticator app") {
		t.Errorf("the start page says two-step sign-in is %q", got)
	}

	// New recovery codes, after a dialog that asks for a code from the app: the new codes are shown once.
	clock.Advance(2 * totp.Period) // past the step that signed in
	p.open("/security", "method-form")
	p.click("app-codes-new")
	p.visible("confirm-dialog")
	p.typeInto("confirm-code", totp.At(key, clock.Now()))
	p.click("confirm-ok")
	p.visible("app-codes")
	if n := eval[int](p, "count the new recovery codes", `document.querySelectorAll("#recovery-list li").length`); n != 10 {
		t.Errorf("the page shows %d new recovery codes, want 10", n)
	}
	p.click("codes-saved")
	p.click("codes-done")
	p.visible("app-result")
	if got := p.text("app-result"); !strings.Contains(got, "earlier ones no longer work") {
		t.Errorf("after new recovery codes the page says %q", got)
	}

	// At a phone's width: nothing wider than the screen.
	p.viewport(phoneWidth, 844, true)
	p.open("/security", "method-form")
	p.fitsWidth("the security page")
	p.snap("phone-security")
}

// withClock runs a stack on a clock the test moves.
func withClock(c *aheadClock) app.Option { return app.WithClock(c) }

// currentAccount is the id of the account a client's session acts in.
func currentAccount(t *testing.T, c *api) string {
	t.Helper()
	var me struct {
		CurrentAccount struct {
			ID string `json:"id"`
		} `json:"currentAccount"`
	}
	c.call("GET", "/v1/me", nil, http.StatusOK, &me)
	if me.CurrentAccount.ID == "" {
		t.Fatal("GET /v1/me names no current account")
	}
	return me.CurrentAccount.ID
}

// inviteByAPI adds a read-only user to an account, as the users page's form would, and returns their id.
func inviteByAPI(t *testing.T, c *api, accountID, name, email string) string {
	t.Helper()
	var out struct {
		UserID string `json:"userId"`
	}
	c.call("POST", "/v1/accounts/"+accountID+"/users", map[string]any{"name": name, "email": email, "roles": []string{"read-only"}}, http.StatusCreated, &out)
	return out.UserID
}

// wantRows waits until the users page lists exactly these names, in this order.
func wantRows(t *testing.T, p *page, what string, names ...string) {
	t.Helper()
	want := strings.Join(names, " | ")
	expr := fmt.Sprintf(`document.getElementById("user-table").getAttribute("aria-busy") !== "true" &&
		[...document.querySelectorAll("#user-rows tr")].map(tr => tr.dataset.name).join(" | ") === %q`, want)
	if !p.poll(expr) {
		got := eval[string](p, "read the rows", `[...document.querySelectorAll("#user-rows tr")].map(tr => tr.dataset.name).join(" | ")`)
		t.Fatalf("%s: the page lists %q, want %q", what, got, want)
	}
}

// TestAdministratorEditsSwitchesAndRemovesAUser: on the users page, the edit form puts the server's verdict on a
// phone number next to that field, then saves a new name and role; the status check's switch turns two-step
// sign-in off for the user (a super administrator's right) and says what that means for passwords; and removing
// the user asks first, then takes them off the list.
func TestAdministratorEditsSwitchesAndRemovesAUser(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Tailspin Platform")
	accountID := currentAccount(t, admin)
	id := inviteByAPI(t, admin, accountID, "Dana Doyle", testenv.UniqueEmail(t, "dana"))
	row := fmt.Sprintf(`#user-rows tr[data-id=%q]`, id)

	p := s.signedInPage(t, admin)
	p.open("/users", "user-rows")
	p.clickCSS(row + ` button[data-action="edit"]`)
	p.visible("user-form")
	if got := p.value("u-name"); got != "Dana Doyle" {
		t.Errorf("the edit form has the name %q", got)
	}
	if !eval[bool](p, "check the roles", `document.getElementById("role-read-only").checked && !document.getElementById("role-super-admin").checked`) {
		t.Error("the edit form does not show the user's roles checked")
	}
	p.clear("u-name")
	p.typeInto("u-name", "Dana Doyle-Murphy")
	p.typeInto("u-phone", "call me")
	p.click("u-save")
	p.visible("u-phone-error")
	focusIs(p, "u-phone")
	if got := p.text("u-phone-error"); !strings.Contains(got, "digits") {
		t.Errorf("the phone number's error reads %q", got)
	}
	p.snap("edit-refused")
	p.clear("u-phone")
	p.typeInto("u-phone", "+353 1 555 0100")
	p.click("u-save")
	p.visible("users-result")
	p.until("the row shows the new name", fmt.Sprintf(`(tr => tr && tr.dataset.name === "Dana Doyle-Murphy")(document.querySelector(%q))`, row))

	// A second edit changes the roles.
	p.clickCSS(row + ` button[data-action="edit"]`)
	p.visible("user-form")
	p.click("role-super-admin")
	p.click("u-save")
	p.until("the row shows the new role", fmt.Sprintf(`(tr => tr && tr.querySelector(".cell-roles").textContent === "Super administrator, Read-only")(document.querySelector(%q))`, row))

	// The status check: two-step sign-in off for Dana.
	p.clickCSS(row + ` button[data-action="status"]`)
	p.visible("status-2fa-switch")
	p.until("the switch is on", `document.getElementById("status-2fa-switch").checked`)
	p.click("status-2fa-switch")
	p.visible("status-result")
	if got := p.text("status-result"); !strings.Contains(got, "off for Dana Doyle-Murphy") || !strings.Contains(got, "15 characters") {
		t.Errorf("after switching two-step sign-in off the status check says %q", got)
	}
	if got := p.textCSS(`#status-facts dd[data-fact="two-factor"]`); !strings.HasPrefix(got, "Off") {
		t.Errorf("the status check shows two-step sign-in as %q", got)
	}
	p.snap("two-factor-off")
	p.click("status-close")

	// Removing asks first; Cancel keeps the user, the confirmation removes them.
	p.clickCSS(row + ` button[data-action="remove"]`)
	p.visible("remove-dialog")
	if got := p.text("remove-title"); !strings.Contains(got, "Dana Doyle-Murphy") {
		t.Errorf("the confirmation is titled %q", got)
	}
	p.click("remove-cancel")
	p.until("the dialog is closed", `!document.getElementById("remove-dialog").open`)
	p.visibleCSS(row)
	p.clickCSS(row + ` button[data-action="remove"]`)
	p.visible("remove-dialog")
	p.click("remove-ok")
	p.visible("users-result")
	p.until("the user is gone", fmt.Sprintf(`!document.querySelector(%q)`, row))
	if got := p.text("users-result"); !strings.Contains(got, "last account") {
		t.Errorf("after removing a user of one account the page says %q", got)
	}
	p.snap("removed")
}

// TestUsersListLoadsMorePages: an account with more users than a page holds shows the first 25 and "Load more",
// which adds the rest after them (the API's cursor), moves the focus to the first added user, and goes away on
// the last page; a new order starts again from the first page.
func TestUsersListLoadsMorePages(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Wingtip Platform")
	accountID := currentAccount(t, admin)
	for i := range 27 {
		inviteByAPI(t, admin, accountID, fmt.Sprintf("Person %02d", i), testenv.UniqueEmail(t, fmt.Sprintf("person%02d", i)))
	}

	p := s.signedInPage(t, admin)
	p.open("/users", "user-rows")
	p.until("the first page is shown", `document.querySelectorAll("#user-rows tr").length === 25`)
	if got := p.text("users-summary"); !strings.Contains(got, "25 users") || !strings.Contains(got, "more to load") {
		t.Errorf("the first page's summary reads %q", got)
	}
	p.click("load-more")
	p.until("the second page is added", `document.querySelectorAll("#user-rows tr").length === 28`)
	p.until("the focus is on the first added user", `document.activeElement.closest("tr")?.dataset.name === "Person 24"`)
	if !eval[bool](p, "check Load more is gone", `document.getElementById("load-more").hidden`) {
		t.Error("Load more is still offered on the last page")
	}
	names := eval[string](p, "read the names", `[...document.querySelectorAll("#user-rows tr")].map(tr => tr.dataset.name).join(",")`)
	if want := "Ada Lovelace,Person 00,"; !strings.HasPrefix(names, want) || !strings.HasSuffix(names, ",Person 25,Person 26") {
		t.Errorf("after loading more the list reads %s", names)
	}
	p.clickCSS(`button.sort[data-sort="name"]`)
	p.until("Z to A starts again from the first page", `document.querySelectorAll("#user-rows tr").length === 25 &&
		document.querySelector("#user-rows tr").dataset.name === "Person 26" && !document.getElementById("load-more").hidden`)
}
