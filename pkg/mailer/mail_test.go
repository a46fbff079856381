package mailer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// mails is one example of every Mail type.
func mails() []outbox.Mail {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	inv := outbox.Invitation{Name: "Ada", Email: "ada@example.com", AccountName: "Acme", AccountKind: "partner",
		Roles: "Account administrator", ExpiresAt: at, InviterName: "Jane", InviterAccountName: "Northwind"}
	notice := outbox.GrantNotice{Name: "Ada", CustomerName: "Fabrikam", PartnerName: "Contoso", Link: portal + "/partner-access", EndsAt: at}
	return []outbox.Mail{
		outbox.Activation(inv), outbox.Membership(inv), outbox.OTPCode{Name: "Ada", ExpiresIn: time.Minute},
		outbox.MobileVerification{}, outbox.PasswordReset{Name: "Ada"}, outbox.PasswordChanged{Name: "Ada"},
		outbox.TwoFactorChanged{Name: "Ada", Change: "disabled", Method: "Email", By: "Sam"},
		outbox.PartnerInvited{GrantNotice: notice, Inviter: "Jane (Fabrikam)", ExpiresAt: at},
		outbox.InvitationAccepted{GrantNotice: notice, By: "Carl"}, outbox.InvitationDeclined{GrantNotice: notice},
		outbox.InvitationExpired{GrantNotice: notice}, outbox.AccessEnding{GrantNotice: notice},
		outbox.AccessExpired{GrantNotice: notice},
		outbox.AccessRevoked{GrantNotice: notice, By: "customer", Reason: "contract ended"},
		outbox.AccessExtended{GrantNotice: notice, ExtendedByDays: 180},
		outbox.AutoExtendChanged{GrantNotice: notice, Enabled: false, ExtendByDays: 180},
		outbox.RolesRequested{GrantNotice: notice, Roles: "Read-only"},
		outbox.RolesAnswered{GrantNotice: notice, Answer: "approved", Roles: "Read-only"},
	}
}

// TestEveryMailRenders renders every Mail type with its template (email, text, or both) and checks that every
// embedded template has a Mail type: a template nobody can send, or a type without a template, fails here.
func TestEveryMailRenders(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	typed := map[string]bool{}
	for _, m := range mails() {
		name := m.Template()
		typed[name] = true
		t.Run("template="+name, func(t *testing.T) {
			msg := outbox.New(outbox.Envelope{ID: secret.NewID(), To: "ada@example.com"}, m, time.Now())
			secretValue := ""
			switch name {
			case outbox.TemplateActivation, outbox.TemplateMembership, outbox.TemplatePasswordReset:
				msg.SecretRef, secretValue = secret.LinkRef(secret.PurposeActivation, "x"), "token"
				if name == outbox.TemplateMembership {
					msg.SecretRef = secret.LinkRef(secret.PurposeMembership, "x")
				}
				if name == outbox.TemplatePasswordReset {
					msg.SecretRef = secret.LinkRef(secret.PurposeReset, "x")
				}
			case outbox.TemplateOTP, outbox.TemplateMobileVerification:
				msg.SecretRef, secretValue = secret.CodeRef(1, "c", 1), "123456"
			}
			v := mailer.NewView(msg, outbox.DefaultBrand, portal, secretValue)
			rendered := false
			if r.Has(name) {
				c, err := r.Render(name, v)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(c.HTML+c.Text+c.Subject, "<no value>") {
					t.Fatalf("a field is missing: %s", c.Text)
				}
				rendered = true
			}
			if body, err := mailer.RenderSMS(name, v); err == nil {
				if strings.Contains(body, "<no value>") || !strings.Contains(body, "123456") {
					t.Fatalf("text %q", body)
				}
				rendered = true
			}
			if !rendered {
				t.Fatalf("no template renders %q", name)
			}
		})
	}
	for _, name := range r.Names() {
		if !typed[name] && name != "activation-resend" { // an alias of activation
			t.Errorf("template %q has no Mail type", name)
		}
	}
}
