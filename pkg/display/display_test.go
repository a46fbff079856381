package display_test

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/display"
)

func TestCheckRefusesEveryInvisibleAndControlCharacter(t *testing.T) {
	t.Parallel()
	ranges := []struct {
		name     string
		from, to rune
		code     string
	}{
		{"zero-width and direction marks", 0x200B, 0x200F, display.CodeInvisible},
		{"bidi embeddings and overrides", 0x202A, 0x202E, display.CodeInvisible},
		{"bidi isolates", 0x2066, 0x2069, display.CodeInvisible},
		{"word joiner and invisible operators", 0x2060, 0x2064, display.CodeInvisible},
		{"line separator", 0x2028, 0x2028, display.CodeInvisible},
		{"paragraph separator", 0x2029, 0x2029, display.CodeInvisible},
		{"arabic letter mark", 0x061C, 0x061C, display.CodeInvisible},
		{"zero-width no-break space", 0xFEFF, 0xFEFF, display.CodeInvisible},
		{"C0 controls", 0x00, 0x1F, display.CodeControl},
		{"delete", 0x7F, 0x7F, display.CodeControl},
		{"C1 controls", 0x80, 0x9F, display.CodeControl},
	}
	for _, rg := range ranges {
		t.Run("range="+rg.name, func(t *testing.T) {
			t.Parallel()
			for r := rg.from; r <= rg.to; r++ {
				for _, s := range []string{string(r), "Acme" + string(r) + "Corp", "Acme Corp" + string(r)} {
					code, detail, ok := display.Check(s)
					if ok || code != rg.code || detail == "" {
						t.Fatalf("Check(%q) = %q, %q, %v; want code %s", s, code, detail, ok, rg.code)
					}
				}
			}
		})
	}
}

func TestCheckNamesTheInvisibleCharacter(t *testing.T) {
	t.Parallel()
	if _, detail, _ := display.Check("Acme\u202Egpj.exe"); detail == "" || !strings.Contains(detail, "U+202E") {
		t.Fatalf("detail %q does not name U+202E", detail)
	}
}

func TestCheckAcceptsOrdinaryText(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "Acme Corp", "Zoë Ångström-Łukasiewicz", "O'Brien & Sons, Ltd.", "株式会社アクメ", "شركة أكمي", "עברית",
		"Straße 12 b", "São Paulo", "Ελληνικά", "Café ☕ & Co", "1 Main Street, Suite #5",
	} {
		if code, detail, ok := display.Check(s); !ok {
			t.Errorf("Check(%q) = %q, %q: refused", s, code, detail)
		}
	}
}
