package grant_test

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// TestTemplates renders every partner access email: each names both sides and links to the partner access page
// in its HTML and text parts, and refuses to render without the data it needs.
func TestTemplates(t *testing.T) {
	t.Parallel()
	r, err := mailer.Templates()
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"name": "Ada", "customerName": "Fabrikam Inc", "partnerName": "Contoso Support", "link": "https://portal.example.com/partner-access"}
	with := func(extra map[string]string) map[string]string {
		d := maps.Clone(base)
		maps.Copy(d, extra)
		return d
	}
	cases := []struct {
		template string
		data     map[string]string
		required []string
		subject  string
		body     []string
	}{
		{"partner-invited", with(map[string]string{"inviter": "Grace", "expiresAt": "2026-11-16T09:00:00Z", "endsAt": "2027-01-31T17:00:00Z"}),
			[]string{"name", "customerName", "partnerName", "link", "expiresAt", "inviter"},
			"Fabrikam Inc invites Contoso Support as its support partner", []string{"Grace of", "Monday 16 November 2026", "Sunday 31 January 2027"}},
		{"partner-invitation-accepted", with(map[string]string{"by": "Linus"}), []string{"name", "customerName", "partnerName", "link"},
			"Contoso Support accepted your support partner invitation", []string{"Linus of", "revoke it at any time"}},
		{"partner-invitation-declined", base, []string{"name", "customerName", "partnerName", "link"},
			"Contoso Support declined your support partner invitation", []string{"declined the invitation"}},
		{"partner-invitation-expired", base, []string{"name", "customerName", "partnerName", "link"},
			"Your support partner invitation to Contoso Support expired", []string{"did not answer"}},
		{"partner-access-revoked", with(map[string]string{"by": "customer", "reason": partneraccess.ReasonRevoked}), []string{"name", "customerName", "partnerName", "link", "by", "reason"},
			"Fabrikam Inc revoked your support access", []string{"new invitation from Fabrikam Inc"}},
		{"partner-access-revoked", with(map[string]string{"by": "customer", "reason": partneraccess.ReasonWithdrawn}), nil,
			"Fabrikam Inc withdrew its support partner invitation", []string{"withdrew its invitation"}},
		{"partner-access-revoked", with(map[string]string{"by": "partner", "reason": partneraccess.ReasonEndedByPartner}), nil,
			"Contoso Support ended its support access to Fabrikam Inc", []string{"can no longer act in your account"}},
		{"partner-access-ending", with(map[string]string{"endsAt": "2027-01-31T17:00:00Z"}), []string{"name", "customerName", "partnerName", "link", "endsAt"},
			"Support access of Contoso Support to Fabrikam Inc ends on Sunday 31 January 2027, 17:00 UTC", []string{"new invitation"}},
		{"partner-access-expired", base, []string{"name", "customerName", "partnerName", "link"},
			"Support access of Contoso Support to Fabrikam Inc has ended", []string{"reached its end date"}},
		{"partner-roles-requested", with(map[string]string{"roles": "User administrator and Read-only"}), []string{"name", "customerName", "partnerName", "link", "roles"},
			"Contoso Support asks for other roles in Fabrikam Inc", []string{"User administrator and Read-only", "approve all or fewer"}},
		{"partner-roles-answered", with(map[string]string{"answer": "approved", "roles": "Read-only"}), []string{"name", "customerName", "partnerName", "link", "answer", "roles"},
			"Fabrikam Inc approved your request for roles", []string{"From now on your staff act as", "Read-only"}},
		{"partner-roles-answered", with(map[string]string{"answer": "declined", "roles": "Administrator"}), nil,
			"Fabrikam Inc declined your request for other roles", []string{"keep acting as", "Administrator"}},
		{"partner-roles-answered", with(map[string]string{"answer": "reduced", "roles": "Read-only"}), nil,
			"Fabrikam Inc changed your roles", []string{"took roles away", "From their next action"}},
	}
	for _, c := range cases {
		t.Run("template="+c.template+"/"+c.data["reason"]+c.data["answer"], func(t *testing.T) {
			t.Parallel()
			got, err := r.Render(c.template, mailer.NewView(outbox.Message{Template: c.template, Data: c.data}, outbox.DefaultBrand, "https://portal.example.com", ""))
			if err != nil {
				t.Fatal(err)
			}
			if got.Subject != c.subject {
				t.Errorf("subject %q, want %q", got.Subject, c.subject)
			}
			for _, want := range append(c.body, "Hello Ada", "Contoso Support", "Fabrikam Inc", "https://portal.example.com/partner-access") {
				if !strings.Contains(got.HTML, want) || !strings.Contains(got.Text, want) {
					t.Errorf("%q missing from the HTML or the text", want)
				}
			}
			for _, key := range c.required {
				d := maps.Clone(c.data)
				delete(d, key)
				if _, err := r.Render(c.template, mailer.NewView(outbox.Message{Template: c.template, Data: d}, outbox.DefaultBrand, "", "")); err == nil {
					t.Errorf("rendered without %s", key)
				}
			}
		})
	}
}

// TestInvitationEmailIsSentBranded runs the real mailer on the invitation's outbox message, as the table's
// stream would deliver it: the partner's administrator receives it, branded as the partner.
func TestInvitationEmailIsSentBranded(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	platformtest.WantStatus(t, w.Call(platformtest.Request{Function: route.Branding, Route: "PUT /v1/accounts/{id}/branding/enabled", Cookie: w.Super,
		Params: map[string]string{"id": w.partner.ID}, Body: map[string]bool{"enabled": true}}), http.StatusOK)
	platformtest.WantStatus(t, w.Call(platformtest.Request{Function: route.Branding, Route: "PUT /v1/accounts/{id}/branding", Cookie: w.partnerAdmin,
		Params: map[string]string{"id": w.partner.ID}, Body: map[string]string{"color": "#0A7C4A", "name": "Contoso Cloud", "supportEmail": "help@contoso.example"}}), http.StatusOK)
	w.invite(nil)
	m := w.mails("partner-invited")[0]
	mailer, err := w.App.OutboxMailer()
	if err != nil {
		t.Fatal(err)
	}
	key := table.OutboxKey(m.ID)
	resp, err := mailer.Handle(context.Background(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{
		EventID: "1", EventName: "INSERT", EventSource: "aws:dynamodb",
		Change: events.DynamoDBStreamRecord{SequenceNumber: "100", Keys: map[string]events.DynamoDBAttributeValue{
			table.AttrPK: events.NewStringAttribute(key.PK), table.AttrSK: events.NewStringAttribute(key.SK),
		}},
	}}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("mailer: %+v %v", resp, err)
	}
	mails := w.Env.Emails(t, w.partner.ContactEmail)
	var got string
	for _, e := range mails {
		if strings.Contains(e.Subject, "support partner") {
			got = e.Subject + "\n" + e.HTML
		}
	}
	if !strings.Contains(got, "Fabrikam Inc invites Contoso Support") || !strings.Contains(strings.ToLower(got), "#0a7c4a") || !strings.Contains(got, "Contoso Cloud") {
		t.Fatalf("the invitation email is missing or not branded: %q", got)
	}
}
