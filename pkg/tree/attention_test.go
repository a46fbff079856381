package tree_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/feedback"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/tree"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// attentionWorld is a partner with three customers that each invited it as their support partner: one grant
// ends in 5 days, one in 20, and one invitation still waits for the partner's answer. The partner has a pending
// user, a user whose address bounced, and an implementation lead (accounts:view only) who registered and whose
// address then drew a complaint.
type attentionWorld struct {
	*platformtest.Platform
	partner, soon, later, asking platformtest.Created
	partnerAdmin                 string
	soonGrant, laterGrant, ask   string
	pendingID, bouncedID, leadID string
}

func newAttentionWorld(t *testing.T) *attentionWorld {
	t.Helper()
	p := platformtest.New(t)
	w := &attentionWorld{Platform: p}
	w.partner = p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Contoso Support")
	w.soon = p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Fabrikam Soon")
	w.later = p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Litware Later")
	w.asking = p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Woodgrove Asking")
	w.partnerAdmin = w.admin(w.partner)
	pid := p.Account(w.partner.ID).PartnerID
	now := p.Clock.Now()
	w.soonGrant = w.invite(w.soon, pid, now.Add(5*24*time.Hour))
	w.laterGrant = w.invite(w.later, pid, now.Add(20*24*time.Hour))
	w.ask = w.invite(w.asking, pid, time.Time{})
	for _, g := range []string{w.soonGrant, w.laterGrant} {
		r := p.Call(platformtest.Request{Function: route.PartnerAccess, Route: "POST /v1/partner-access/{grantId}/accept",
			Cookie: w.partnerAdmin, Params: map[string]string{"grantId": g}})
		platformtest.WantStatus(t, r, http.StatusOK)
	}
	w.pendingID = w.addUser("Uma Pending", "account-admin")
	w.bouncedID = w.addUser("Bea Bounced", "read-only")
	w.leadID = w.addUser("Ivo Lead", "implementation-lead")
	p.Activate(w.leadID)
	w.report(w.bouncedID, user.FeedbackBounce)
	w.report(w.leadID, user.FeedbackComplaint) // registered: found by the mark the report leaves
	return w
}

// admin activates an account's contact, gives them a session in the account and takes the license step.
func (w *attentionWorld) admin(c platformtest.Created) string {
	w.T.Helper()
	w.Activate(c.ContactUserID)
	return w.session(c.ContactUserID, c.ID)
}

func (w *attentionWorld) session(userID, accountID string) string {
	w.T.Helper()
	cookie := w.Session(userID, accountID)
	w.AcceptLicense(cookie, license.Current().Version)
	return cookie
}

// invite has a customer's administrator invite the partner, with an end date unless ends is zero.
func (w *attentionWorld) invite(c platformtest.Created, partnerID string, ends time.Time) string {
	w.T.Helper()
	body := map[string]any{"partnerId": partnerID}
	if !ends.IsZero() {
		body["endsAt"] = ends.Format(time.RFC3339)
	}
	r := w.Call(platformtest.Request{Function: route.PartnerAccess, Route: "POST /v1/accounts/{id}/partner-access",
		Cookie: w.admin(c), Params: map[string]string{"id": c.ID}, Body: body})
	platformtest.WantStatus(w.T, r, http.StatusCreated)
	return r.Str("id")
}

// addUser invites a person into the partner through the users API and returns their id.
func (w *attentionWorld) addUser(name, roleName string) string {
	w.T.Helper()
	r := w.Call(platformtest.Request{Function: route.Users, Route: "POST /v1/accounts/{id}/users", Cookie: w.partnerAdmin,
		Params: map[string]string{"id": w.partner.ID},
		Body:   map[string]any{"name": name, "email": testenv.UniqueEmail(w.T, "user"), "roles": []string{roleName}}})
	platformtest.WantStatus(w.T, r, http.StatusCreated)
	return r.Str("userId")
}

