package e2e_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestCustomerGivesASupportPartnerAccessAndRevokesIt walks the partner access loop with three people, each in
// their own browser, on accounts made through the API (the provider, a partner with its administrator and two
// users, a customer with its administrator):
//
//   - the partner's administrator reads the Partner ID off the Customer access page and copies it;
//   - the customer's administrator invites the partner by that ID until an end date it chooses (the Partner ID
//     first mistyped, refused next to the field) and sees the pending invitation; the end date is the end of that
//     day in the browser's zone;
//   - the partner's administrator accepts it and ticks two users as staff, one of whom has just left the partner:
//     nothing is saved and the refusal shows next to her; without her the save goes through;
//   - the staff member switches to the customer with the account switcher and opens its account on the partners
//     page; the support partners page is not theirs (no link, and it says so);
//   - the customer's administrator revokes the partner after a dialog that names it and says access ends
//     immediately; the staff member's next action takes them, still signed in, to the start page of their own
//     account, which says the customer ended their access.
//
// TestCustomerInvitesThePartnerAgainThroughAShareLink goes on from there. The pages are checked at a phone's
// width on the way.
func TestCustomerGivesASupportPartnerAccessAndRevokesIt(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	w := newAccessWorld(t, s)
	w.addStaff(t, s)

	// The partner's administrator finds the Partner ID to give the customer.
	pp := s.signedInPage(t, w.partnerAdmin)
	pp.open("/partner-access", "partner")
	pid := pp.text("partner-id")
	if !regexp.MustCompile(`^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$`).MatchString(pid) {
		t.Fatalf("the partner's page shows the Partner ID %q, want XXXX-XXXX", pid)
	}
	if got := pp.textCSS(`a[data-nav="partner-access"]`); got != "Customer access" {
		t.Errorf("the partner's navigation names the page %q, want Customer access", got)
	}
	pp.visible("p-pending-empty")
	pp.click("copy-id")
	pp.until("the copy is confirmed", `document.getElementById("copy-id-status").textContent !== ""`)

	// The customer's administrator invites the partner by its Partner ID, typed carelessly.
	cp := s.signedInPage(t, w.customerAdmin)
	cp.open("/partner-access", "customer")
	if got := cp.textCSS(`a[data-nav="partner-access"]`); got != "Support partners" {
		t.Errorf("the customer's navigation names the page %q, want Support partners", got)
	}
	cp.typeInto("invite-partner-id", "7KQ4")
	cp.click("invite-submit")
	cp.visible("invite-partner-id-error")
	if got := cp.attr("invite-partner-id", "aria-invalid"); got != "true" {
		t.Errorf("a short Partner ID leaves aria-invalid %q, want true", got)
	}
	cp.clear("invite-partner-id")
	cp.typeInto("invite-partner-id", strings.ToLower(strings.ReplaceAll(pid, "-", " ")))
	// An end date half a year ahead: access ends at the end of that day, in the browser's time zone.
	endDay := time.Now().AddDate(0, 6, 0).Format(time.DateOnly)
	cp.chooseOption("invite-duration", "date")
	cp.visible("invite-ends")
	cp.chooseOption("invite-ends", endDay)
	cp.click("invite-submit")
	cp.visibleCSS("#c-pending li.grant")
	grantID := cp.attrCSS("#c-pending li.grant", "data-grant-id")
	var grant struct {
		EndsAt time.Time `json:"endsAt"`
	}
	w.customerAdmin.call("GET", "/v1/partner-access/"+grantID, nil, http.StatusOK, &grant)
	if got := grant.EndsAt.Local().Format(time.DateTime); got != endDay+" 23:59:59" {
		t.Errorf("the invitation ends at %s (local time), want the end of %s", got, endDay)
	}
	if got := cp.text("customer-result"); !strings.Contains(got, "Invitation sent to "+w.partnerName) {
		t.Errorf("after inviting, the page says %q", got)
	}
	if got := cp.textCSS("#c-pending li.grant"); !strings.Contains(got, w.partnerName) || !strings.Contains(got, pid) || !strings.Contains(got, "Waiting for the partner") {
		t.Errorf("the pending invitation reads:\n%s", got)
	}
	cp.snap("invited")

	// The partner accepts, and assigns its staff member.
	pp.open("/partner-access", "partner")
	item := fmt.Sprintf(`li.grant[data-grant-id=%q]`, grantID)
	pp.visibleCSS("#p-pending " + item)
	if got := pp.textCSS("#p-pending " + item); !strings.Contains(got, w.customerName) || !strings.Contains(got, "Cleo Customer") {
		t.Errorf("the partner's invitation reads:\n%s", got)
	}
	pp.snap("invitation")
	pp.clickCSS("#p-pending " + item + ` button[data-action="accept"]`)
	pp.visibleCSS("#p-active " + item)
	box := fmt.Sprintf("staff-%s-%s", grantID, w.staffID)
	other := fmt.Sprintf("staff-%s-%s", grantID, w.leaverID)
	pp.visible(box) // the checklist is unfolded while nobody is assigned
	// Dana leaves the partner while the page is open: the save is refused, with the reason next to her.
	w.partnerAdmin.call("DELETE", "/v1/accounts/"+w.partnerID+"/users/"+w.leaverID, nil, http.StatusOK, nil)
	pp.click(box)
	pp.click(other)
	pp.clickCSS("#p-active " + item + ` .staff-form button[type="submit"]`)
	pp.visible(other + "-error")
	if got := pp.attr(other, "aria-invalid"); got != "true" {
		t.Errorf("the refused user's box has aria-invalid %q, want true", got)
	}
	if eval[bool](pp, "check Sam has no error", fmt.Sprintf(`!document.getElementById(%q).hidden`, box+"-error")) {
		t.Error("the user who may act for the customer is marked as refused too")
	}
	pp.snap("staff-refused")
	pp.click(other)
	pp.clickCSS("#p-active " + item + ` .staff-form button[type="submit"]`)
	pp.until("the staff are saved", fmt.Sprintf(`(document.querySelector('#p-active %s .staff-status') || {}).textContent?.startsWith("Saved: 1 person acts for")`, item))
	if got := pp.textCSS("#p-active " + item + " .grant-facts"); !strings.Contains(got, "1 person: Sam Staff") {
		t.Errorf("after saving, the grant's facts read:\n%s", got)
	}
	pp.snap("staff")
	pp.viewport(phoneWidth, 844, true)
	pp.open("/partner-access", "partner")
	pp.clickCSS("#p-active " + item + " details.staff > summary")
	pp.visible(box)
	pp.fitsWidth("the customer access page")
	pp.snap("phone-staff")

	// The staff member switches to the customer and opens its account, as its administrators would.
	sp := s.signedInPage(t, w.staff)
	sp.open("/", "home")
	sp.click("account-switcher")
	sp.clickCSS(fmt.Sprintf(`#account-menu button[data-account=%q]`, w.customerID))
	// The switcher reloads the page: wait across the navigation.
	acrossReload(t, sp, "the session is in the customer", fmt.Sprintf(`document.getElementById("account-name")?.textContent === %q`, w.customerName))
	if !eval[bool](sp, "check the support partners link is hidden", `document.querySelector('a[data-nav="partner-access"]').closest("li").hidden`) {
		t.Error("a staff member acting in the customer is offered the support partners page")
	}
	sp.open("/partner-access", "denied")
	if got := sp.text("denied-text"); !strings.Contains(got, "Only "+w.customerName+"'s own administrators") {
		t.Errorf("the support partners page tells a staff member %q", got)
	}
	sp.open("/partners", "tree")
	sp.until("the customer's account is shown", fmt.Sprintf(`document.getElementById("details").dataset.id === %q`, w.customerID))
	sp.snap("staff-in-customer")

	// The customer revokes: the dialog names the partner and says access ends at once.
	cp.open("/partner-access", "customer")
	cp.visibleCSS("#c-active " + item)
	if got := cp.textCSS("#c-active " + item); !strings.Contains(got, "1 person: Sam Staff") || !strings.Contains(got, "Access since") {
		t.Errorf("the active partner reads:\n%s", got)
	}
	cp.clickCSS("#c-active " + item + ` button[data-action="revoke"]`)
	cp.visible("confirm-dialog")
	if got := cp.text("confirm-title") + " " + cp.text("confirm-text"); !strings.Contains(got, w.partnerName) || !strings.Contains(got, "immediately") {
		t.Errorf("the revoke dialog reads %q, want the partner's name and that access ends immediately", got)
	}
	cp.snap("confirm-revoke")
	cp.click("confirm-ok")
	cp.visibleCSS("#c-ended " + item)
	if got := cp.textCSS("#c-ended " + item); !strings.Contains(got, w.customerName+" revoked access") {
		t.Errorf("the ended grant reads:\n%s", got)
	}

	// The staff member's next action in the customer is refused, but they stay signed in: the portal takes them
	// to the start page in their own account (the partner), which says the customer ended their access.
	sp.clickCSS(`a[data-nav="users"]`)
	sp.untilAfterLoad("the staff member is back in the partner", fmt.Sprintf(
		`location.pathname === "/" && document.body.dataset.showing === "home" && document.getElementById("account-name").textContent === %q`, w.partnerName))
	sp.until("the start page says why", `(document.getElementById("left-notice")?.textContent || "") !== ""`)
	if got := sp.text("left-notice"); !strings.Contains(got, w.customerName+" ended your access") || !strings.Contains(got, "back in your own account") {
		t.Errorf("the start page says %q, want that %s ended the access", got, w.customerName)
	}
	if got := sp.attr("left-notice", "role"); got != "status" {
		t.Errorf("the notice has role %q, want status", got)
	}
	// Still signed in and at home: the start page opens again, without the notice, which is said once.
	sp.open("/", "home")
	if eval[bool](sp, "check the notice is gone", `document.getElementById("left-notice") !== null`) {
		t.Error("the notice is shown again on the next page")
	}
	sp.snap("staff-back-home")
}

