package e2e_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestActivationPageChecksPasswordAsYouTypeAndRefusesAUsedLink checks the activation page's promises: each
// password rule's state changes while the user types and is announced, the server's verdict on a field is shown
// next to that field, and a link that was used shows why it no longer works instead of the form.
func TestActivationPageChecksPasswordAsYouTypeAndRefusesAUsedLink(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	email := testenv.UniqueEmail(t, "admin") // name part "admin": a password holding it breaks a rule
	s.bootstrap(t, "Contoso Platform", "Grace Hopper", email)
	link := s.activationLinkIn(t, s.waitMail(t, email, 0))

	p := newPage(t, s.URL)
	p.open(link, "activate-form")

	rule := func(id, want string) {
		t.Helper()
		p.until(fmt.Sprintf("rule %s is %s", id, want), fmt.Sprintf(`document.getElementById("rule-%s").dataset.state === %q`, id, want))
	}
	// Nothing typed: nothing is met yet.
	for _, id := range []string{"min", "max", "email", "match"} {
		rule(id, "unmet")
	}
	p.typeInto("password", "river")
	rule("min", "unmet")
	rule("email", "met")
	p.typeInto("password", " stone")
	rule("min", "met") // "river stone": 11 characters
	p.until("the change is announced", `document.getElementById("rules-live").textContent.includes("At least 8 characters: done")`)
	if got := p.text("rule-min"); !strings.Contains(got, "At least 8 characters") {
		t.Errorf("the length rule reads %q", got)
	}
	p.typeInto("password", " admin")
	rule("email", "unmet") // now holds the address's name part
	p.typeInto("confirm", "river stone")
	rule("match", "unmet")
	p.typeInto("confirm", " admin")
	rule("match", "met")
	p.snap("rules")

	// Rules met in the browser, refused by the server: the server's reason shows next to the password.
	p.clear("password")
	p.clear("confirm")
	p.typeInto("password", "password1234")
	p.typeInto("confirm", "password1234")
	for _, id := range []string{"min", "max", "email", "match"} {
		rule(id, "met")
	}
	question := eval[string](p, "read the first suggested question", `document.querySelector("#question option:nth-child(2)").value`)
	p.chooseOption("question", question)
	p.typeInto("answer", "Blue Lagoon")
	p.click("activate-submit")
	p.visible("password-error")
	p.snap("server-error")
	if got := p.text("password-error"); !strings.Contains(got, "common") {
		t.Errorf("the server's refusal of a common password reads %q", got)
	}
	if got := p.attr("password", "aria-describedby"); !strings.Contains(got, "password-error") {
		t.Errorf("the password field's aria-describedby is %q, want it to name password-error", got)
	}
	if got := p.attr("password", "aria-invalid"); got != "true" {
		t.Errorf("the password field's aria-invalid is %q, want true", got)
	}

	// Ten spaces meet every rule the page checks; the server refuses them, and the page says why in words.
	p.clear("password")
	p.clear("confirm")
	p.typeInto("password", "          ")
	p.typeInto("confirm", "          ")
	p.click("activate-submit")
	p.until("the server's refusal of a blank password shows", `document.getElementById("password-error").textContent.includes("only spaces")`)

	// A good password activates the account.
	p.clear("password")
	p.clear("confirm")
	p.typeInto("password", goodPassword)
	p.typeInto("confirm", goodPassword)
	p.click("activate-submit")
	p.visible("ready")

	// The same link again: it was used, and the page says so instead of showing the form.
	p.open(link, "link-problem")
	p.snap("used-link")
	if got := p.attr("link-problem", "data-problem"); got != "link-used" {
		t.Errorf("a used link shows the problem %q, want link-used", got)
	}
	if got := p.text("link-problem-title"); !strings.Contains(got, "already been used") {
		t.Errorf("a used link's heading reads %q, want it to say the link was already used", got)
	}
	if got := p.text("link-problem-detail"); !strings.Contains(got, "already been used") {
		t.Errorf("a used link's explanation reads %q", got)
	}
	if eval[bool](p, "check the form is gone", `!document.getElementById("activate").hidden`) {
		t.Error("a used link still shows the activation form")
	}
}
