package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestPartnerTreeOneLevelAtATime checks the partners page on a tree made through the API (provider → MSP →
// partner → 26 customers): the keyboard moves through the rows, → opens an account and ← goes back up, the
// breadcrumb leads back to the top, "Load more" fetches the second page of children, a customer's app is
// switched on and its city edited from the details panel, and disabling the partner (after a confirmation
// dialog) shows its customers as blocked until it is enabled again.
func TestPartnerTreeOneLevelAtATime(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Fabrikam Platform")
	create := func(kind, parent, name string) string {
		t.Helper()
		var out struct {
			ID string `json:"id"`
		}
		admin.call("POST", "/v1/accounts", map[string]any{
			"kind": kind, "parentId": parent,
			"company": map[string]string{"name": name, "address": "5 Main Street", "country": "Ireland", "city": "Limerick"},
			"contact": map[string]string{"name": "Contact of " + name, "email": testenv.UniqueEmail(t, "c")},
		}, http.StatusCreated, &out)
		return out.ID
	}
	var me struct {
		CurrentAccount struct {
			ID string `json:"id"`
		} `json:"currentAccount"`
	}
	admin.call("GET", "/v1/me", nil, http.StatusOK, &me)
	msp := create("msp", me.CurrentAccount.ID, "Atlas MSP")
	partner := create("partner", msp, "Beacon Partners")
	const customers = 26 // one more than a page
	var first string
	for i := 1; i <= customers; i++ {
		id := create("customer", partner, fmt.Sprintf("Customer %02d", i))
		if i == 1 {
			first = id
		}
	}

	p := s.signedInPage(t, admin)
	p.open("/partners", "tree")
	row := func(id string) string { return fmt.Sprintf(`#rows-body tr[data-id=%q]`, id) }
	p.visibleCSS(row(msp))
	if got := p.textCSS(row(msp) + ` td[data-label="Customers"]`); got != "26" {
		t.Errorf("the MSP's row counts %q customers, want 26", got)
	}

	// The keyboard: → on the MSP's row opens it; the breadcrumb leads back.
	p.do("focus the MSP", chromedp.Focus(chromedp.CSS(row(msp)+" .row-name")))
	p.do("press →", chromedp.KeyEvent(kb.ArrowRight))
	p.visibleCSS(row(partner))
	focusIs(p, "level-title")
	if got := p.text("crumbs"); !strings.Contains(got, "Fabrikam Platform") || !strings.Contains(got, "Atlas MSP") {
		t.Errorf("the breadcrumb reads %q", got)
	}
	if got := eval[string](p, "read the address", `location.search`); got != "?account="+msp {
		t.Errorf("the address holds %q, want the MSP's level", got)
	}
	p.do("focus the partner", chromedp.Focus(chromedp.CSS(row(partner)+" .row-name")))
	p.do("press →", chromedp.KeyEvent(kb.ArrowRight))

	// The partner's customers: one page, then "Load more".
	p.visibleCSS(row(first))
	if n := eval[int](p, "count the rows", `document.querySelectorAll("#rows-body tr").length`); n != 25 {
		t.Errorf("the first page shows %d customers, want 25", n)
	}
	p.click("load-more")
	p.until("the second page is shown", `document.querySelectorAll("#rows-body tr").length === 26`)
	p.until("the focus is on the first new row", `document.activeElement.closest("tr") === document.querySelector("#rows-body tr:nth-child(26)")`)
	if !eval[bool](p, "check Load more is gone", `document.getElementById("load-more").hidden`) {
		t.Error(`"Load more" is still offered after the last page`)
	}
	p.do("press ↑", chromedp.KeyEvent(kb.ArrowUp))
	p.until("↑ moves to the row above", `document.activeElement.closest("tr") === document.querySelector("#rows-body tr:nth-child(25)")`)

	// A customer's details: switch an app on, edit the city.
	p.clickCSS(row(first) + " .row-name")
	p.until("the customer is selected", fmt.Sprintf(`document.getElementById("details").dataset.id === %q`, first))
	focusIs(p, "details-title")
	p.visible("app-cloud-backup")
	p.click("app-cloud-backup")
	p.until("the switch is saved", `document.getElementById("announcer").textContent.includes("Cloud Backup switched on")`)
	var view struct {
		Apps    map[string]bool `json:"apps"`
		Company struct {
			City string `json:"city"`
		} `json:"company"`
	}
	admin.call("GET", "/v1/accounts/"+first, nil, http.StatusOK, &view)
	if !view.Apps["cloud-backup"] {
		t.Errorf("Cloud Backup is not on for the customer after the switch: %v", view.Apps)
	}
	p.click("edit-account")
	focusIs(p, "edit-name")
	p.clear("edit-city")
	p.typeInto("edit-city", "Ennis")
	p.click("edit-save")
	p.until("the edit is saved", `document.getElementById("details-result").textContent.includes("Saved")`)
	if got := p.text("details-facts"); !strings.Contains(got, "Ennis") {
		t.Errorf("the details show %q after the edit, want the city Ennis", got)
	}

	// Its endpoint count: a wrong number is refused next to the field; a right one moves every count above it.
	p.visible("endpoints-count")
	p.clear("endpoints-count")
	p.typeInto("endpoints-count", "-3")
	p.click("endpoints-save")
	p.visible("endpoints-count-error")
	focusIs(p, "endpoints-count")
	p.clear("endpoints-count")
	p.typeInto("endpoints-count", "1200")
	p.click("endpoints-save")
	p.until("the count is saved", `document.getElementById("details-result").textContent.includes("1,200 endpoints")`)
	if got := p.text("details-facts"); !strings.Contains(got, "1,200") {
		t.Errorf("the details show %q after the count was saved, want 1,200 endpoints", got)
	}
	var above struct {
		Counts struct {
			Endpoints int `json:"endpoints"`
		} `json:"counts"`
	}
	admin.call("GET", "/v1/accounts/"+msp, nil, http.StatusOK, &above)
	if above.Counts.Endpoints != 1200 {
		t.Errorf("the MSP counts %d endpoints after its customer's count was saved, want 1200", above.Counts.Endpoints)
	}
	p.snap("customer")

	// ← goes up to the MSP's level; disable the partner there, after the dialog.
	p.do("focus a customer", chromedp.Focus(chromedp.CSS(row(first)+" .row-name")))
	p.do("press ←", chromedp.KeyEvent(kb.ArrowLeft))
	p.visibleCSS(row(partner))
	p.clickCSS(row(partner) + " .row-name")
	p.until("the partner is selected", fmt.Sprintf(`document.getElementById("details").dataset.id === %q`, partner))
	p.click("toggle-status")
	p.visible("confirm-dialog")
	if got := p.text("confirm-text"); !strings.Contains(got, "26 accounts below it") {
		t.Errorf("the confirmation reads %q, want it to count the 26 accounts below", got)
	}
	p.snap("confirm-disable")
	p.click("confirm-ok")
	p.until("the partner is disabled", fmt.Sprintf(`document.querySelector('%s').dataset.status === "disabled"`, row(partner)))
	if got := p.text("toggle-status"); got != "Enable" {
		t.Errorf("after disabling, the action reads %q, want Enable", got)
	}

	// Its customers are blocked; enabling brings them back.
	p.clickCSS(row(partner) + " button[data-open]")
	p.visibleCSS(row(first))
	if got := p.textCSS(row(first) + ` td[data-label="Status"]`); !strings.Contains(got, "Blocked") {
		t.Errorf("a customer of the disabled partner reads %q, want Blocked", got)
	}
	p.snap("blocked")
	p.do("go back", chromedp.NavigateBack())
	p.visibleCSS(row(partner))
	p.clickCSS(row(partner) + " .row-name")
	p.until("the partner is selected", fmt.Sprintf(`document.getElementById("details").dataset.id === %q`, partner))
	p.click("toggle-status")
	p.visible("confirm-dialog")
	p.click("confirm-ok")
	p.until("the partner is enabled again", fmt.Sprintf(`document.querySelector('%s').dataset.status === "pending"`, row(partner)))

	// The breadcrumb's first entry is the top of the tree.
	p.clickCSS("#crumbs a")
	p.visibleCSS(row(msp))
	if got := eval[string](p, "read the address", `location.pathname + location.search`); got != "/partners" {
		t.Errorf("the top of the tree is at %q, want /partners", got)
	}
}
