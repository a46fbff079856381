package outbox

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/branding"
)

// Brand is how an email looks: the sender's name and logo, the colour of its button and where to ask for help.
// It is the effective branding of the message's account (the nearest ancestor with branding wins).
type Brand struct {
	// AccountID is the account whose branding this is, "" for PartnerHub's own: links in the email carry it
	// (?brand=) so the pages they open show the same brand, and a branded email is sent in the brand's name.
	AccountID    string
	Name         string
	LogoURL      string // https URL of the logo, or empty
	Color        string // primary colour, #RRGGBB
	SupportEmail string
	SupportURL   string
}

// DefaultBrand is PartnerHub's own branding, used when no partner branding applies: branding.Default, the one
// definition of it.
var DefaultBrand = Brand{Name: branding.Default.Name, Color: branding.Default.Color}

// Brander finds the effective branding of an account. An account without branding (or an empty id) gets the
// default brand, not an error: an error means the lookup failed and the mailer retries the message later.
type Brander interface {
	Branding(ctx context.Context, accountID string) (Brand, error)
}

// Static is a Brander that gives every account the same brand. The mailer uses it until the partner tree's
// branding lookup is plugged in.
type Static Brand

// Branding returns the static brand.
func (s Static) Branding(context.Context, string) (Brand, error) { return Brand(s), nil }

var _ Brander = Static{}
