package field_test

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/display"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
)

// hidden are characters display text refuses, one or two of each range: zero-width, direction marks, bidi
// embeddings, overrides and isolates, line and paragraph separators.
var hidden = map[string]rune{
	"zero-width space":          0x200B,
	"right-to-left mark":        0x200F,
	"left-to-right embedding":   0x202A,
	"right-to-left override":    0x202E,
	"left-to-right isolate":     0x2066,
	"pop directional isolate":   0x2069,
	"line separator":            0x2028,
	"paragraph separator":       0x2029,
	"zero-width no-break space": 0xFEFF,
	"word joiner":               0x2060,
}

// TestTextRulesRefuseInvisibleCharacters covers the rules every form uses for a person's name (account
// creation, user maintenance) and a company's details (account creation, the profile step).
func TestTextRulesRefuseInvisibleCharacters(t *testing.T) {
	t.Parallel()
	for name, r := range hidden {
		t.Run("char="+name, func(t *testing.T) {
			t.Parallel()
			v := &fault.ValidationError{}
			field.Text(v, "name", "Ada"+string(r)+" Lovelace", true, field.MaxPersonName)
			c := field.Company{Name: "Acme", Address: "1 Main" + string(r) + " Street", Country: "US", City: "Seattle"}
			field.CheckCompany(v, "", &c, false, true)
			got := map[string]string{}
			for _, f := range v.Fields {
				got[f.Field] = f.Code
			}
			if len(got) != 2 || got["name"] != display.CodeInvisible || got["address"] != display.CodeInvisible {
				t.Fatalf("errors %v, want invisible_character on name and address", got)
			}
		})
	}
	t.Run("char=control", func(t *testing.T) {
		v := &fault.ValidationError{}
		field.Text(v, "name", "Ada\nLovelace", true, field.MaxPersonName)
		if len(v.Fields) != 1 || v.Fields[0].Code != display.CodeControl {
			t.Fatalf("errors %+v, want the control-character code", v.Fields)
		}
	})
}

func TestText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, value string
		required    bool
		want, code  string
	}{
		{"case=trimmed", "  Ada  ", true, "Ada", ""},
		{"case=missing", "   ", true, "", field.CodeRequired},
		{"case=optional", "", false, "", ""},
		{"case=too long", strings.Repeat("é", 11), true, strings.Repeat("é", 11), field.CodeTooLong},
		{"case=just fits", strings.Repeat("é", 10), true, strings.Repeat("é", 10), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := &fault.ValidationError{}
			got := field.Text(v, "f", tc.value, tc.required, 10)
			code := ""
			if len(v.Fields) > 0 {
				code = v.Fields[0].Code
			}
			if got != tc.want || code != tc.code || len(v.Fields) > 1 {
				t.Fatalf("Text(%q) = %q with %+v, want %q with %q", tc.value, got, v.Fields, tc.want, tc.code)
			}
		})
	}
	t.Run("case=already reported", func(t *testing.T) {
		v := &fault.ValidationError{}
		v.Add("f", "wrong_type", "Use a string.")
		field.Text(v, "f", "", true, 10)
		if len(v.Fields) != 1 {
			t.Fatalf("errors %+v, want only the first", v.Fields)
		}
	})
}

func TestEmailAndPhone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		check func(v *fault.ValidationError, f, s string) string
		value string
		code  string
	}{
		{field.Email, " ada@example.com ", ""},
		{field.Email, "Ada <ada@example.com>", field.CodeInvalidMail},
		{field.Email, "ada@localhost", field.CodeInvalidMail},
		{field.Email, "ada@example.", field.CodeInvalidMail},
		{field.Email, "", field.CodeRequired},
		{field.Phone, "+1 (206) 555-0100", ""},
		{field.Phone, "", ""},
		{field.Phone, "ext. 12345", field.CodeInvalid},
		{field.Phone, "1234", field.CodeInvalid},
		{field.Phone, "12+34567", field.CodeInvalid},
	} {
		t.Run("case="+tc.value, func(t *testing.T) {
			t.Parallel()
			v := &fault.ValidationError{}
			tc.check(v, "f", tc.value)
			code := ""
			if len(v.Fields) > 0 {
				code = v.Fields[0].Code
			}
			if code != tc.code {
				t.Fatalf("%q: errors %+v, want %q", tc.value, v.Fields, tc.code)
			}
		})
	}
}
