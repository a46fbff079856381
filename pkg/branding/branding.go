// Package branding is how an account looks to its people: a partner's logo, primary colour, support channel and
// name, the rules they must follow, PartnerHub's own look (Default), and the effective branding of an account.
//
// The provider enables branding per MSP or partner; the partner then sets it. The effective branding of an
// account is that of the nearest account on its path (itself included) whose branding is enabled and set;
// without one it is PartnerHub's own (Default). Resolver reads the account and the branding records of the MSPs
// and partners on its path through a small Store; Resolve is the pure choice.
//
// The package is pure: no SDK, no clock. The branding endpoints (the provider enables, the partner sets) are
// the use case in package brand; the mailer's outbox.Brand takes its defaults from Default.
package branding

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"
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
	LogoHash string
	LogoType string
	LogoSize int
	// LogoColor is the logo's main colour (Image.Color), "" when unknown.
	LogoColor string
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
	// LogoBackdrop is the colour of the chip the header shows the logo on, when the logo's main colour is too
	// close to Color to stand out by itself (Backdrop); "" when it needs none.
	LogoBackdrop string
}

// Default is PartnerHub's own branding: the one definition of its name and colour, for the portal and for
// emails alike (outbox.DefaultBrand is made from it).
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
		e := Effective{
			AccountID:    r.AccountID,
			Name:         name,
			LogoURL:      r.LogoPath(),
			Color:        r.Settings.Color,
			SupportEmail: r.Settings.SupportEmail,
			SupportURL:   r.Settings.SupportURL,
		}
		if e.LogoURL != "" {
			e.LogoBackdrop = Backdrop(r.LogoColor, e.Color)
		}
		return e
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

// MarshalJSON writes {accountId, name, logoUrl, color, supportEmail, supportUrl, logoBackdrop}, with null for
// what is unset.
func (e Effective) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccountID    *string `json:"accountId"`
		Name         string  `json:"name"`
		LogoURL      *string `json:"logoUrl"`
		Color        string  `json:"color"`
		SupportEmail *string `json:"supportEmail"`
		SupportURL   *string `json:"supportUrl"`
		LogoBackdrop *string `json:"logoBackdrop"`
	}{orNull(e.AccountID), e.Name, orNull(e.LogoURL), e.Color, orNull(e.SupportEmail), orNull(e.SupportURL), orNull(e.LogoBackdrop)})
}

// orNull is s for JSON, with an empty string as null.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
