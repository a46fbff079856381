package brand_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/branding/brandingtest"
	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// mail runs the real mailer on the outbox message of a user's activation email, as the stream would deliver
// its insert, and returns the email the SES emulator received.
func (tr *tree) mail(t *testing.T, c platformtest.Created) emulator.Email {
	t.Helper()
	mailer, err := tr.App.OutboxMailer()
	if err != nil {
		t.Fatal(err)
	}
	key := table.OutboxKey(tr.User(c.ContactUserID).ActivationMessageID)
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{
		EventID: "1", EventName: "INSERT", EventSource: "aws:dynamodb",
		Change: events.DynamoDBStreamRecord{SequenceNumber: "100", Keys: map[string]events.DynamoDBAttributeValue{
			table.AttrPK: events.NewStringAttribute(key.PK), table.AttrSK: events.NewStringAttribute(key.SK),
		}},
	}}}
	resp, err := mailer.Handle(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("mailer: %+v %v", resp, err)
	}
	var m outbox.Message
	if m = tr.Message(strings.TrimPrefix(key.PK, table.OutboxPrefix)); m.Status != outbox.StatusSent {
		t.Fatalf("message %s: %s %s", m.ID, m.Status, m.LastError)
	}
	mails := tr.Env.Emails(t, c.ContactEmail)
	if len(mails) != 1 {
		t.Fatalf("%d emails to %s", len(mails), c.ContactEmail)
	}
	return mails[0]
}

func TestActivationEmailCarriesThePartnersBranding(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.brandPartner(tr.partner.ID, tr.partnerAdmin, map[string]string{
		"color": "#0A7C4A", "supportEmail": "help@contoso.example", "supportUrl": "https://help.contoso.example/desk", "name": "Contoso Cloud"})
	logo := brandingtest.PNG(t)
	if r := tr.upload(tr.partnerAdmin, tr.partner.ID, logo, "image/png"); r.StatusCode != http.StatusOK {
		t.Fatalf("logo: %d %s", r.StatusCode, r.Body)
	}

	// The partner onboards a customer: its contact's activation email is the partner's.
	created := tr.Create(tr.partnerAdmin, map[string]any{
		"kind": account.Customer, "parentId": tr.partner.ID,
		"company": map[string]any{"name": "Branded Customer", "address": "5 Quay Street", "country": "IE", "city": "Galway"},
		"contact": map[string]any{"name": "Brenda Customer", "email": testenv.UniqueEmail(t, "brenda")},
	})
	mail := tr.mail(t, created)
	logoURL := "http://localhost:3000" + branding.LogoPath(tr.partner.ID, branding.Hash(logo))
	for _, want := range []string{
		`src="` + logoURL + `"`,
		"background-color:#0a7c4a",
		"border-top:4px solid #0a7c4a",
		`href="mailto:help@contoso.example"`,
		`href="https://help.contoso.example/desk"`,
		"This email was sent by Contoso Cloud",
	} {
		if !strings.Contains(mail.HTML, want) {
			t.Errorf("the HTML lacks %s", want)
		}
	}
	if !strings.Contains(mail.Text, "help@contoso.example") || !strings.Contains(mail.Text, "Contoso Cloud") {
		t.Errorf("the text part is not branded:\n%s", mail.Text)
	}
	if t.Failed() {
		t.Log(mail.HTML)
	}

	// The logo URL in the email works without a session.
	if r := tr.publicLogo(tr.partner.ID, branding.Hash(logo), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("the email's logo: %d", r.StatusCode)
	}

	// A customer of the provider itself gets PartnerHub's.
	plain := tr.CreateAccount(tr.Super, account.Customer, tr.ProviderID, "Unbranded Customer")
	mail = tr.mail(t, plain)
	if !strings.Contains(mail.HTML, "background-color:#1f5fbf") || strings.Contains(mail.HTML, "/v1/logos/") || strings.Contains(mail.HTML, "Contoso") {
		t.Fatalf("an unbranded email:\n%s", mail.HTML)
	}
}
