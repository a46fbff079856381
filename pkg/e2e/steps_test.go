package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestShortFormPartnerTakesTheFirstSignInSteps: the provider adds a partner with the wizard's short form (company
// name and contact email only); the partner's contact activates and signs in, and the portal sends them to the
// steps page: the license agreement, then the company profile (a missing field refused next to it), then the
// page they had opened (a deep link survives the steps). The API then lists no pending step.
func TestShortFormPartnerTakesTheFirstSignInSteps(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Contoso Platform")
	p := s.signedInPage(t, admin)

	// The short form: only the company name, then only the contact's email address.
	const partnerName = "Quayside Systems"
	p.open("/partners", "tree")
	p.click("add-account")
	p.visible("w-kind-msp")
	p.click("w-kind-msp")
	p.visible("w-form-short")
	p.click("w-form-short")
	p.click("w-next")
	p.visible("w-name")
	if eval[bool](p, "check the address is asked", `document.getElementById("w-address").checkVisibility()`) {
		t.Error("the short form asks for the address")
	}
	p.typeInto("w-name", partnerName)
	p.click("w-next")
	p.visible("w-email")
	if eval[bool](p, "check the contact's name is asked", `document.getElementById("w-contact-name").checkVisibility()`) {
		t.Error("the short form asks for the contact's name")
	}
	email := testenv.UniqueEmail(t, "quinn")
	p.typeInto("w-email", email)
	p.click("w-next")
	p.visible("w-summary")
	if got := p.text("w-summary"); !strings.Contains(got, "Short form") || !strings.Contains(got, "MSP") {
		t.Errorf("the summary of a short-form MSP reads:\n%s", got)
	}
	p.click("w-next")
	p.visible("created")

	// The contact signs in and opens a link to their users list: the portal sends them to the steps first.
	s.register(t, email)
	partner := s.signIn(t, email)
	q := s.signedInPage(t, partner)
	q.viewport(phoneWidth, 844, true) // the steps are taken on a phone
	const deepLink = "/users?q=quinn"
	q.open(deepLink, "license")
	if got, want := eval[string](q, "read the address", `location.pathname + location.search`), "/steps?next="+url.QueryEscape(deepLink); got != want {
		t.Errorf("with steps pending %s went to %q, want %q", deepLink, got, want)
	}
	if got := q.text("license-step"); !strings.EqualFold(got, "Step 1 of 2") {
		t.Errorf("the license step is labelled %q, want Step 1 of 2", got)
	}
	if got := q.text("license-text"); !strings.Contains(got, "This agreement is between") {
		t.Errorf("the license text reads %q…", got[:min(len(got), 200)])
	}
	q.fitsWidth("the license step")
	q.snap("license")
	q.click("agree")

	// The company profile: the name from the short form is there; a missing city is refused next to it.
	q.visible("profile-form")
	if got := q.value("p-name"); got != partnerName {
		t.Errorf("the profile form has the name %q, want %q", got, partnerName)
	}
	q.typeInto("p-address", "3 Quay Street")
	q.typeInto("p-country", "Ireland")
	q.click("profile-save")
	q.visible("p-city-error")
	focusIs(q, "p-city")
	q.typeInto("p-city", "Galway")
	q.fitsWidth("the profile step")
	q.snap("profile")
	q.click("profile-save")

	// Done: the page they had opened, and nothing pending any more.
	q.visible("users")
	if got := eval[string](q, "read the address", `location.pathname + location.search`); got != deepLink {
		t.Errorf("after the steps the page is %q, want %s", got, deepLink)
	}
	if got := q.value("search"); got != "quinn" {
		t.Errorf("the users page after the steps searches %q, want quinn", got)
	}
	q.open("/", "home")
	q.snap("home")
	// As an MSP administrator: the partners page offers partners and customers; branding waits for the provider.
	q.open("/partners", "tree")
	q.visible("rows-empty")
	q.click("add-account")
	q.visible("w-kind-partner")
	if kinds := eval[string](q, "list the kinds", `[...document.querySelectorAll('input[name="kind"]')].map(i => i.value).join(",")`); kinds != "partner,customer,prospect" {
		t.Errorf("an MSP's wizard offers the kinds %q, want partner,customer,prospect", kinds)
	}
	q.fitsWidth("the MSP's wizard")
	q.open("/branding", "off")
	if got := q.text("off-text"); !strings.Contains(got, "not enabled") {
		t.Errorf("the branding page of an MSP without branding reads %q", got)
	}
	if !eval[bool](q, "check the switch", `document.getElementById("off-switch").hidden`) {
		t.Error("an MSP administrator is offered the switch that only the provider may use")
	}
	q.fitsWidth("the branding page without branding")
	q.snap("branding-off")

	var me struct {
		PendingSteps []string `json:"pendingSteps"`
	}
	partner.call("GET", "/v1/me", nil, http.StatusOK, &me)
	if len(me.PendingSteps) != 0 {
		t.Errorf("after the steps page /v1/me still lists the steps %v", me.PendingSteps)
	}
}
