package mailer_test

import (
	"context"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// TestBrandedEmailIsSentInTheBrandsName sends emails through the SES emulator and reads the From it recorded: a
// branded email goes out under the brand's name (quoted or RFC 2047-encoded as RFC 5322 needs) from the
// configured address, and its links carry the brand to the pages they open; PartnerHub's own emails keep the
// configured sender as it is.
func TestBrandedEmailIsSentInTheBrandsName(t *testing.T) {
	t.Parallel()
	brandID := secret.NewID()
	cases := []struct {
		name  string
		brand outbox.Brand
		// wantName is the display name a mail client shows; wantRaw, when set, the header as sent.
		wantName, wantRaw string
	}{
		{"case=plain name", outbox.Brand{AccountID: brandID, Name: "Northwind Portal", Color: "#0a7c4a"},
			"Northwind Portal", `"Northwind Portal" <no-reply@partnerhub.test>`},
		{"case=quotes and a comma", outbox.Brand{AccountID: brandID, Name: `Acme "Cloud", Inc.`, Color: "#0a7c4a"},
			`Acme "Cloud", Inc.`, `"Acme \"Cloud\", Inc." <no-reply@partnerhub.test>`},
		{"case=not ascii", outbox.Brand{AccountID: brandID, Name: "Société Générale Cloud — Support", Color: "#0a7c4a"},
			"Société Générale Cloud — Support", ""},
		{"case=partnerhub's own", outbox.DefaultBrand, "PartnerHub", "PartnerHub <no-reply@partnerhub.test>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			m, err := mailer.NewMailer(mailer.Config{
				DB: w.env.Dynamo, SES: w.env.SES, Table: w.table, Clock: w.clock, Keys: w.keys,
				PortalURL: "http://localhost:3000", From: "PartnerHub <no-reply@partnerhub.test>",
				Brands: outbox.Static(c.brand), Log: slog.New(slog.DiscardHandler),
			})
			if err != nil {
				t.Fatal(err)
			}
			msg := activation(t)
			w.write(t, msg)
			if got := m.Deliver(context.Background(), table.OutboxKey(msg.ID)); got != mailer.Sent {
				t.Fatalf("Deliver = %s", got)
			}
			mails := w.env.Emails(t, msg.To)
			if len(mails) != 1 {
				t.Fatalf("%d emails, want 1", len(mails))
			}
			got := mails[0]
			if c.wantRaw != "" && got.From != c.wantRaw {
				t.Errorf("From header %q, want %q", got.From, c.wantRaw)
			}
			if !isASCII(got.From) {
				t.Errorf("From header %q is not ASCII: a non-ASCII name must be encoded", got.From)
			}
			from, err := mail.ParseAddress(got.From)
			if err != nil {
				t.Fatalf("From %q does not parse: %v", got.From, err)
			}
			if from.Name != c.wantName || from.Address != "no-reply@partnerhub.test" {
				t.Errorf("From = %q <%s>, want %q <no-reply@partnerhub.test>", from.Name, from.Address, c.wantName)
			}

			link := href.FindStringSubmatch(strings.ReplaceAll(got.HTML, "&amp;", "&"))
			if link == nil {
				t.Fatalf("no activation link in the HTML:\n%s", got.HTML)
			}
			u, err := url.Parse(link[1])
			if err != nil {
				t.Fatal(err)
			}
			if want := c.brand.AccountID; u.Query().Get("brand") != want || (want == "" && u.RawQuery != "") {
				t.Errorf("the link %s carries brand %q, want %q", link[1], u.Query().Get("brand"), want)
			}
		})
	}
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return false
		}
	}
	return true
}
