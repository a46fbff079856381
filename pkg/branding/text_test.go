package branding_test

import (
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/display"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// TestBrandingTextRefusesInvisibleCharacters puts an invisible or text-direction character of each range in
// each text a partner's branding shows (the name, the support address and the support link) and requires
// invisible_character on that field alone.
func TestBrandingTextRefusesInvisibleCharacters(t *testing.T) {
	t.Parallel()
	hidden := map[string]rune{
		"zero-width space": 0x200B, "zero-width joiner": 0x200D, "right-to-left override": 0x202E,
		"left-to-right embedding": 0x202A, "right-to-left isolate": 0x2067, "line separator": 0x2028,
		"paragraph separator": 0x2029,
	}
	fields := map[string]func(s *branding.Settings, r rune){
		"name":         func(s *branding.Settings, r rune) { s.Name = "Acme" + string(r) + "Support" },
		"supportEmail": func(s *branding.Settings, r rune) { s.SupportEmail = "help" + string(r) + "@acme.example" },
		"supportUrl":   func(s *branding.Settings, r rune) { s.SupportURL = "https://acme.example/" + string(r) + "help" },
	}
	for field, set := range fields {
		for name, r := range hidden {
			t.Run(fmt.Sprintf("field=%s/char=%s", field, name), func(t *testing.T) {
				t.Parallel()
				s := branding.Settings{Color: "#0A7C4A", SupportEmail: "help@acme.example", SupportURL: "https://acme.example/help"}
				set(&s, r)
				v := &fault.ValidationError{}
				s.Validate(v)
				if len(v.Fields) != 1 || v.Fields[0].Field != field || v.Fields[0].Code != display.CodeInvisible {
					t.Fatalf("errors %+v, want one %s on %s", v.Fields, display.CodeInvisible, field)
				}
			})
		}
	}
}
