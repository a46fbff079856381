package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestAdministratorSeesABouncedAddress: an invitation to an address at the local stack's bounce domain bounces
// (the stack's SES plays the feedback through the mail-feedback handler); the users list shows "Email bounced" in
// words beside the address (the icon is decoration), the status check says why, and a new link from it is
// refused with the reason; correcting the address in the edit form clears the badge.
func TestAdministratorSeesABouncedAddress(t *testing.T) {
	t.Parallel()
	clock := &aheadClock{}
	s := newStack(t, withClock(clock))
	_, admin := s.adminSession(t, "Bounceworth Platform")
	accountID := currentAccount(t, admin)
	email := strings.Replace(testenv.UniqueEmail(t, "dora"), "@example.com", "@"+local.BounceDomain, 1)
	id := inviteByAPI(t, admin, accountID, "Dora Bounce", email)
	s.waitMail(t, email, 0)
	// The bounce is recorded while the mailer sends: wait for it, a bounded poll.
	deadline := time.Now().Add(mailWait)
	for {
		var check struct {
			EmailStatus *struct{ Status string } `json:"emailStatus"`
		}
		admin.call("GET", "/v1/users/"+id+"/status", nil, http.StatusOK, &check)
		if check.EmailStatus != nil && check.EmailStatus.Status == "bounced" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no bounce recorded for %s within %s", email, mailWait)
		}
		time.Sleep(50 * time.Millisecond)
	}

	p := s.signedInPage(t, admin)
	p.open("/users", "user-rows")
	badge := fmt.Sprintf(`tr[data-id=%q] .email-badge`, id)
	p.visibleCSS(badge)
	if got := p.textCSS(badge); !strings.Contains(got, "Email bounced") {
		t.Errorf("the badge reads %q, want Email bounced", got)
	}
	if got := p.attrCSS(badge+" .email-badge-icon", "aria-hidden"); got != "true" {
		t.Errorf("the badge's icon has aria-hidden %q, want true", got)
	}
	p.snap("bounced")

	clock.Advance(2 * time.Minute) // a resend is due but for the bounce
	p.clickCSS(fmt.Sprintf(`tr[data-id=%q] button[data-action="status"]`, id))
	p.visibleCSS(`#status-facts dd[data-fact="email-status"]`)
	if got := p.textCSS(`#status-facts dd[data-fact="email-status"]`); !strings.Contains(got, "Bounced") {
		t.Errorf("the status check reads %q about the address", got)
	}
	if got := p.textCSS(`#status-email .email-badge`); !strings.Contains(got, "Email bounced") {
		t.Errorf("the status check's badge reads %q", got)
	}
	seen := s.mailCount(t, email)
	p.click("status-resend")
	p.visible("status-alert")
	if got := p.text("status-alert"); !strings.Contains(got, "bounced") {
		t.Errorf("the refused resend reads %q", got)
	}
	if n := s.mailCount(t, email); n != seen {
		t.Errorf("%d emails after the refused resend, want %d", n, seen)
	}
	p.snap("status-bounced")

	// Correct the address: the badge goes.
	p.click("status-edit")
	p.visible("u-email-field")
	fixed := testenv.UniqueEmail(t, "dora")
	p.clear("u-email")
	p.typeInto("u-email", fixed)
	p.click("u-save")
	p.until("the badge is gone", fmt.Sprintf(`!document.querySelector(%q) && document.querySelector('tr[data-id=%q] .cell-email')?.textContent.includes(%q)`, badge, id, fixed))
}
