package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestProspectCreatedInTheWizardThenConverted follows a prospect from the Prospects role to a signed customer:
// an MSP user who holds only the Prospects role is offered the one account type "Prospect" in the add wizard,
// creates one (no activation email goes to its contact), sees it with its badge and counted as a prospect but
// cannot convert it; the MSP's administrator converts it after a confirmation, the counts move from prospects to
// customers on the page, and the contact's activation email goes out.
func TestProspectCreatedInTheWizardThenConverted(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Contoso Platform")
	var me struct {
		CurrentAccount struct {
			ID string `json:"id"`
		} `json:"currentAccount"`
	}
	admin.call("GET", "/v1/me", nil, http.StatusOK, &me)

	// An MSP with its administrator, who invites a seller holding only the Prospects role.
	mspAdminEmail := testenv.UniqueEmail(t, "msp-admin")
	var msp struct {
		ID string `json:"id"`
	}
	admin.call("POST", "/v1/accounts", map[string]any{
		"kind": "msp", "parentId": me.CurrentAccount.ID,
		"company": map[string]string{"name": "Tailspin MSP", "address": "2 Quay Street", "country": "Ireland", "city": "Galway"},
		"contact": map[string]string{"name": "Mo Admin", "email": mspAdminEmail},
	}, http.StatusCreated, &msp)
	s.register(t, mspAdminEmail)
	mspAdmin := s.signIn(t, mspAdminEmail)
	acceptLicense(t, mspAdmin)
	sellerEmail := testenv.UniqueEmail(t, "seller")
	mspAdmin.call("POST", "/v1/accounts/"+msp.ID+"/users", map[string]any{
		"name": "Sam Seller", "email": sellerEmail, "roles": []string{"msp-prospects"},
	}, http.StatusCreated, nil)
	s.register(t, sellerEmail)
	seller := s.signIn(t, sellerEmail)
	acceptLicense(t, seller)

	// The seller's wizard offers a prospect and nothing else.
	p := s.signedInPage(t, seller)
	p.open("/partners", "tree")
	p.visible("add-account")
	if got := p.text("add-account"); got != "Add prospect" {
		t.Errorf("the add button reads %q, want Add prospect", got)
	}
	p.click("add-account")
	p.visible("w-kind-prospect")
	if kinds := eval[string](p, "list the kinds", `[...document.querySelectorAll('input[name="kind"]')].map(i => i.value).join(",")`); kinds != "prospect" {
		t.Errorf("a prospects-only user's wizard offers %q, want prospect", kinds)
	}
	p.click("w-next")
	p.visible("w-name")
	const name = "Wingtip Toys"
	p.typeInto("w-name", name)
	p.typeInto("w-address", "9 Dock Road")
	p.typeInto("w-country", "Ireland")
	p.typeInto("w-city", "Cork")
	p.click("w-next")
	p.visible("w-email")
	contactEmail := testenv.UniqueEmail(t, "wingtip")
	p.typeInto("w-contact-name", "Wen Tip")
	p.typeInto("w-email", contactEmail)
	p.click("w-next")
	p.visible("w-summary")
	if got := p.text("w-summary"); !strings.Contains(got, "Prospect") {
		t.Errorf("the summary does not say Prospect:\n%s", got)
	}
	p.click("w-next")
	p.visible("created")
	p.snap("prospect-created")
	if got := p.text("created-title"); got != "Prospect "+name+" created" {
		t.Errorf("the confirmation's title reads %q", got)
	}
	if got := p.text("created-mail"); !strings.Contains(got, "converts") {
		t.Errorf("the confirmation says %q, want that the email waits for the conversion", got)
	}
	id := p.attr("created", "data-id")
	p.click("created-show")
	row := fmt.Sprintf(`#rows-body tr[data-id=%q]`, id)
	p.visibleCSS(row)
	if got := p.textCSS(row + ` td[data-label="Kind"]`); got != "Customer Prospect" {
		t.Errorf("the prospect's kind reads %q, want Customer Prospect", got)
	}
	if got := p.text("level-counts"); !strings.Contains(got, "0 customers") || !strings.Contains(got, "1 prospect") {
		t.Errorf("the MSP's counts read %q, want 0 customers and 1 prospect", got)
	}
	p.until("the prospect is selected", fmt.Sprintf(`document.getElementById("details").dataset.id === %q`, id))
	if !eval[bool](p, "check the convert action", `document.getElementById("convert-account").hidden`) {
		t.Error("a prospects-only user is offered to convert the prospect")
	}
	if n := s.mailCount(t, contactEmail); n != 0 {
		t.Errorf("the prospect's contact got %d emails before the conversion, want none", n)
	}

	// The MSP's administrator converts it.
	q := s.signedInPage(t, mspAdmin)
	q.open("/partners", "tree")
	q.visibleCSS(row)
	q.clickCSS(row + " .row-name")
	q.until("the prospect is selected", fmt.Sprintf(`document.getElementById("details").dataset.id === %q`, id))
	q.visible("convert-account")
	q.click("convert-account")
	q.visible("confirm-dialog")
	if got := q.text("confirm-title"); got != "Convert "+name+" to a customer?" {
		t.Errorf("the confirmation asks %q", got)
	}
	q.snap("confirm-convert")
	q.click("confirm-ok")
	q.until("the conversion is reported", `document.getElementById("details-result").textContent.includes("is a customer now")`)
	if got := q.text("level-counts"); !strings.Contains(got, "1 customer") || !strings.Contains(got, "0 prospects") {
		t.Errorf("after the conversion the MSP's counts read %q, want 1 customer and 0 prospects", got)
	}
	if got := q.textCSS(row + ` td[data-label="Kind"]`); got != "Customer" {
		t.Errorf("the converted account's kind reads %q, want Customer", got)
	}
	if !eval[bool](q, "check the convert action", `document.getElementById("convert-account").hidden`) {
		t.Error("the customer is still offered for conversion")
	}
	q.snap("converted")
	s.waitMail(t, contactEmail, 0)
}
