package onboarding

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/display"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// Field error codes used by this package besides the password rules.
const (
	CodeRequired    = "required"
	CodeInvalid     = "invalid"
	CodeInvalidMail = "invalid_email"
	CodeUnknown     = "unknown"
	CodeNotAllowed  = "not_allowed"
	CodeUnsupported = "unsupported"
	CodeTooMany     = "too_many"
)

// text checks a free-text field: trimmed, required or not, at most max characters, and display text (no control,
// invisible or text-direction characters: package display). It returns the trimmed value.
func text(v *fault.ValidationError, field, value string, required bool, maxLen int) string {
	value = strings.TrimSpace(value)
	if v.Has(field) {
		return value // already reported while decoding (wrong type): one problem per field
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

// maxEmail is the longest address SMTP can carry.
const maxEmail = 254

// email checks a required email address and returns it trimmed.
func email(v *fault.ValidationError, field, value string) string {
	value = text(v, field, value, true, maxEmail)
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

// phone checks an optional phone number: digits with the usual separators and an optional leading +.
func phone(v *fault.ValidationError, field, value string) string {
	value = text(v, field, value, false, 32)
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
