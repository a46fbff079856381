package e2e_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// A password that passes every rule: long, not common, free of the address's name part.
const goodPassword = "violet harbour lantern 42"

// TestFirstAdministratorActivatesAndSignsIn walks the first super administrator from the activation email to
// the signed-in page: the link from the mailbox, the activation form, sign-in with the code from the mailbox,
// who they are on the signed-in page, and sign-out.
func TestFirstAdministratorActivatesAndSignsIn(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	email := testenv.UniqueEmail(t, "admin")
	const accountName, adminName = "Northwind Platform", "Ada Lovelace"
	s.bootstrap(t, accountName, adminName, email)
	link := s.activationLinkIn(t, s.waitMail(t, email, 0))

	p := newPage(t, s.URL)

	// The activation link: whom it is for, then the form.
	p.open(link, "activate-form")
	if got := p.text("link-email"); got != email {
		t.Errorf("activation page names %q, want %q", got, email)
	}
	if got := p.text("link-account"); got != accountName {
		t.Errorf("activation page names the account %q, want %q", got, accountName)
	}
	p.typeInto("password", goodPassword)
	p.typeInto("confirm", goodPassword)
	p.until("every password rule is met", `[...document.querySelectorAll("#password-rules li")].every(li => li.dataset.state === "met")`)
	question := eval[string](p, "read the first suggested question", `document.querySelector("#question option:nth-child(2)").value`)
	p.chooseOption("question", question)
	p.typeInto("answer", "Blue Lagoon")
	p.snap("activate")
	p.click("activate-submit")
	p.visible("ready")
	p.snap("ready")
	if got := p.text("ready"); !strings.Contains(got, "Your account is ready") {
		t.Errorf("after activation the page shows %q, want \"Your account is ready\"", got)
	}

	// Sign in: the link on the ready page leads to /signin with the address filled in.
	p.click("ready-signin")
	p.visible("credentials-form")
	wantValue(p, "email", email) // the page fills it in right after it shows the form
	seen := s.mailCount(t, email)
	p.typeInto("password", goodPassword)
	p.click("credentials-submit")

	// The code step, with its countdown running and no new code allowed yet.
	p.visible("code-form")
	countdown := p.text("countdown")
	m := regexp.MustCompile(`expires in (\d+) seconds?`).FindStringSubmatch(countdown)
	if m == nil {
		t.Fatalf("countdown reads %q, want \"… expires in N seconds\"", countdown)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 || n > 60 {
		t.Errorf("countdown shows %d seconds, want 1…60", n)
	}
	if got := p.attr("resend", "aria-disabled"); got != "true" {
		t.Errorf(`"Send a new code" has aria-disabled=%q right after the code was sent, want "true"`, got)
	}
	p.snap("code")
	code := codeIn(t, s.waitMail(t, email, seen))

	// A wrong code first: the page says so and how many attempts are left.
	p.typeInto("otp", wrongCode(code))
	p.click("code-submit")
	p.visible("otp-error")
	p.snap("wrong-code")
	if got := p.text("otp-error"); !strings.Contains(got, "not right") || !strings.Contains(got, "4 attempts left") {
		t.Errorf("after a wrong code the page says %q, want it not right with 4 attempts left", got)
	}
	p.clear("otp")
	p.typeInto("otp", code)
	p.click("code-submit")

	// Signed in: the portal's home page says who this is.
	p.visible("home")
	p.snap("home")
	if got := eval[string](p, "read the address", `location.pathname`); got != "/" {
		t.Errorf("signed in at %q, want /", got)
	}
	for id, want := range map[string]string{
		"me-email":      email,
		"me-name":       adminName,
		"account-name":  accountName,
		"account-roles": "Super administrator",
	} {
		if got := p.text(id); !strings.Contains(got, want) {
			t.Errorf("#%s shows %q, want %q", id, got, want)
		}
	}

	// Sign out: back to sign-in, and the home page no longer opens.
	p.click("signout")
	p.visible("credentials-form")
	p.open("/", "credentials-form")
}

// wrongCode is a 6-digit code that is not code.
func wrongCode(code string) string {
	last := (code[5]-'0'+1)%10 + '0'
	return code[:5] + string(rune(last))
}
