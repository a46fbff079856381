package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCustomerChoosesATermAndTurnsAutoExtendOff walks a grant's term in the portal: the customer's
// administrator invites the partner for 90 days with auto-extend (the checkbox is on at first) and reads the
// term on the pending invitation; once the partner has accepted (through the API), the partner shows with its
// end date and "Extends automatically by 180 days"; the administrator turns auto-extend off with the grant's
// button, and the grant then reads "Ends on …", the API agreeing. The page passes axe on the way.
func TestCustomerChoosesATermAndTurnsAutoExtendOff(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	w := newAccessWorld(t, s)
	var partner struct {
		PartnerID string `json:"partnerId"`
	}
	w.partnerAdmin.call("GET", "/v1/accounts/"+w.partnerID+"/partner-access", nil, http.StatusOK, &partner)

	cp := s.signedInPage(t, w.customerAdmin)
	cp.open("/partner-access", "customer")
	if cp.value("invite-duration") != "730" || !eval[bool](cp, "check auto-extend is on", `document.getElementById("invite-auto-extend").checked`) {
		t.Errorf("the invite form starts at %q days, auto-extend %v; want 2 years with auto-extend",
			cp.value("invite-duration"), eval[bool](cp, "read auto-extend", `document.getElementById("invite-auto-extend").checked`))
	}
	if eval[bool](cp, "check the end date is hidden", `!document.getElementById("invite-ends-field").hidden`) {
		t.Error("the end date field shows while a duration is chosen")
	}
	cp.axe("the invite form with a term")
	cp.typeInto("invite-partner-id", partner.PartnerID)
	cp.chooseOption("invite-duration", "90")
	cp.click("invite-submit")
	cp.visibleCSS("#c-pending li.grant")
	grantID := cp.attrCSS("#c-pending li.grant", "data-grant-id")
	item := fmt.Sprintf(`li.grant[data-grant-id=%q]`, grantID)
	if got := cp.textCSS("#c-pending " + item); !strings.Contains(got, "90 days after acceptance, then extends automatically by 180 days") {
		t.Errorf("the pending invitation reads:\n%s", got)
	}
	var g struct {
		DurationDays int    `json:"durationDays"`
		AutoExtend   bool   `json:"autoExtend"`
		EndsAt       string `json:"endsAt"`
	}
	w.customerAdmin.call("GET", "/v1/partner-access/"+grantID, nil, http.StatusOK, &g)
	if g.DurationDays != 90 || !g.AutoExtend || g.EndsAt != "" {
		t.Fatalf("the invitation's terms: %+v", g)
	}

	w.partnerAdmin.call("POST", "/v1/partner-access/"+grantID+"/accept", map[string]any{}, http.StatusOK, nil)
	cp.open("/partner-access", "customer")
	cp.visibleCSS("#c-active " + item)
	if got := cp.textCSS("#c-active " + item); !strings.Contains(got, "Extends automatically by 180 days on ") {
		t.Errorf("the active partner reads:\n%s", got)
	}
	button := "#c-active " + item + ` button[data-action="auto-extend"]`
	if got := cp.textCSS(button); got != "Turn off automatic extension" {
		t.Errorf("the switch reads %q", got)
	}
	cp.axe("the support partners page with an auto-extending partner")
	cp.snap("term-auto-extend")

	cp.clickCSS(button)
	cp.until("auto-extend is off", fmt.Sprintf(`(document.querySelector('#c-active %s .grant-facts') || {}).textContent?.includes("Ends on ")`, item))
	if got := cp.text("customer-result"); !strings.Contains(got, "no longer extends automatically") {
		t.Errorf("after turning auto-extend off, the page says %q", got)
	}
	if got := cp.textCSS(button); got != "Turn on automatic extension" {
		t.Errorf("the switch then reads %q", got)
	}
	w.customerAdmin.call("GET", "/v1/partner-access/"+grantID, nil, http.StatusOK, &g)
	if g.AutoExtend || g.EndsAt == "" {
		t.Errorf("after the switch, the grant: %+v", g)
	}
	cp.snap("term-ends")
}
