package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCustomerApprovesFewerRolesThroughAShareLink walks roles per grant in the browser:
//
//   - the partner's administrator asks, with its share link, for the user administrator and read-only roles
//     (unticking the administrator);
//   - the customer's administrator opens the link, sees both asked for, unticks read-only and confirms: the
//     invitation grants the user administrator only;
//   - once the partner accepts and assigns Sam, Sam acting in the customer sees its users but not its audit log
//     (the page says it is not for them);
//   - the partner asks for read-only too on its Customer access page; the customer sees the request on its
//     grant and approves it; Sam's next page, the audit log, opens;
//   - the partner then gives Sam only the user administrator's role on its staff checklist: the audit log closes
//     to Sam again.
func TestCustomerApprovesFewerRolesThroughAShareLink(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	w := newAccessWorld(t, s)
	w.addStaff(t, s)

	pp := s.signedInPage(t, w.partnerAdmin)
	pp.open("/partner-access", "partner")
	pp.click("share-role-support-staff")
	pp.click("share-role-support-user-admin")
	pp.click("share-role-read-only")
	pp.click("share-link")
	pp.visible("share-box")
	link := pp.value("share-url")
	pp.snap("share-link-roles")

	cp := s.signedInPage(t, w.customerAdmin)
	cp.open(link, "confirm")
	for _, id := range []string{"role-support-user-admin", "role-read-only"} {
		if !eval[bool](cp, "check "+id, fmt.Sprintf(`document.getElementById(%q)?.checked === true`, id)) {
			t.Errorf("the confirmation does not offer %s ticked", id)
		}
	}
	if eval[bool](cp, "look for the administrator", `document.getElementById("role-support-staff") !== null`) {
		t.Error("the confirmation offers the administrator role, which the link did not ask for")
	}
	cp.snap("confirm-roles")
	cp.click("role-read-only")
	cp.click("confirm-submit")
	cp.visibleCSS("#c-pending li.grant")
	if got := cp.textCSS("#c-pending li.grant .grant-facts"); !strings.Contains(got, "User administrator") || strings.Contains(got, "Read-only") {
		t.Errorf("the invitation's facts read:\n%s", got)
	}
	grantID := cp.attrCSS("#c-pending li.grant", "data-grant-id")
	w.partnerAdmin.call("POST", "/v1/partner-access/"+grantID+"/accept", map[string]any{}, http.StatusOK, nil)
	w.partnerAdmin.call("PUT", "/v1/partner-access/"+grantID+"/staff", map[string]any{"userIds": []string{w.staffID}}, http.StatusOK, nil)

	// Sam acts in the customer with the user administrator's role, and nothing more.
	w.staff.call("POST", "/v1/sessions/current/account", map[string]string{"accountId": w.customerID}, http.StatusOK, nil)
	sp := s.signedInPage(t, w.staff)
	sp.open("/users", "users")
	sp.open("/audit", "denied")

	// The partner asks for read-only too; the customer approves.
	pp.open("/partner-access", "partner")
	item := fmt.Sprintf(`#p-active li.grant[data-grant-id=%q]`, grantID)
	pp.clickCSS(item + " details.grant-roles > summary")
	pp.click(fmt.Sprintf("roles-request-%s-read-only", grantID))
	pp.clickCSS(item + ` button[data-roles-action="request"]`)
	pp.until("the request is sent", `document.getElementById("partner-result").textContent.startsWith("Request sent to")`)
	if got := pp.textCSS(item + " .grant-facts"); !strings.Contains(got, "waiting for the customer") {
		t.Errorf("after asking, the partner's grant reads:\n%s", got)
	}

	cp.open("/partner-access", "customer")
	citem := fmt.Sprintf(`#c-active li.grant[data-grant-id=%q]`, grantID)
	cp.visibleCSS(citem + ` button[data-roles-action="approve"]`)
	cp.snap("role-request")
	cp.clickCSS(citem + ` button[data-roles-action="approve"]`)
	cp.until("the request is approved", `document.getElementById("customer-result").textContent.startsWith("Approved:")`)
	if got := cp.textCSS(citem + " .grant-facts"); !strings.Contains(got, "User administrator and Read-only") {
		t.Errorf("after approving, the grant's facts read:\n%s", got)
	}
	sp.open("/audit", "audit")

	// With two roles granted, the partner gives Sam only one of them, on the staff checklist (checked by axe).
	pp.open("/partner-access", "partner")
	pp.clickCSS(item + " details.staff > summary")
	readOnly := fmt.Sprintf("staff-%s-%s-roles-read-only", grantID, w.staffID)
	pp.visible(readOnly)
	pp.click(readOnly)
	pp.axe("the staff checklist with a choice of roles")
	pp.clickCSS(item + ` .staff-form button[type="submit"]`)
	pp.until("the staff are saved", fmt.Sprintf(`(document.querySelector('%s .staff-status') || {}).textContent?.startsWith("Saved:")`, item))
	var view struct {
		Staff []struct {
			ID    string   `json:"id"`
			Roles []string `json:"roles"`
		} `json:"staff"`
	}
	w.partnerAdmin.call("GET", "/v1/partner-access/"+grantID, nil, http.StatusOK, &view)
	if len(view.Staff) != 1 || strings.Join(view.Staff[0].Roles, ",") != "support-user-admin" {
		t.Errorf("after choosing a role for Sam, the staff are %+v", view.Staff)
	}
	sp.open("/audit", "denied")
}
