// Package display holds the rule for text that PartnerHub shows to people: names of people and companies,
// addresses, security questions, branding names and support channels. Such text is shown in the portal, in
// emails and in other people's lists, so it must read as what it is: no control characters, which break lines
// and layouts, and no invisible or text-direction characters, which can make "Acme‮moc.evil" show as something
// else or make two names that look the same differ.
package display

import (
	"fmt"
	"unicode"
)

// Field error codes of Check. CodeControl is the code free-text fields have always used for control characters.
const (
	CodeControl   = "invalid"
	CodeInvisible = "invisible_character"
)

// Check reports the first character of s that display text may not hold, as a field error code and a message
// that names the character (the person cannot see it); ok is true when there is none.
func Check(s string) (code, detail string, ok bool) {
	for _, r := range s {
		switch {
		case Invisible(r):
			return CodeInvisible, fmt.Sprintf("Remove the invisible character U+%04X: invisible and text-direction characters can make text show as something else.", r), false
		case unicode.IsControl(r):
			return CodeControl, "Remove line breaks and other control characters.", false
		}
	}
	return "", "", true
}

// Invisible reports whether r is an invisible or text-direction character: zero-width characters and marks
// (U+200B–U+200F), bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the Arabic
// letter mark (U+061C), the line and paragraph separators (U+2028, U+2029), the word joiner and invisible
// operators (U+2060–U+2064) and the zero-width no-break space (U+FEFF).
func Invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F,
		r >= 0x202A && r <= 0x202E,
		r >= 0x2066 && r <= 0x2069,
		r >= 0x2060 && r <= 0x2064,
		r == 0x061C, r == 0x2028, r == 0x2029, r == 0xFEFF:
		return true
	}
	return false
}
