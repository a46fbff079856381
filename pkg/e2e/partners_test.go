package e2e_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestProviderAddsAPartnerWhoseBrandingReachesItsCustomers walks the provider's super administrator through the
// partners page: the add-partner wizard (with the server's verdict on a taken company name shown next to the
// field), the new partner pending in the tree, enabling its branding from the details panel, the branding page
// (a file that is not an image refused next to the logo field, then a real logo, colour and support address in
// the live preview, saved), and then a customer created below the partner, whose activation email carries the
// partner's colour and logo.
func TestProviderAddsAPartnerWhoseBrandingReachesItsCustomers(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const providerName = "Northwind Platform"
	_, admin := s.adminSession(t, providerName)
	p := s.signedInPage(t, admin)

	// Nothing below the provider yet.
	p.open("/partners", "tree")
	p.visible("rows-empty")
	if got := p.text("details-title"); got != providerName {
		t.Errorf("the details panel shows %q at the top of the tree, want the provider %q", got, providerName)
	}

	// Step 1: the kinds the provider may add.
	p.click("add-account")
	p.visible("w-kind-partner")
	focusIs(p, "step-type-title")
	if kinds := eval[string](p, "list the kinds", `[...document.querySelectorAll('input[name="kind"]')].map(i => i.value).join(",")`); kinds != "msp,partner,customer,prospect" {
		t.Errorf("the wizard offers the kinds %q, want msp,partner,customer,prospect", kinds)
	}
	p.click("w-next")
	p.visible("w-kind-error") // nothing chosen yet
	p.click("w-kind-partner")
	p.click("w-next")

	// Step 2: a name that is taken (the provider's own): the browser cannot know, the server will say so.
	p.visible("w-name")
	focusIs(p, "step-company-title")
	p.typeInto("w-name", strings.ToUpper(providerName))
	p.typeInto("w-address", "1 Harbour Street")
	p.typeInto("w-country", "Ireland")
	p.typeInto("w-city", "Dublin")
	p.click("w-next")

	// Step 3: the point of contact; SMS is offered but needs a verified mobile.
	partnerEmail := testenv.UniqueEmail(t, "pat")
	p.visible("w-email")
	p.typeInto("w-contact-name", "Pat Partner")
	p.typeInto("w-email", partnerEmail)
	if !eval[bool](p, "check SMS", `document.getElementById("w-method-sms").disabled && document.getElementById("w-method-email").checked`) {
		t.Error("the code by SMS should be shown disabled, with email chosen")
	}
	if got := p.text("w-method-sms-hint"); !strings.Contains(got, "verified mobile") {
		t.Errorf("the SMS choice explains %q, want it to say it needs a verified mobile", got)
	}
	p.snap("contact")
	p.click("w-next")

	// Step 4: the summary, then the server's refusal shown next to the company name.
	p.visible("w-summary")
	summary := p.text("w-summary")
	for _, want := range []string{"Partner", strings.ToUpper(providerName), "Dublin", "Pat Partner", partnerEmail, "code by email"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	p.snap("confirm")
	p.click("w-next")
	p.visible("w-name-error")
	p.snap("name-taken")
	if got := p.text("w-name-error"); !strings.Contains(got, "already an account named") {
		t.Errorf("the taken name's error reads %q", got)
	}
	if got := p.attr("w-name", "aria-invalid"); got != "true" {
		t.Errorf("the company name's aria-invalid is %q, want true", got)
	}
	focusIs(p, "w-name")
	if got := p.text("w-next"); got != "Next" {
		t.Errorf("back on the company step the button reads %q, want Next", got)
	}
	if got := p.text("wizard-alert"); !strings.Contains(got, "Company name") {
		t.Errorf("the error summary reads %q, want it to name the company name", got)
	}

	// Fixed, on to the end again: the account is created and the page says an activation email went out.
	const partnerName = "Harbour IT Partners"
	p.clear("w-name")
	p.typeInto("w-name", partnerName)
	p.click("w-next")
	p.visible("w-email")
	p.click("w-next")
	p.visible("w-summary")
	p.click("w-next")
	p.visible("created")
	p.snap("created")
	if got := p.text("created-mail"); !strings.Contains(got, "activation email") || !strings.Contains(got, partnerEmail) {
		t.Errorf("the confirmation says %q, want that an activation email went to %s", got, partnerEmail)
	}
	partnerID := p.attr("created", "data-id")
	if partnerID == "" {
		t.Fatal("the confirmation names no account id")
	}

	// In the tree: pending, and selected in the details panel.
	p.click("created-show")
	row := fmt.Sprintf(`#rows-body tr[data-id=%q]`, partnerID)
	p.visibleCSS(row)
	if got := p.textCSS(row + ` td[data-label="Status"]`); got != "Pending" {
		t.Errorf("the new partner's status reads %q, want Pending", got)
	}
	if got := p.textCSS(row + " th"); got != partnerName {
		t.Errorf("the new partner's row is named %q", got)
	}
	p.until("the partner is selected", fmt.Sprintf(`document.getElementById("details").dataset.id === %q`, partnerID))
	if got := p.text("level-counts"); !strings.Contains(got, "1 partner") {
		t.Errorf("the provider's counts read %q, want 1 partner", got)
	}

	// The provider enables the partner's branding from the details panel.
	p.visible("branding-enabled")
	p.snap("tree")
	p.click("branding-enabled")
	p.visible("branding-link")

	// The branding page for the partner.
	p.click("branding-link")
	p.visible("brand-form")
	if got := p.text("editor-title"); !strings.Contains(got, partnerName) {
		t.Errorf("the branding page is titled %q", got)
	}
	dir := t.TempDir()
	notImage := filepath.Join(dir, "logo.png")
	if err := os.WriteFile(notImage, []byte("this is not an image, whatever its name says"), 0o600); err != nil {
		t.Fatal(err)
	}
	const supportEmail = "help@harbour-it.example"
	p.clear("color")
	p.typeInto("color", "#7A1FA2")
	p.typeInto("support-email", supportEmail)
	p.uploadFile("logo", notImage)
	p.click("save")
	p.visible("logo-error")
	p.snap("logo-refused")
	if got := p.text("logo-error"); !strings.Contains(got, "PNG, JPEG or WebP") {
		t.Errorf("the refused logo's error reads %q", got)
	}

	// A real logo: the preview shows it with the colour and the support address before anything is saved.
	logo := logoPNG(t)
	logoFile := filepath.Join(dir, "harbour.png")
	if err := os.WriteFile(logoFile, logo, 0o600); err != nil {
		t.Fatal(err)
	}
	p.uploadFile("logo", logoFile)
	p.until("the preview shows the chosen logo", `(i => !i.hidden && i.src.startsWith("blob:") && i.complete && i.naturalWidth > 0)(document.getElementById("preview-logo"))`)
	if got := eval[string](p, "read the preview's header colour", `getComputedStyle(document.querySelector("#preview .preview-top")).backgroundColor`); got != "rgb(122, 31, 162)" {
		t.Errorf("the preview's header is %s, want rgb(122, 31, 162)", got)
	}
	if got := p.text("preview-foot"); !strings.Contains(got, supportEmail) {
		t.Errorf("the preview's footer reads %q, want the support address", got)
	}
	if got := eval[string](p, "read the portal's colour", `getComputedStyle(document.documentElement).getPropertyValue("--brand").trim()`); got == "#7a1fa2" {
		t.Error("the portal took the colour before it was saved: only the preview should")
	}
	p.snap("branding-preview")
	p.click("save")
	p.until("the branding is saved", `document.getElementById("save-status").dataset.state === "saved"`)
	p.until("the saved logo is shown", fmt.Sprintf(`document.getElementById("logo-current").src.includes("/v1/logos/%s")`, partnerID))
	p.snap("branding-saved")

	// A customer below the partner, created through the API as the provider: its contact's activation email
	// carries the partner's branding.
	customerEmail := testenv.UniqueEmail(t, "casey")
	admin.call("POST", "/v1/accounts", map[string]any{
		"kind": "customer", "parentId": partnerID,
		"company": map[string]string{"name": "Lighthouse Bakery", "address": "2 Quay Road", "country": "Ireland", "city": "Cork"},
		"contact": map[string]string{"name": "Casey Customer", "email": customerEmail},
	}, http.StatusCreated, nil)
	mail := s.waitMail(t, customerEmail, 0)
	if !strings.Contains(strings.ToLower(mail.HTML), "#7a1fa2") {
		t.Errorf("the customer's activation email does not carry the partner's colour #7a1fa2:\n%s", mail.HTML)
	}
	logoURL := regexp.MustCompile(`<img src="([^"]+)"`).FindStringSubmatch(mail.HTML)
	if logoURL == nil || !strings.HasPrefix(logoURL[1], s.URL+"/v1/logos/"+partnerID) {
		t.Fatalf("the customer's activation email shows no logo of the partner at %s/v1/logos/%s…:\n%s", s.URL, partnerID, mail.HTML)
	}
	if got := fetch(t, strings.ReplaceAll(logoURL[1], "&amp;", "&")); !bytes.Equal(got, logo) {
		t.Errorf("the email's logo URL serves %d bytes, not the uploaded logo (%d bytes)", len(got), len(logo))
	}
	if !strings.Contains(mail.Text, supportEmail) && !strings.Contains(mail.HTML, supportEmail) {
		t.Errorf("the customer's activation email does not name the partner's support address %s", supportEmail)
	}

	// The partner's own activation email went out too.
	partnerMail := s.waitMail(t, partnerEmail, 0)
	s.activationLinkIn(t, partnerMail)
	if !strings.Contains(partnerMail.Text, partnerName) && !strings.Contains(partnerMail.HTML, partnerName) {
		t.Errorf("the partner's activation email does not name %s", partnerName)
	}

	// The partner's own people see the branding in the portal: its colour as --brand and its logo in the header,
	// from the first page they reach (the license step).
	s.register(t, partnerEmail)
	q := s.signedInPage(t, s.signIn(t, partnerEmail))
	q.open("/", "license")
	if got := eval[string](q, "read the portal's colour", `getComputedStyle(document.documentElement).getPropertyValue("--brand").trim()`); got != "#7a1fa2" {
		t.Errorf("the partner's portal has --brand %q, want #7a1fa2", got)
	}
	q.until("the header shows the partner's logo", fmt.Sprintf(`(i => !i.hidden && i.src.includes("/v1/logos/%s") && i.complete && i.naturalWidth > 0)(document.querySelector("[data-brand-logo]"))`, partnerID))
	if got := q.textCSS("[data-brand-name]"); got != partnerName {
		t.Errorf("the partner's portal is named %q in the header, want %q", got, partnerName)
	}
	q.snap("partner-branded")

}

// TestPartnersPagesFitAPhone: at a phone's width the partners page, the add-partner wizard and a partner's
// branding page need no sideways scrolling.
func TestPartnersPagesFitAPhone(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Northwind Platform")
	partnerID := accountByAPI(t, admin, "partner", sessionAccount(t, admin), "Harbour IT Partners", "Pat Partner", testenv.UniqueEmail(t, "pat"))
	admin.call("PUT", "/v1/accounts/"+partnerID+"/branding/enabled", map[string]bool{"enabled": true}, http.StatusOK, nil)
	p := s.signedInPage(t, admin)
	p.viewport(phoneWidth, 844, true)
	p.open("/partners", "tree")
	p.visibleCSS(fmt.Sprintf(`#rows-body tr[data-id=%q]`, partnerID))
	p.fitsWidth("the partners page")
	p.snap("phone-tree")
	p.click("add-account")
	p.visible("w-kind-msp")
	p.fitsWidth("the wizard")
	p.snap("phone-wizard")
	p.open("/branding?account="+partnerID, "brand-form")
	p.fitsWidth("the branding page")
	p.snap("phone-branding")
}

// focusIs checks which element has the keyboard focus.
func focusIs(p *page, id string) {
	p.t.Helper()
	p.until("#"+id+" has the focus", fmt.Sprintf(`document.activeElement && document.activeElement.id === %q`, id))
}

// logoPNG is a small wide logo: a purple mark and two grey bars of "lettering" on white.
func logoPNG(t *testing.T) []byte {
	t.Helper()
	return logoPNGAt(t, 1)
}

// logoPNGAt is logoPNG drawn scale times as large (160×48 pixels at 1), e.g. sharp on a phone's dense screen.
func logoPNGAt(t *testing.T, scale int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 160*scale, 48*scale))
	for py := range 48 * scale {
		for px := range 160 * scale {
			x, y := px/scale, py/scale
			c := color.RGBA{0xff, 0xff, 0xff, 0xff}
			switch {
			case x >= 8 && x < 40 && y >= 8 && y < 40:
				c = color.RGBA{0x7a, 0x1f, 0xa2, 0xff}
			case x >= 50 && x < 150 && (y >= 12 && y < 20 || y >= 28 && y < 36 && x < 120):
				c = color.RGBA{0x44, 0x44, 0x44, 0xff}
			}
			img.Set(px, py, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fetch reads a URL that must answer 200.
func fetch(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, res.StatusCode, b)
	}
	return b
}