// report records the email service's report on the user's address through package feedback, the code the
// mail-feedback function runs: a hard bounce, a complaint or a delivery.
func (w *attentionWorld) report(userID, kind string) {
	w.T.Helper()
	u, err := w.Store.User(w.T.Context(), userID)
	if err != nil {
		w.T.Fatal(err)
	}
	w.Clock.Advance(time.Second) // a report counts only when newer than the recorded state
	err = feedback.New(w.Store, nil, nil).Record(w.T.Context(), feedback.Report{UserID: userID,
		Feedback: []user.Feedback{{Kind: kind, Address: u.Email, At: w.Clock.Now()}}})
	if err != nil {
		w.T.Fatal(err)
	}
}

// attention asks GET /v1/accounts/{id}/attention as cookie's caller.
func (w *attentionWorld) attention(cookie, accountID string) platformtest.Reply {
	w.T.Helper()
	return w.Call(platformtest.Request{Function: route.Accounts, Route: "GET " + "/v1/accounts/{id}/attention",
		Cookie: cookie, Params: map[string]string{"id": accountID}, Headers: map[string]string{}})
}

// ids lists the ids of a section's items; nil when the section is null.
func ids(r platformtest.Reply, section string) []string {
	sec, ok := r.JSON[section].(map[string]any)
	if !ok {
		return nil
	}
	out := []string{}
	items, _ := sec["items"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m["id"].(string)
		out = append(out, id)
	}
	return out
}

// emailStatuses maps the ids of a section's items to their emailStatus.
func emailStatuses(r platformtest.Reply, section string) map[string]string {
	out := map[string]string{}
	sec, _ := r.JSON[section].(map[string]any)
	items, _ := sec["items"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m["id"].(string)
		out[id], _ = m["emailStatus"].(string)
	}
	return out
}