// TestCustomerInvitesThePartnerAgainThroughAShareLink goes on where TestCustomerGivesASupportPartnerAccessAndRevokesIt
// ends, with a partner whose access the customer revoked (invited, accepted and revoked through the API): the
// partner's administrator makes a share link; the customer's administrator, signed out and on a phone, opens it,
// signs in, comes back to the confirmation naming the partner, confirms, sees the new pending invitation made
// through the link, and withdraws it.
func TestCustomerInvitesThePartnerAgainThroughAShareLink(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	w := newAccessWorld(t, s)
	var partner struct {
		PartnerID string `json:"partnerId"`
	}
	w.partnerAdmin.call("GET", "/v1/accounts/"+w.partnerID+"/partner-access", nil, http.StatusOK, &partner)
	var grant struct {
		ID string `json:"id"`
	}
	w.customerAdmin.call("POST", "/v1/accounts/"+w.customerID+"/partner-access",
		map[string]string{"partnerId": strings.ReplaceAll(partner.PartnerID, "-", "")}, http.StatusCreated, &grant)
	w.partnerAdmin.call("POST", "/v1/partner-access/"+grant.ID+"/accept", map[string]any{}, http.StatusOK, nil)
	w.customerAdmin.call("POST", "/v1/partner-access/"+grant.ID+"/revoke", map[string]any{}, http.StatusOK, nil)

	// The partner's administrator, on a phone, makes a share link on the customer access page.
	pp := s.signedInPage(t, w.partnerAdmin)
	pp.viewport(phoneWidth, 844, true)
	pp.open("/partner-access", "partner")
	pp.click("share-link")
	pp.visible("share-box")
	link := pp.value("share-url")
	if !strings.HasPrefix(link, s.URL+"/partner-invite#") {
		t.Fatalf("the share link is %q, want %s/partner-invite#…", link, s.URL)
	}
	pp.snap("phone-share-link")

	// The customer's administrator signs out, and opens the link on a phone.
	cp := s.signedInPage(t, w.customerAdmin)
	cp.open("/partner-access", "customer")
	cp.click("signout")
	cp.visible("credentials-form")
	cp.viewport(phoneWidth, 844, true)
	cp.open(link, "credentials-form")
	seen := s.mailCount(t, w.customerEmail)
	cp.typeInto("email", w.customerEmail)
	cp.typeInto("password", goodPassword)
	cp.click("credentials-submit")
	cp.visible("code-form")
	cp.typeInto("otp", codeIn(t, s.waitMail(t, w.customerEmail, seen)))
	cp.click("code-submit")
	cp.visible("confirm")
	if got := cp.text("confirm-heading"); !strings.Contains(got, w.partnerName) {
		t.Errorf("the share link's confirmation is titled %q, want the partner's name", got)
	}
	if got := cp.text("customer-name"); got != w.customerName {
		t.Errorf("the confirmation names the account %q, want %q", got, w.customerName)
	}
	cp.fitsWidth("the share link's confirmation")
	cp.snap("phone-confirm-link")
	cp.click("confirm-submit")
	cp.visibleCSS("#c-pending li.grant")
	if got := cp.text("customer-result"); !strings.Contains(got, "Invitation sent to "+w.partnerName) {
		t.Errorf("after confirming the link, the page says %q", got)
	}
	if got := cp.textCSS("#c-pending li.grant"); !strings.Contains(got, "through a share link") {
		t.Errorf("the invitation made through the link reads:\n%s", got)
	}
	if got := eval[string](cp, "read the address", `location.pathname + location.search`); got != "/partner-access" {
		t.Errorf("after confirming, the address is %q, want /partner-access", got)
	}
	cp.fitsWidth("the support partners page")
	cp.snap("phone-support-partners")

	// The customer thinks better of it and withdraws the invitation.
	cp.clickCSS(`#c-pending li.grant button[data-action="revoke"]`)
	cp.visible("confirm-dialog")
	if got := cp.text("confirm-title"); !strings.Contains(got, "Withdraw the invitation to "+w.partnerName) {
		t.Errorf("the withdraw dialog is titled %q", got)
	}
	cp.click("confirm-ok")
	cp.visible("c-pending-empty")
	if got := cp.textCSS("#c-ended li.grant"); !strings.Contains(got, "withdrew the invitation") {
		t.Errorf("the withdrawn invitation reads:\n%s", got)
	}
}

