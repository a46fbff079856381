// Package password holds the rules a new password must meet, wherever it is chosen (activation, reset): a
// length range that depends on two-factor sign-in, no composition rules, and a blocklist of common and
// context-specific passwords (NIST SP 800-63B style). It is pure; the blocklist is embedded and unpacked on the
// first check, not at package init.
package password

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
)

// The lengths: shorter passwords are allowed only behind a second factor.
const (
	minPasswordWith2FA    = 8
	minPasswordWithout2FA = 15
	maxPassword           = 128
)

// Rules are what the activation and reset pages show and enforce.
type Rules struct {
	MinLength int `json:"minLength"`
	MaxLength int `json:"maxLength"`
}

// RulesFor returns the password rules for a user with or without two-factor sign-in.
func RulesFor(twoFactor bool) Rules {
	if twoFactor {
		return Rules{MinLength: minPasswordWith2FA, MaxLength: maxPassword}
	}
	return Rules{MinLength: minPasswordWithout2FA, MaxLength: maxPassword}
}

// Password rule codes, one field error each. CodeCommon is the blocklist's: the published list in
// common-passwords.txt.gz (see its NOTICE) and PartnerHub's additions, after normalising (see IsCommon).
const (
	CodeTooShort      = field.CodeTooShort
	CodeTooLong       = field.CodeTooLong
	CodeCommon        = "common"
	CodeContainsEmail = "contains_email"
	CodeBlank         = "blank"
)

// contextWords are names of this service: a password containing one is guessable by anyone who knows where it
// is used.
var contextWords = []string{"partnerhub", "partner hub", "partner-hub"}

// Check adds a field error to v for each rule the password breaks, so the user learns every reason at
// once. email is the user's address: a password that contains it (or its local part) is refused.
func Check(v *fault.ValidationError, name, password string, rules Rules, email string) {
	add := func(code, detail string) {
		// ValidationError.Add keeps one problem per field; a password can break several rules at once.
		v.Fields = append(v.Fields, fault.FieldError{Field: name, Code: code, Detail: detail})
	}
	n := utf8.RuneCountInString(password)
	if n < rules.MinLength {
		add(CodeTooShort, fmt.Sprintf("Use at least %d characters.", rules.MinLength))
	}
	if n > rules.MaxLength {
		add(CodeTooLong, fmt.Sprintf("Use at most %d characters.", rules.MaxLength))
	}
	if n == 0 {
		return
	}
	if strings.TrimFunc(password, unseen) == "" {
		// Eight spaces meet the length rule and nothing else: nobody chooses that password on purpose.
		add(CodeBlank, "A password cannot be only spaces or other characters that do not show.")
		return
	}
	if IsCommon(password) {
		add(CodeCommon, "This password is common or easy to guess; choose one that others would not.")
	}
	if containsEmail(password, email) {
		add(CodeContainsEmail, "Do not use your email address, or part of it, in your password.")
	}
}

// leet undoes the usual look-alike substitutions.
var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s", "!", "i")

// IsCommon reports whether a password is on the blocklist, is one of its entries dressed up with
// leading or trailing digits and symbols (Summer2024!, P@ssw0rd1, trustno1!), is a run of one character, a
// repeated short pattern or a straight sequence (aaaaaaaa, abcabcabc, 12345678, hgfedcba), or names this service.
func IsCommon(password string) bool {
	p := strings.ToLower(strings.TrimSpace(password))
	for _, w := range contextWords {
		if strings.Contains(p, w) {
			return true
		}
	}
	for _, base := range append(undecorated(p), onlyLettersAndDigits(p)) {
		if utf8.RuneCountInString(base) < 3 {
			continue
		}
		if blocked(base) || blocked(leet.Replace(base)) || repetitive(base) || sequential(base) {
			return true
		}
	}
	return false
}

// maxDecoration is how many digits and symbols around a word are tried as decoration.
const maxDecoration = 6

// undecorated lists p and p without some of its leading and trailing digits and symbols, up to maxDecoration
// on each side and all of them: "trustno1!" gives trustno1!, trustno1, trustno, ...
func undecorated(p string) []string {
	r := []rune(p)
	lead := len(r) - utf8.RuneCountInString(strings.TrimLeftFunc(p, noise))
	trail := len(r) - utf8.RuneCountInString(strings.TrimRightFunc(p, noise))
	starts := []int{lead}
	for i := range min(lead, maxDecoration) {
		starts = append(starts, i)
	}
	ends := []int{len(r) - trail}
	for i := range min(trail, maxDecoration) {
		ends = append(ends, len(r)-i)
	}
	var out []string
	for _, s := range starts {
		for _, e := range ends {
			if e-s >= 3 {
				out = append(out, string(r[s:e]))
			}
		}
	}
	return out
}

// unseen reports whether r shows nothing: white space, control and format characters (zero-width, direction).
func unseen(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

func noise(r rune) bool {
	return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
}

func onlyLettersAndDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// repetitive reports whether s is a unit of at most four characters repeated: aaaaaaaa, abababab, 12341234.
func repetitive(s string) bool {
	r := []rune(s)
	for unit := 1; unit <= 4 && unit*2 <= len(r); unit++ {
		if len(r)%unit != 0 {
			continue
		}
		same := true
		for i := unit; i < len(r) && same; i++ {
			same = r[i] == r[i-unit]
		}
		if same {
			return true
		}
	}
	return false
}

// sequential reports whether s is a straight run up or down: 12345678, abcdefgh, 98765432.
func sequential(s string) bool {
	r := []rune(s)
	if len(r) < 4 {
		return false
	}
	step := r[1] - r[0]
	if step != 1 && step != -1 {
		return false
	}
	for i := 2; i < len(r); i++ {
		if r[i]-r[i-1] != step {
			return false
		}
	}
	return true
}

// containsEmail reports whether the password holds the email address's local part (without a +tag), when that
// is long enough to matter.
func containsEmail(password, email string) bool {
	local, _, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if !ok {
		return false
	}
	local, _, _ = strings.Cut(local, "+")
	if utf8.RuneCountInString(local) < 3 {
		return false
	}
	p := strings.ToLower(password)
	if strings.Contains(p, local) {
		return true
	}
	bare := onlyLettersAndDigits(local)
	return utf8.RuneCountInString(bare) >= 3 && strings.Contains(onlyLettersAndDigits(p), bare)
}
