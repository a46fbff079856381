// Package field holds the rules of the fields people type into PartnerHub's forms — free display text, email
// addresses, phone numbers, a company's details — and the validation codes they answer with. Every form uses
// them, so a name or an address is refused for the same reasons wherever it is typed. It is pure: each check
// adds its problems to a fault.ValidationError and returns the value trimmed.
package field

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/display"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// Field error codes.
const (
	CodeRequired    = "required"
	CodeInvalid     = "invalid"
	CodeInvalidMail = "invalid_email"
	CodeTooShort    = "too_short"
	CodeTooLong     = "too_long"
	CodeUnknown     = "unknown"
	CodeNotAllowed  = "not_allowed"
	CodeUnsupported = "unsupported"
	CodeTooMany     = "too_many"
)

// Lengths of the fields.
const (
	// MaxPersonName is the longest name a person may have.
	MaxPersonName = 100
	// MaxCompanyName is the longest name a company may have.
	MaxCompanyName = 120
	// MaxEmail is the longest address SMTP can carry.
	MaxEmail = 254
	// MaxPhone is the longest phone number.
	MaxPhone = 32

	maxAddress = 200
	maxCountry = 56
	maxRegion  = 100 // state and city
	maxZip     = 20
)

// Text checks a free-text field: trimmed, required or not, at most maxLen characters, and display text (no
// control, invisible or text-direction characters: package display). It returns the trimmed value. A field that
// already has a problem (a wrong type found while decoding) gets no second one.
func Text(v *fault.ValidationError, field, value string, required bool, maxLen int) string {
	value = strings.TrimSpace(value)
	if v.Has(field) {
		return value
	}
	code, detail, shown := display.Check(value)
	switch {
	case value == "":
		if required {
			v.Add(field, CodeRequired, "This field is required.")
		}
	case utf8.RuneCountInString(value) > maxLen:
		v.Add(field, CodeTooLong, fmt.Sprintf("Use at most %d characters.", maxLen))
	case !shown:
		v.Add(field, code, detail)
	}
	return value
}

// Email checks a required email address and returns it trimmed.
func Email(v *fault.ValidationError, field, value string) string {
	value = Text(v, field, value, true, MaxEmail)
	if value == "" || v.Has(field) {
		return value
	}
	if !validEmail(value) {
		v.Add(field, CodeInvalidMail, "Enter an email address like name@example.com.")
	}
	return value
}

// validEmail accepts a bare address (no display name) with a dotted domain.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") &&
		!strings.HasSuffix(domain, ".") && !strings.ContainsAny(s, " \t")
}

// Phone checks an optional phone number: digits with the usual separators and an optional leading +.
func Phone(v *fault.ValidationError, field, value string) string {
	value = Text(v, field, value, false, MaxPhone)
	if value == "" || v.Has(field) {
		return value
	}
	digits := 0
	for i, r := range value {
		switch {
		case unicode.IsDigit(r):
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')', r == '.':
		default:
			v.Add(field, CodeInvalid, "Use digits, spaces, dashes and an optional leading +.")
			return value
		}
	}
	if digits < 5 {
		v.Add(field, CodeInvalid, "A phone number has at least 5 digits.")
	}
	return value
}

// Company is a company's details as forms send them: the new account's company, the company step of a first
// sign-in.
type Company struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Country string `json:"country"`
	State   string `json:"state"`
	City    string `json:"city"`
	ZipCode string `json:"zipCode"`
}

// CheckCompany checks company details, trimming them. prefix is the JSON path of the object ("company"; "" for
// fields at the top level). The name is required when name is true and the address, country and city when
// details is true; whatever is given is checked either way.
func CheckCompany(v *fault.ValidationError, prefix string, c *Company, name, details bool) {
	path := func(f string) string {
		if prefix == "" {
			return f
		}
		return prefix + "." + f
	}
	c.Name = Text(v, path("name"), c.Name, name, MaxCompanyName)
	c.Address = Text(v, path("address"), c.Address, details, maxAddress)
	c.Country = Text(v, path("country"), c.Country, details, maxCountry)
	c.State = Text(v, path("state"), c.State, false, maxRegion)
	c.City = Text(v, path("city"), c.City, details, maxRegion)
	c.ZipCode = Text(v, path("zipCode"), c.ZipCode, false, maxZip)
}
