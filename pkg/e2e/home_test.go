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

// TestHomeShowsWhatNeedsAttention: a partner whose customer gave it access ending in 5 days, whom a second
// customer has invited (waiting for its answer), with a pending user and one whose invitation bounced. The
// partner's administrator opens the home page: each shows in its section, the resend button sends, and the
// invitation's link leads to the Customer access page, where the invitation waits to be answered.
func TestHomeShowsWhatNeedsAttention(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	w := newAccessWorld(t, s)

	var list struct {
		PartnerID string `json:"partnerId"`
	}
	w.partnerAdmin.call("GET", "/v1/accounts/"+w.partnerID+"/partner-access", nil, http.StatusOK, &list)
	var soon struct {
		ID string `json:"id"`
	}
	w.customerAdmin.call("POST", "/v1/accounts/"+w.customerID+"/partner-access",
		map[string]any{"partnerId": list.PartnerID, "endsAt": time.Now().Add(5 * 24 * time.Hour).Format(time.RFC3339)}, http.StatusCreated, &soon)
	w.partnerAdmin.call("POST", "/v1/partner-access/"+soon.ID+"/accept", map[string]any{}, http.StatusOK, nil)

	// A second customer invites the partner and waits for its answer.
	askingEmail := testenv.UniqueEmail(t, "ada")
	askingID := accountByAPI(t, w.provider, "customer", w.providerID, "Adatum Asking", "Ada Asking", askingEmail)
	s.register(t, askingEmail)
	asking := s.signIn(t, askingEmail)
	acceptLicense(t, asking)
	var ask struct {
		ID string `json:"id"`
	}
	asking.call("POST", "/v1/accounts/"+askingID+"/partner-access", map[string]any{"partnerId": list.PartnerID}, http.StatusCreated, &ask)

	pendingID := inviteByAPI(t, w.partnerAdmin, w.partnerID, "Uma Pending", testenv.UniqueEmail(t, "uma"))
	bouncing := strings.Replace(testenv.UniqueEmail(t, "bea"), "@example.com", "@"+local.BounceDomain, 1)
	bouncedID := inviteByAPI(t, w.partnerAdmin, w.partnerID, "Bea Bounced", bouncing)
	s.waitMail(t, bouncing, 0)
	deadline := time.Now().Add(mailWait) // the bounce is recorded while the mailer sends: a bounded poll
	for {
		var check struct {
			EmailStatus *struct{ Status string } `json:"emailStatus"`
		}
		w.partnerAdmin.call("GET", "/v1/users/"+bouncedID+"/status", nil, http.StatusOK, &check)
		if check.EmailStatus != nil && check.EmailStatus.Status == "bounced" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no bounce recorded for %s within %s", bouncing, mailWait)
		}
		time.Sleep(50 * time.Millisecond)
	}

	p := s.signedInPage(t, w.partnerAdmin)
	p.open("/", "home")
	p.visible("att-activations")
	for _, id := range []string{pendingID, bouncedID} {
		p.visibleCSS(fmt.Sprintf(`#att-activations-list li[data-user-id=%q] a`, id))
	}
	p.visibleCSS(fmt.Sprintf(`#att-undeliverable-list li[data-user-id=%q]`, bouncedID))
	if got := p.textCSS(fmt.Sprintf(`#att-undeliverable-list li[data-user-id=%q]`, bouncedID)); !strings.Contains(got, "Bea Bounced") || !strings.Contains(got, "bounced") {
		t.Errorf("the bounced address reads %q", got)
	}
	if n := eval[int](p, "count undeliverable", `document.querySelectorAll("#att-undeliverable-list li[data-user-id]").length`); n != 1 {
		t.Errorf("%d undeliverable addresses shown, want only Bea's", n)
	}
	p.visibleCSS(fmt.Sprintf(`#att-ending-list li[data-grant-id=%q]`, soon.ID))
	if got := p.textCSS(fmt.Sprintf(`#att-ending-list li[data-grant-id=%q]`, soon.ID)); !strings.Contains(got, w.customerName) {
		t.Errorf("the grant ending soon reads %q, want %s named", got, w.customerName)
	}
	answer := fmt.Sprintf(`#att-answers-list li[data-grant-id=%q] a`, ask.ID)
	p.visibleCSS(answer)
	if got := p.textCSS(answer); !strings.Contains(got, "Adatum Asking") {
		t.Errorf("the invitation to answer reads %q", got)
	}
	if n := eval[int](p, "count answers", `document.querySelectorAll("#att-answers-list li[data-grant-id]").length`); n != 1 {
		t.Errorf("%d invitations to answer shown, want 1", n)
	}
	p.visible("att-audit")
	p.visible("att-counts")
	p.snap("home-attention")

	// The resend button sends to the listed users and says what happened.
	p.click("att-resend")
	p.until("the resend's result shows", `document.getElementById("att-resend-result").textContent.startsWith("Activation links:")`)

	// The invitation's link leads to where it is answered.
	p.clickCSS(answer)
	p.visibleCSS(fmt.Sprintf(`#p-pending li.grant[data-grant-id=%q]`, ask.ID))
	if got := eval[string](p, "read the path", `location.pathname`); got != "/partner-access" {
		t.Errorf("the invitation's link led to %s", got)
	}
}
