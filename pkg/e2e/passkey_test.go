package e2e_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/partnerhub/partnerhub/pkg/platformtest"
)

// authenticator gives the tab a virtual platform authenticator (CTAP2, internal transport) that holds
// discoverable credentials and verifies its user, as a laptop's fingerprint reader would; presence is simulated.
func (p *page) authenticator() {
	p.t.Helper()
	p.do("add a virtual authenticator", chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tab, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tab, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
				HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
			},
		})
		return err
	}))
}

// TestPasskeyInTheBrowser: in Chromium with a virtual authenticator, a user adds a passkey on the security page
// and chooses it for sign-in; signed out, they sign in with their password and the passkey, and then with the
// passkey alone.
func TestPasskeyInTheBrowser(t *testing.T) {
	t.Parallel()
	s := newLocalhostStack(t)
	email, admin := s.adminSession(t, "Fabrikam Platform")
	p := s.signedInPage(t, admin)
	p.authenticator()

	p.open("/security", "passkey-form")
	p.until("the passkeys load", `document.getElementById("passkeys-list").getAttribute("aria-busy") === null`)
	if !eval[bool](p, "check passkey cannot be chosen yet", `document.getElementById("method-passkey").disabled`) {
		t.Error("passkey sign-in can be chosen before a passkey is added")
	}
	p.typeInto("passkey-name", "Work laptop")
	p.click("passkey-add")
	p.visible("passkeys-result")
	p.until("the list shows the passkey", `document.getElementById("passkeys-list").textContent.includes("Work laptop")`)
	if got := p.text("passkeys-list"); !strings.Contains(got, "Work laptop") || !strings.Contains(got, "without a password") {
		t.Fatalf("the passkeys list reads %q", got)
	}
	p.axe("security page with a passkey")
	p.snap("passkey-added")
	u, err := s.store().UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := s.store().Passkeys(t.Context(), u.ID)
	if err != nil || len(creds) != 1 || !creds[0].UserVerified {
		t.Fatalf("stored passkeys = %+v, %v", creds, err)
	}

	p.until("passkey can be chosen", `!document.getElementById("method-passkey").disabled`)
	p.click("method-passkey")
	p.click("method-save")
	p.visible("method-result")

	// Password, then the passkey.
	p.click("signout")
	p.visible("credentials-form")
	p.typeInto("email", email)
	p.typeInto("password", goodPassword)
	p.click("credentials-submit")
	p.visible("passkey-step")
	p.axe("sign-in's passkey step")
	p.click("passkey-use")
	p.visible("home")

	// The passkey alone.
	p.click("signout")
	p.visible("credentials-form")
	p.click("passkey-signin")
	p.visible("home")

	creds, err = s.store().Passkeys(t.Context(), creds[0].UserID)
	if err != nil || len(creds) != 1 || creds[0].LastUsedAt.IsZero() {
		t.Fatalf("the passkey after two sign-ins = %+v, %v", creds, err)
	}

	// Rename it, then remove it: the last passkey of a passkey sign-in goes back to email codes.
	p.open("/security", "passkey-form")
	p.until("the passkeys load", `document.querySelector("[data-passkey] button") !== null`)
	p.do("open the rename dialog", chromedp.Click(chromedp.CSS(`[data-passkey] button[aria-label^="Rename"]`)))
	p.visible("passkey-dialog-name")
	p.clear("passkey-dialog-name")
	p.typeInto("passkey-dialog-name", "Old laptop")
	p.axe("the passkey dialog")
	p.click("passkey-dialog-ok")
	p.until("the new name shows", `document.getElementById("passkeys-list").textContent.includes("Old laptop")`)
	p.do("open the remove dialog", chromedp.Click(chromedp.CSS(`[data-passkey] button[aria-label^="Remove"]`)))
	p.visible("passkey-dialog-ok")
	p.click("passkey-dialog-ok")
	p.until("the list is empty", `document.getElementById("passkeys-list").textContent.includes("No passkeys yet")`)
	p.until("email is the method again", `document.getElementById("method-email").checked && document.getElementById("method-passkey").disabled`)

	actions := platformtest.TableOf(t, s.env, s.table).AuditAbout(u.ID)
	for _, want := range []string{"passkey.registered", "passkey.signed-in", "passkey.renamed", "passkey.removed"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit %v lacks %s", actions, want)
		}
	}
}

// TestPasskeyInsteadOfCodeInTheBrowser: a user whose method is the emailed code adds a passkey; at the code step
// the page offers "Use a passkey instead", which signs them in without the code. When the passkey cannot answer
// (here removed meanwhile, from another tab), the page says so in plain words and the code still signs in.
func TestPasskeyInsteadOfCodeInTheBrowser(t *testing.T) {
	t.Parallel()
	s := newLocalhostStack(t)
	email, admin := s.adminSession(t, "Contoso Platform")
	p := s.signedInPage(t, admin)
	p.authenticator()

	p.open("/security", "passkey-form")
	p.until("the passkeys load", `document.getElementById("passkeys-list").getAttribute("aria-busy") === null`)
	p.typeInto("passkey-name", "Work laptop")
	p.click("passkey-add")
	p.until("the list shows the passkey", `document.getElementById("passkeys-list").textContent.includes("Work laptop")`)
	if !eval[bool](p, "check the method is still email", `document.getElementById("method-email").checked`) {
		t.Fatal("adding a passkey changed the sign-in method")
	}

	// Password, then the passkey instead of the emailed code.
	p.click("signout")
	p.visible("credentials-form")
	p.typeInto("email", email)
	p.typeInto("password", goodPassword)
	p.click("credentials-submit")
	p.visible("code-passkey")
	if got := p.text("code-title"); got != "Check your email" {
		t.Fatalf("the code step reads %q", got)
	}
	p.axe("sign-in's code step with a passkey offered")
	p.snap("code-step-passkey-offered")
	p.click("code-passkey")
	p.visible("home")

	u, err := s.store().UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := s.store().Passkeys(t.Context(), u.ID)
	if err != nil || len(creds) != 1 || creds[0].LastUsedAt.IsZero() {
		t.Fatalf("the passkey after signing in with it = %+v, %v", creds, err)
	}
	if actions := platformtest.TableOf(t, s.env, s.table).AuditAbout(u.ID); !slices.Contains(actions, "passkey.signed-in") {
		t.Errorf("audit %v lacks passkey.signed-in", actions)
	}

	// The passkey is removed while the code step is open: the page says why, and the code signs in.
	p.click("signout")
	p.visible("credentials-form")
	seen := s.mailCount(t, email)
	p.typeInto("email", email)
	p.typeInto("password", goodPassword)
	p.click("credentials-submit")
	p.visible("code-passkey")
	code := codeIn(t, s.waitMail(t, email, seen))
	if err := s.store().Commit(t.Context(), s.store().Tx().RemovePasskey(creds[0], errors.New("passkey gone"))); err != nil {
		t.Fatal(err)
	}
	p.click("code-passkey")
	p.visible("code-alert")
	if got := p.text("code-alert"); !strings.Contains(got, "no passkey") {
		t.Fatalf("the code step's alert reads %q", got)
	}
	p.until("the code field has the focus", `document.activeElement === document.getElementById("otp")`)
	p.axe("sign-in's code step after a passkey could not answer")
	p.typeInto("otp", code)
	p.click("code-submit")
	p.visible("home")
}
