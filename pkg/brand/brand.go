// Package brand is partner branding: a partner's logo, primary colour and support channel, shown in the portal
// and in the emails of every account below it.
//
// The provider enables branding per MSP or partner; the partner then sets it. The effective branding of an
// account is that of the nearest account on its path (itself included) whose branding is enabled and set;
// without one it is PartnerHub's own (Default). Resolving it reads the account and the branding items of the
// MSPs and partners on its path (at most two, in parallel): at most three GetItems, and no query.
//
// rules.go holds the pure rules (colour, support channel, logo content); Resolve is the pure resolution; the
// rest reads and writes the table and serves the branding function's routes.
package brand

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
)

// Record is one account's branding as the provider and the partner left it.
type Record struct {
	AccountID string
	// AccountName is the account's company name when its branding last changed: the brand's name unless
	// Settings.Name says otherwise.
	AccountName string
	Enabled     bool
	Settings    Settings
	// LogoHash and LogoType describe the current logo; LogoHash is empty without one.
	LogoHash  string
	LogoType  string
	LogoSize  int
	Version   int
	UpdatedAt time.Time
	UpdatedBy string
}

// Set reports whether the partner has set its branding: a colour and a support channel.
func (r Record) Set() bool {
	return r.Settings.Color != "" && (r.Settings.SupportEmail != "" || r.Settings.SupportURL != "")
}

// Applies reports whether the record brands the accounts below it: enabled by the provider and set.
func (r Record) Applies() bool { return r.Enabled && r.Set() }

// LogoPath is the logo's URL path on the portal's origin, versioned by its hash, or "" without a logo.
func (r Record) LogoPath() string {
	if r.LogoHash == "" {
		return ""
	}
	return LogoPath(r.AccountID, r.LogoHash)
}

// LogoPath is the public path of an account's logo at a version.
func LogoPath(accountID, hash string) string {
	return "/v1/logos/" + url.PathEscape(accountID) + "?v=" + url.QueryEscape(hash)
}

// Effective is the branding an account shows: its own or its nearest branded ancestor's, else Default. Empty
// strings are sent as null.
type Effective struct {
	// AccountID is the account whose branding this is; empty for Default.
	AccountID    string
	Name         string
	LogoURL      string // a path on the portal's origin, /v1/logos/<id>?v=<hash>
	Color        string
	SupportEmail string
	SupportURL   string
}

// Default is PartnerHub's own branding.
var Default = Effective{Name: "PartnerHub", Color: "#1f5fbf"}

// Resolve picks the effective branding from the records of an account's path, ordered from the root down to
// the account: the last one that applies wins.
func Resolve(path []Record) Effective {
	for i := len(path) - 1; i >= 0; i-- {
		r := path[i]
		if !r.Applies() {
			continue
		}
		name := r.Settings.Name
		if name == "" {
			name = r.AccountName
		}
		if name == "" {
			name = Default.Name
		}
		return Effective{
			AccountID:    r.AccountID,
			Name:         name,
			LogoURL:      r.LogoPath(),
			Color:        r.Settings.Color,
			SupportEmail: r.Settings.SupportEmail,
			SupportURL:   r.Settings.SupportURL,
		}
	}
	return Default
}

// Absolute is e with its logo URL made absolute on the portal's origin, for emails.
func (e Effective) Absolute(portalURL string) Effective {
	if strings.HasPrefix(e.LogoURL, "/") {
		e.LogoURL = strings.TrimRight(portalURL, "/") + e.LogoURL
	}
	return e
}

// MarshalJSON writes {accountId, name, logoUrl, color, supportEmail, supportUrl}, with null for what is unset.
func (e Effective) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccountID    *string `json:"accountId"`
		Name         string  `json:"name"`
		LogoURL      *string `json:"logoUrl"`
		Color        string  `json:"color"`
		SupportEmail *string `json:"supportEmail"`
		SupportURL   *string `json:"supportUrl"`
	}{orNull(e.AccountID), e.Name, orNull(e.LogoURL), e.Color, orNull(e.SupportEmail), orNull(e.SupportURL)})
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// fromItem is the domain record of a stored branding item.
func fromItem(b dynamo.Brand) Record {
	return Record{
		AccountID:   b.AccountID,
		AccountName: b.AccountName,
		Enabled:     b.Enabled,
		Settings:    Settings{Name: b.Name, Color: b.Color, SupportEmail: b.SupportEmail, SupportURL: b.SupportURL},
		LogoHash:    b.LogoHash,
		LogoType:    b.LogoType,
		LogoSize:    b.LogoSize,
		Version:     b.Version,
		UpdatedAt:   b.UpdatedAt,
		UpdatedBy:   b.UpdatedBy,
	}
}
