package tree

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/display"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// Field error codes, as onboarding uses them.
const (
	codeRequired   = "required"
	codeInvalid    = "invalid"
	codeTooLong    = "too_long"
	codeUnknown    = "unknown"
	codeNotAllowed = "not_allowed"
	codeWrongType  = "wrong_type"
	codeEmpty      = "empty"
)

// Limits of the company form: the same as when the account was created.
const (
	maxCompanyName = 120
	maxAddress     = 200
	maxCountry     = 56
	maxRegion      = 100 // state and city
	maxZip         = 20
)

// text checks an optional free-text field that was sent: trimmed, not empty if required, at most maxLen
// characters, and display text (no control, invisible or text-direction characters: package display). It
// returns the trimmed value.
func text(v *fault.ValidationError, field string, value *string, required bool, maxLen int) *string {
	if value == nil || v.Has(field) {
		return value
	}
	s := strings.TrimSpace(*value)
	code, detail, shown := display.Check(s)
	switch {
	case s == "":
		if required {
			v.Add(field, codeRequired, "This field cannot be empty.")
		}
	case utf8.RuneCountInString(s) > maxLen:
		v.Add(field, codeTooLong, fmt.Sprintf("Use at most %d characters.", maxLen))
	case !shown:
		v.Add(field, code, detail)
	}
	return &s
}

// Page sizes of lists.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

// pageLimit reads the limit query parameter: empty is DefaultLimit; otherwise a whole number from 1 to MaxLimit.
func pageLimit(v *fault.ValidationError, raw string) int {
	if raw == "" {
		return DefaultLimit
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > MaxLimit {
		v.Add("limit", codeInvalid, fmt.Sprintf("Use a whole number from 1 to %d.", MaxLimit))
		return DefaultLimit
	}
	return n
}
