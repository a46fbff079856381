package e2e_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestPartnerGivesAStaffGroupAccessToACustomer walks staff groups in the browser, on a customer that granted its
// partner all three roles:
//
//   - the partner's administrator makes the group "Helpdesk" in a dialog (an empty name first, refused next to
//     the field), describes it in the same dialog, and adds Sam to it from the partner's users;
//   - on the customer's grant it gives Helpdesk access as Read-only only: the grant names the group, and the
//     group names the customer it acts for;
//   - the customer's page says one staff group of the partner acts for it as Read-only, without its name;
//   - deleting Helpdesk is refused while it acts for the customer, and the card names the customer to take it off
//     first; taken off, it is deleted;
//   - on the staff checklist the administrator narrows Sam to two of the three roles (User administrator and
//     Read-only) with checkboxes; a person ticked with no role left is refused before anything is sent. The page
//     fits a phone's width.
func TestPartnerGivesAStaffGroupAccessToACustomer(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	w := newAccessWorld(t, s)
	w.addStaff(t, s)
	var partner struct {
		PartnerID string `json:"partnerId"`
	}
	w.partnerAdmin.call("GET", "/v1/accounts/"+w.partnerID+"/partner-access", nil, http.StatusOK, &partner)
	var grant struct {
		ID string `json:"id"`
	}
	w.customerAdmin.call("POST", "/v1/accounts/"+w.customerID+"/partner-access", map[string]any{
		"partnerId": partner.PartnerID, "roles": []string{"support-staff", "support-user-admin", "read-only"},
	}, http.StatusCreated, &grant)
	w.partnerAdmin.call("POST", "/v1/partner-access/"+grant.ID+"/accept", map[string]any{}, http.StatusOK, nil)

	// A new group: the name is required, and the refusal shows next to the field.
	pp := s.signedInPage(t, w.partnerAdmin)
	pp.open("/partner-access", "groups-card")
	pp.visible("groups-empty")
	pp.click("group-new")
	pp.visible("group-dialog")
	pp.click("group-save")
	pp.visible("group-name-error")
	if got := pp.attr("group-name", "aria-invalid"); got != "true" {
		t.Errorf("an empty group name leaves aria-invalid %q, want true", got)
	}
	pp.axe("the staff group dialog")
	pp.typeInto("group-name", "Helpdesk")
	pp.click("group-save")
	pp.visibleCSS("#groups li.staff-group")
	groupID := pp.attrCSS("#groups li.staff-group", "data-group-id")
	group := fmt.Sprintf(`#groups li[data-group-id=%q]`, groupID)
	// Described afterwards, in the same dialog, which opens with the group's name.
	pp.clickCSS(group + ` button[data-group-action="edit"]`)
	pp.visible("group-dialog")
	if got := pp.value("group-name"); got != "Helpdesk" {
		t.Errorf("the rename dialog opens with the name %q, want Helpdesk", got)
	}
	pp.typeInto("group-description", "First-line support")
	pp.click("group-save")
	pp.until("the group is described", fmt.Sprintf(`document.getElementById("group-%s-status")?.textContent === "Saved Helpdesk."`, groupID))
	if got := pp.textCSS(group); !strings.Contains(got, "Helpdesk") || !strings.Contains(got, "First-line support") || !strings.Contains(got, "Nobody yet") {
		t.Errorf("the new group reads:\n%s", got)
	}

	// Sam joins it, chosen from the partner's users.
	pp.chooseOption("group-"+groupID+"-add", w.staffID)
	pp.clickCSS(group + ` button[data-group-action="add"]`)
	pp.until("Sam is added", fmt.Sprintf(`document.getElementById("group-%s-status")?.textContent.startsWith("Sam Staff is in Helpdesk")`, groupID))
	if got := pp.textCSS(group + " .grant-facts"); !strings.Contains(got, "1 person: Sam Staff") {
		t.Errorf("after adding Sam, the group's facts read:\n%s", got)
	}

	// Helpdesk gets access to the customer as Read-only.
	item := fmt.Sprintf(`#p-active li.grant[data-grant-id=%q]`, grant.ID)
	pp.clickCSS(item + " details.grant-groups > summary")
	newGroup := "grant-" + grant.ID + "-newgroup"
	pp.visible(newGroup + "-pick")
	if got := pp.value(newGroup + "-pick"); got != groupID {
		t.Errorf("the group to give access is %q, want Helpdesk (%s)", got, groupID)
	}
	pp.click(newGroup + "-support-staff")
	pp.click(newGroup + "-support-user-admin")
	pp.clickCSS(item + ` button[data-group-roles="assign"]`)
	status := "grant-groups-" + grant.ID + "-status"
	pp.until("the group has access", fmt.Sprintf(`document.getElementById(%q)?.textContent.startsWith("Helpdesk acts for %s now, as Read-only")`, status, w.customerName))
	if got := pp.textCSS(item + " details.grant-groups > summary"); !strings.Contains(got, "(Helpdesk)") {
		t.Errorf("the grant's staff groups read %q, want Helpdesk named", got)
	}
	if got := pp.textCSS(group + " .grant-facts"); !strings.Contains(got, w.customerName) {
		t.Errorf("after giving access, the group's facts read:\n%s", got)
	}
	pp.axe("the staff groups of a grant and the staff groups card")
	pp.snap("staff-group-assigned")
	var view struct {
		Groups []struct {
			ID    string   `json:"id"`
			Roles []string `json:"roles"`
		} `json:"groups"`
		Staff []struct {
			ID    string   `json:"id"`
			Roles []string `json:"roles"`
		} `json:"staff"`
	}
	w.partnerAdmin.call("GET", "/v1/partner-access/"+grant.ID, nil, http.StatusOK, &view)
	if len(view.Groups) != 1 || view.Groups[0].ID != groupID || strings.Join(view.Groups[0].Roles, ",") != "read-only" {
		t.Errorf("after giving Helpdesk access as Read-only, the grant's groups are %+v", view.Groups)
	}

	// The customer sees the group's roles, not its name.
	cp := s.signedInPage(t, w.customerAdmin)
	cp.open("/partner-access", "customer")
	citem := fmt.Sprintf(`#c-active li.grant[data-grant-id=%q]`, grant.ID)
	got := cp.textCSS(citem + " .grant-facts")
	if !strings.Contains(got, "1 staff group of "+w.partnerName+" also acts for you, as Read-only") || strings.Contains(got, "Helpdesk") {
		t.Errorf("the customer's grant reads:\n%s", got)
	}

	// Deleting Helpdesk is refused while it acts for the customer, and the card says where to take it off.
	groupStatus := "group-" + groupID + "-status"
	pp.clickCSS(group + ` button[data-group-action="delete"]`)
	pp.visible("confirm-dialog")
	pp.click("confirm-ok")
	pp.until("the delete is refused", fmt.Sprintf(`document.getElementById(%q)?.textContent.includes("is not deleted")`, groupStatus))
	if got := pp.text(groupStatus); !strings.Contains(got, w.customerName) {
		t.Errorf("the refused delete says %q, want the customer named", got)
	}
	pp.snap("staff-group-delete-refused")

	// Taken off the customer, it is deleted.
	pp.clickCSS(item + ` button[data-group-roles="remove"]`)
	pp.until("the group is taken off", fmt.Sprintf(`document.getElementById(%q)?.textContent.startsWith("Helpdesk no longer acts for")`, status))
	pp.clickCSS(group + ` button[data-group-action="delete"]`)
	pp.visible("confirm-dialog")
	pp.click("confirm-ok")
	pp.until("the group is deleted", `document.getElementById("groups-status").textContent === "Deleted the group Helpdesk."`)
	pp.visible("groups-empty")
	w.partnerAdmin.call("GET", "/v1/accounts/"+w.partnerID+"/staff-groups/"+groupID, nil, http.StatusNotFound, nil)

	// Sam acts with two of the three roles; Dana, ticked with none, is refused before anything is sent.
	// Nobody is assigned one by one yet, so the checklist is unfolded.
	sam := fmt.Sprintf("staff-%s-%s", grant.ID, w.staffID)
	dana := fmt.Sprintf("staff-%s-%s", grant.ID, w.leaverID)
	pp.visible(sam)
	pp.click(sam)
	pp.click(sam + "-roles-support-staff")
	pp.click(dana)
	for _, r := range []string{"support-staff", "support-user-admin", "read-only"} {
		pp.click(dana + "-roles-" + r)
	}
	pp.clickCSS(item + ` .staff-form button[type="submit"]`)
	pp.visible(dana + "-roles-error")
	pp.axe("the staff checklist with roles per person")
	pp.click(dana)
	pp.clickCSS(item + ` .staff-form button[type="submit"]`)
	pp.until("the staff are saved", fmt.Sprintf(`(document.querySelector('%s .staff-status') || {}).textContent?.startsWith("Saved:")`, item))
	if got := pp.textCSS(item + " .grant-facts"); !strings.Contains(got, "Sam Staff (User administrator and Read-only)") {
		t.Errorf("after narrowing Sam, the grant's facts read:\n%s", got)
	}
	w.partnerAdmin.call("GET", "/v1/partner-access/"+grant.ID, nil, http.StatusOK, &view)
	if len(view.Staff) != 1 || !slices.Equal(view.Staff[0].Roles, []string{"support-user-admin", "read-only"}) {
		t.Errorf("after narrowing Sam to two roles, the staff are %+v", view.Staff)
	}
	// The checklist shows it as saved.
	pp.open("/partner-access", "partner")
	pp.clickCSS(item + " details.staff > summary")
	for r, want := range map[string]bool{"support-staff": false, "support-user-admin": true, "read-only": true} {
		id := sam + "-roles-" + r
		if got := eval[bool](pp, "read "+id, fmt.Sprintf(`document.getElementById(%q).checked`, id)); got != want {
			t.Errorf("after reload, Sam's %s is ticked %v, want %v", r, got, want)
		}
	}
	pp.snap("staff-several-roles")

	// On a phone, nothing of the checklist, the groups or the staff groups card needs sideways scrolling.
	pp.viewport(phoneWidth, 844, true)
	pp.open("/partner-access", "partner")
	pp.clickCSS(item + " details.staff > summary")
	pp.clickCSS(item + " details.grant-groups > summary")
	pp.visible(sam + "-roles-read-only")
	pp.fitsWidth("the customer access page with staff groups")
}
