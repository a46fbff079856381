package e2e_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/mail"
	"net/url"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// northwind is the brand of the tests below: its header colour as the browser computes it.
const (
	northwindName  = "Northwind Portal"
	northwindColor = "#0a7c4a"
	northwindRGB   = "rgb(10, 124, 74)"
)

// TestBrandedAccountPagesBeforeSignIn: a partner's user who forgot their password gets a reset email sent in
// the partner's name, and every page on the way back in — reset, sign-in, forgot, the code step — shows the
// partner's brand (its name, its colour, its logo on a chip, since the logo is in the header's colour), with no
// layout shift; the activation page of a new user of that partner is branded too.
func TestBrandedAccountPagesBeforeSignIn(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Contoso Platform")
	email := testenv.UniqueEmail(t, "pat")
	partnerID := accountByAPI(t, admin, "partner", sessionAccount(t, admin), "Northwind Traders", "Pat Partner", email)
	s.register(t, email)
	base := "/v1/accounts/" + partnerID + "/branding"
	admin.call("PUT", base+"/enabled", map[string]bool{"enabled": true}, http.StatusOK, nil)
	admin.call("PUT", base, map[string]string{"name": northwindName, "color": northwindColor, "supportEmail": "help@northwind.example"}, http.StatusOK, nil)
	admin.upload("PUT", base+"/logo", "image/png", solidPNG(t, color.NRGBA{0x0a, 0x7c, 0x4a, 0xff}), http.StatusOK, nil)

	// The reset email comes from the brand.
	seen := s.mailCount(t, email)
	s.client(t).call("POST", "/v1/password-resets", map[string]string{"email": email}, http.StatusAccepted, nil)
	resetMail := s.waitMail(t, email, seen)
	from, err := mail.ParseAddress(resetMail.From)
	if err != nil || from.Name != northwindName {
		t.Fatalf("the reset email is from %q (%v), want %q", resetMail.From, err, northwindName)
	}
	link := s.linkIn(t, resetMail, "reset")
	if u, _ := url.Parse(link); u.Query().Get("brand") != partnerID {
		t.Errorf("the reset link %s does not carry the brand %s", link, partnerID)
	}

	p := newPage(t, s.URL)
	p.open(link, "reset-form")
	branded(p, "the reset page")
	p.typeInto("answer", securityAnswer)
	newPassword := "amber meadow kettle 77"
	p.typeInto("password", newPassword)
	p.typeInto("confirm", newPassword)
	p.click("reset-submit")
	p.visible("done")
	p.snap("reset-done")

	p.click("done-signin")
	p.untilAfterLoad("the sign-in page opens", `location.pathname === "/signin" && document.getElementById("credentials-form") !== null`)
	p.until("the address carries the brand", fmt.Sprintf(`new URLSearchParams(location.search).get("brand") === %q`, partnerID))
	branded(p, "the sign-in page")
	p.snap("signin")

	p.click("forgot-link")
	p.untilAfterLoad("the forgot page opens", `location.pathname === "/forgot" && document.getElementById("forgot-form") !== null`)
	branded(p, "the forgot page")

	// Sign-in with the new password: the code step keeps the brand. The forgot page's link back carries it.
	p.open("/signin?brand="+url.QueryEscape(partnerID), "credentials-form")
	branded(p, "the sign-in page, again")
	p.typeInto("email", email)
	p.typeInto("password", newPassword)
	p.click("credentials-submit")
	p.visible("code")
	branded(p, "the code step")

	// A new user of the partner: the activation page is branded.
	newcomer := testenv.UniqueEmail(t, "newcomer")
	admin.call("POST", "/v1/accounts/"+partnerID+"/users", map[string]any{"name": "Nia Newcomer", "email": newcomer, "roles": []string{"read-only"}}, http.StatusCreated, nil)
	activation := s.waitMail(t, newcomer, 0)
	if from, err := mail.ParseAddress(activation.From); err != nil || from.Name != northwindName {
		t.Errorf("the activation email is from %q, want %q", activation.From, northwindName)
	}
	q := newPage(t, s.URL)
	q.open(s.activationLinkIn(t, activation), "activate-form")
	branded(q, "the activation page")
	q.snap("activation")

	// Without a brand, the sign-in page is PartnerHub's at once.
	r := newPage(t, s.URL)
	r.open("/signin", "credentials-form")
	r.until("the sign-in page is PartnerHub's", `document.querySelector("[data-brand-name]").textContent === "PartnerHub" && !document.documentElement.hasAttribute("data-brand-pending")`)
}

// branded waits until a page shows the Northwind brand: its name in the header and the title, its colour on
// the header, its logo on a chip; and checks that nothing on the page moved while it loaded.
func branded(p *page, where string) {
	p.t.Helper()
	p.until(where+" shows "+northwindName, fmt.Sprintf(`!document.documentElement.hasAttribute("data-brand-pending") &&
		document.querySelector(".topbar [data-brand-name]").textContent === %q &&
		getComputedStyle(document.querySelector(".topbar")).backgroundColor === %q &&
		document.title.endsWith("· " + %q)`, northwindName, northwindRGB, northwindName))
	chip := eval[string](p, "read the logo's chip", `(() => {
		const logo = document.querySelector("[data-brand-logo]");
		return logo.hidden || !logo.complete || !logo.naturalWidth ? "no logo" : getComputedStyle(logo).backgroundColor;
	})()`)
	if chip != "rgb(255, 255, 255)" {
		p.t.Errorf("%s: the logo in the header's colour is shown on %q, want a white chip", where, chip)
	}
	// Every layout shift since the page started loading (buffered), none caused by input.
	shift := eval[float64](p, "sum the layout shifts", `(() => {
		const po = new PerformanceObserver(() => {});
		po.observe({ type: "layout-shift", buffered: true });
		const sum = po.takeRecords().filter((e) => !e.hadRecentInput).reduce((s, e) => s + e.value, 0);
		po.disconnect();
		return sum;
	})()`)
	if shift != 0 {
		p.t.Errorf("%s: layout shift %.4f while the brand loaded, want none", where, shift)
	}
}

// solidPNG is a logo of one colour.
func solidPNG(t *testing.T, c color.NRGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
