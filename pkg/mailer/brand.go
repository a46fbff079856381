package mailer

import (
	"net/mail"
	"net/url"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// safe is the brand with anything that cannot go into an email as-is replaced or dropped: a colour that is
// not #RRGGBB falls back to the default, a logo that is not an absolute http(s) URL and a support address that
// does not parse are dropped. Templates escape everything anyway; this keeps a bad value from breaking the layout.
func safe(b outbox.Brand) outbox.Brand {
	if b.Name == "" {
		b.Name = outbox.DefaultBrand.Name
	}
	if !branding.IsHexColor(b.Color) {
		b.Color = outbox.DefaultBrand.Color
	}
	if !webURL(b.LogoURL) {
		b.LogoURL = ""
	}
	if !webURL(b.SupportURL) {
		b.SupportURL = ""
	}
	if a, err := mail.ParseAddress(b.SupportEmail); err != nil || a.Name != "" {
		b.SupportEmail = ""
	}
	if !secret.WellFormedID(b.AccountID) {
		b.AccountID = ""
	}
	return b
}

// sender is the From of an email in brand b: the configured sender (from, as configured, and its parsed
// address) under the brand's name when a partner brands the email (b.AccountID set), else as configured.
// mail.Address writes the name as RFC 5322 wants it: quoted when it holds specials such as a quote or a comma,
// RFC 2047-encoded when it is not ASCII.
func sender(from string, address *mail.Address, b outbox.Brand) string {
	if b.AccountID == "" || b.Name == "" {
		return from
	}
	return (&mail.Address{Name: b.Name, Address: address.Address}).String()
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