// TestShareLinkAsksWhichCustomerAccount checks the share link's page for a person who administers two customer
// accounts: the confirmation offers both (the one the session is in chosen), confirming for the other one moves
// the session there and sends the invitation from it, and the same link used again for that account is
// refused with the reason and a way to the Support partners page. The partner's own administrator, who
// administers no customer, is told the link is for a customer's administrator, and declines the invitation.
func TestShareLinkAsksWhichCustomerAccount(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	w := newAccessWorld(t, s)

	// The customer's administrator also administers Northwind Traders: the provider invites their login there,
	// and they accept through the API, as the invitation page would.
	const second = "Northwind Traders"
	secondID := accountByAPI(t, w.provider, "customer", w.providerID, second, "Nia Contact", testenv.UniqueEmail(t, "nia"))
	seen := s.mailCount(t, w.customerEmail)
	var invited struct {
		Invitation string `json:"invitation"`
	}
	w.provider.call("POST", "/v1/accounts/"+secondID+"/users",
		map[string]any{"name": "Cleo Customer", "email": w.customerEmail, "roles": []string{"account-admin"}}, http.StatusCreated, &invited)
	if invited.Invitation != "membership" {
		t.Fatalf("inviting an existing login answered the invitation %q, want membership", invited.Invitation)
	}
	token := membershipToken.FindStringSubmatch(s.waitMail(t, w.customerEmail, seen).Text)
	if token == nil {
		t.Fatal("no membership link in the invitation email")
	}
	w.customerAdmin.call("POST", "/v1/memberships/"+token[1], map[string]any{}, http.StatusCreated, nil)

	var share struct {
		URL string `json:"url"`
	}
	w.partnerAdmin.call("POST", "/v1/accounts/"+w.partnerID+"/share-links", map[string]any{}, http.StatusCreated, &share)
	link := share.URL
	if !strings.HasPrefix(link, s.URL+"/partner-invite#") {
		t.Fatalf("the share link is %q, want %s/partner-invite#…", link, s.URL)
	}

	cp := s.signedInPage(t, w.customerAdmin)
	cp.open(link, "confirm")
	cp.visible("customer-choice")
	if got := eval[int](cp, "count the accounts offered", `document.querySelectorAll("#customers input[type=radio]").length`); got != 2 {
		t.Errorf("the confirmation offers %d accounts, want 2", got)
	}
	current := "customer-" + w.customerID
	if !eval[bool](cp, "check the current account is chosen", fmt.Sprintf(`document.getElementById(%q).checked`, current)) {
		t.Error("the account the session is in is not chosen at first")
	}
	cp.viewport(phoneWidth, 844, true)
	cp.fitsWidth("the share link's account choice")
	cp.snap("phone-choose-account")
	cp.click("customer-" + secondID)
	cp.click("confirm-submit")
	cp.visibleCSS("#c-pending li.grant")
	if got := cp.text("customer-intro"); !strings.Contains(got, second) {
		t.Errorf("after confirming for %s, the support partners page is about: %q", second, got)
	}
	if got := sessionAccount(t, w.customerAdmin); got != secondID {
		t.Errorf("the session acts in %s after confirming, want %s (%s)", got, secondID, second)
	}
	var list struct {
		Grants []struct {
			Status   string `json:"status"`
			Customer struct {
				ID string `json:"id"`
			} `json:"customer"`
		} `json:"grants"`
	}
	w.partnerAdmin.call("GET", "/v1/accounts/"+w.partnerID+"/partner-access", nil, http.StatusOK, &list)
	if len(list.Grants) != 1 || list.Grants[0].Customer.ID != secondID || list.Grants[0].Status != "invited" {
		t.Errorf("the partner's list after the link was used: %+v, want one invitation from %s", list.Grants, second)
	}

	// The same link again, for the same account: refused, with the reason.
	cp.open(link, "confirm")
	cp.click("confirm-submit")
	cp.visible("confirm-alert")
	if got := cp.text("confirm-alert"); !strings.Contains(got, "already") {
		t.Errorf("a second invitation of the same partner says %q", got)
	}
	cp.snap("phone-already-invited")

	cp.clickCSS(`#confirm-alert a[href="/partner-access"]`)
	cp.visibleCSS("#c-pending li.grant")

	// The partner's administrator opens the link: it is for a customer's administrator. Then they decline the
	// invitation.
	pp := s.signedInPage(t, w.partnerAdmin)
	pp.open(link, "no-customer")
	if got := pp.text("no-customer-text"); !strings.Contains(got, "administrator of a customer account") {
		t.Errorf("the link tells the partner's administrator %q", got)
	}
	pp.open("/partner-access", "partner")
	pp.clickCSS(`#p-pending li.grant button[data-action="decline"]`)
	pp.visible("confirm-dialog")
	if got := pp.text("confirm-title"); !strings.Contains(got, second) {
		t.Errorf("the decline dialog is titled %q, want the customer's name", got)
	}
	pp.click("confirm-ok")
	pp.visibleCSS("#p-ended li.grant")
	if got := pp.textCSS("#p-ended li.grant"); !strings.Contains(got, w.partnerName+" declined the invitation") {
		t.Errorf("the declined invitation reads:\n%s", got)
	}
	pp.snap("declined")
}

// membershipToken finds the token of a membership invitation's link in an email's text.
var membershipToken = regexp.MustCompile(`/accept(?:\?brand=[A-Za-z0-9_-]+)?#([A-Za-z0-9._~-]+)`)