func TestAttentionShowsEachItemWhereItBelongs(t *testing.T) {
	w := newAttentionWorld(t)
	if tree.RouteAttention != "GET /v1/accounts/{id}/attention" {
		t.Fatalf("route key %q", tree.RouteAttention)
	}

	r := w.attention(w.partnerAdmin, w.partner.ID)
	platformtest.WantStatus(t, r, http.StatusOK)
	if got := ids(r, "answers"); !slices.Equal(got, []string{w.ask}) {
		t.Errorf("partner's answers = %v, want the pending invitation %s", got, w.ask)
	}
	if got := ids(r, "endingSoon"); !slices.Equal(got, []string{w.soonGrant}) {
		t.Errorf("partner's grants ending soon = %v, want only the one ending in 5 days %s (not %s)", got, w.soonGrant, w.laterGrant)
	}
	pending := ids(r, "activations")
	slices.Sort(pending)
	wantPending := []string{w.bouncedID, w.pendingID}
	slices.Sort(wantPending)
	if !slices.Equal(pending, wantPending) {
		t.Errorf("pending activations = %v, want the two unregistered users %v (not the activated lead %s)", pending, wantPending, w.leadID)
	}
	undeliverable := ids(r, "undeliverable")
	slices.Sort(undeliverable)
	wantDead := []string{w.bouncedID, w.leadID}
	slices.Sort(wantDead)
	if !slices.Equal(undeliverable, wantDead) {
		t.Errorf("undeliverable = %v, want the bounced invitee and the registered lead whose address drew a complaint %v", undeliverable, wantDead)
	}
	if got := ids(r, "audit"); len(got) == 0 {
		t.Errorf("no recent audit events for the partner's administrator: %s", r.Body)
	}
	if counts, ok := r.JSON["counts"].(map[string]any); !ok || counts["customers"] == nil {
		t.Errorf("counts missing: %s", r.Body)
	}

	// The customer whose grant ends in 5 days sees it; the one ending in 20 days does not; the one that asked has
	// nothing to answer (the partner answers) and nothing ending.
	soon := w.attention(w.session(w.soon.ContactUserID, w.soon.ID), w.soon.ID)
	platformtest.WantStatus(t, soon, http.StatusOK)
	if got := ids(soon, "endingSoon"); !slices.Equal(got, []string{w.soonGrant}) {
		t.Errorf("customer's grants ending soon = %v, want %s", got, w.soonGrant)
	}
	later := w.attention(w.session(w.later.ContactUserID, w.later.ID), w.later.ID)
	if got := ids(later, "endingSoon"); len(got) != 0 {
		t.Errorf("grant ending in 20 days listed as ending soon: %v", got)
	}
	asking := w.attention(w.session(w.asking.ContactUserID, w.asking.ID), w.asking.ID)
	if got := ids(asking, "answers"); len(got) != 0 {
		t.Errorf("the inviting customer is asked to answer its own invitation: %v", got)
	}
	if got := ids(asking, "activations"); len(got) != 0 {
		t.Errorf("another account's pending users shown to the customer: %v", got)
	}

	// An implementation lead (accounts:view only) sees the counts and the grants, not the users or the audit log.
	lead := w.attention(w.session(w.leadID, w.partner.ID), w.partner.ID)
	platformtest.WantStatus(t, lead, http.StatusOK)
	for _, hidden := range []string{"activations", "undeliverable", "audit"} {
		if lead.JSON[hidden] != nil {
			t.Errorf("%s shown to a caller without the permission: %v", hidden, lead.JSON[hidden])
		}
	}
	if got := ids(lead, "endingSoon"); !slices.Equal(got, []string{w.soonGrant}) {
		t.Errorf("lead's grants ending soon = %v, want %s", got, w.soonGrant)
	}

	// An activation email the mailer could not send (the mailer records it on the outbox message) needs attention too.
	invitee := w.User(w.pendingID)
	_, err := w.Env.Dynamo.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{
		TableName: aws.String(w.Table), Key: table.OutboxKey(invitee.ActivationMessageID).AV(),
		UpdateExpression:          aws.String("SET #status = :failed"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":failed": dynamo.S(outbox.StatusFailed)},
	})
	if err != nil {
		t.Fatal(err)
	}
	failed := w.attention(w.partnerAdmin, w.partner.ID)
	if got := emailStatuses(failed, "undeliverable"); got[w.pendingID] != "failed" || got[w.bouncedID] != "bounced" || got[w.leadID] != "complained" {
		t.Errorf("undeliverable after a failed send = %v, want %s failed, %s bounced, %s complained", got, w.pendingID, w.bouncedID, w.leadID)
	}

	// Another account than the one the caller acts in is not found, even one it could view.
	platformtest.WantStatus(t, w.attention(w.Super, w.partner.ID), http.StatusNotFound)

	// Once the activation links have expired, the pending users say so.
	w.Clock.Advance(73 * time.Hour)
	expired := w.attention(w.session(w.partner.ContactUserID, w.partner.ID), w.partner.ID)
	sec, _ := expired.JSON["activations"].(map[string]any)
	if n, _ := sec["expired"].(float64); int(n) != 2 {
		t.Errorf("expired links = %v, want 2: %s", sec["expired"], expired.Body)
	}

	// An email that reaches the lead again clears their mark: only the bounced invitee is left.
	w.report(w.leadID, user.FeedbackDelivery)
	cleared := w.attention(w.session(w.partner.ContactUserID, w.partner.ID), w.partner.ID) // the sessions above have ended
	if got := emailStatuses(cleared, "undeliverable"); len(got) != 2 || got[w.bouncedID] != "bounced" || got[w.pendingID] != "failed" {
		t.Errorf("after a delivery to the lead, undeliverable = %v, want only %s (bounced) and %s (failed)", got, w.bouncedID, w.pendingID)
	}
	if marked, _, err := w.Store.UndeliverableUsers(t.Context(), w.partner.ID, 10); err != nil || !slices.Equal(marked, []string{w.bouncedID}) {
		t.Errorf("marks after the delivery = %v (%v), want only %s's", marked, err, w.bouncedID)
	}
}
