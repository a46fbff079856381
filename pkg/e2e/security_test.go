package e2e_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/local"
)

// TestUserVerifiesMobileAndSignsInWithATextedCode: on the security page a user has a code texted to their mobile
// (read from the local SMS sink, as from their phone), a wrong code is refused next to the field, the right one
// verifies the number and makes text messages a choice; chosen, the next sign-in says the code went by text
// message and by email, and the texted code signs in.
func TestUserVerifiesMobileAndSignsInWithATextedCode(t *testing.T) {
	t.Parallel()
	sms := local.NewSMSSink(nil)
	s := newStack(t, app.WithSMS(sms))
	email, admin := s.adminSession(t, "Litware Platform")
	const mobile, number = "+44 7700 900123", "+447700900123"

	p := s.signedInPage(t, admin)
	p.open("/security", "method-form")
	if !eval[bool](p, "check SMS cannot be chosen yet", `document.getElementById("method-sms").disabled`) {
		t.Error("text messages can be chosen before the mobile is verified")
	}
	p.typeInto("mobile", mobile)
	p.click("mobile-send")
	p.visible("mobile-code-form")
	focusIs(p, "mobile-code")
	code := waitText(t, sms, number, 0)
	p.typeInto("mobile-code", wrongCode(code))
	p.click("mobile-verify")
	p.visible("mobile-code-error")
	if got := p.text("mobile-code-error"); !strings.Contains(got, "not right") {
		t.Errorf("a wrong code's error reads %q", got)
	}
	p.snap("mobile-code")
	p.clear("mobile-code")
	p.typeInto("mobile-code", code)
	p.click("mobile-verify")
	p.visible("mobile-result")
	focusIs(p, "method-sms")
	if got := p.text("mobile-state"); !strings.Contains(got, "Verified") || !strings.Contains(got, "123") {
		t.Errorf("after verifying, the mobile reads %q", got)
	}
	p.click("method-sms")
	p.click("method-save")
	p.visible("method-result")
	if got := p.text("method-result"); !strings.Contains(got, "text message") {
		t.Errorf("after choosing SMS the page says %q", got)
	}
	p.snap("sms-chosen")

	// The next sign-in: the same code by text message and by email.
	p.click("signout")
	p.visible("credentials-form")
	texts := len(sms.Texts(number))
	p.typeInto("email", email)
	p.typeInto("password", goodPassword)
	p.click("credentials-submit")
	p.visible("code-form")
	if got := p.text("code-intro"); !strings.Contains(got, "text message") || !strings.Contains(got, email) {
		t.Errorf("the code step of an SMS sign-in says %q, want it to name the text message and %s", got, email)
	}
	p.snap("code-sms")
	p.typeInto("otp", waitText(t, sms, number, texts))
	p.click("code-submit")
	p.visible("home")
}

// waitText waits until the SMS sink holds more than seen texts for a number and returns the code of the newest.
func waitText(t *testing.T, sms *local.SMSSink, number string, seen int) string {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		if texts := sms.Texts(number); len(texts) > seen {
			m := regexp.MustCompile(`\b(\d{6})\b`).FindStringSubmatch(texts[len(texts)-1].Body)
			if m == nil {
				t.Fatalf("no 6-digit code in the text %q", texts[len(texts)-1].Body)
			}
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new text for %s within %s (had %d)", number, mailWait, seen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
