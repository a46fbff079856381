package password_test

import (
	"bufio"
	"compress/gzip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/password"
)

func TestPasswordRules(t *testing.T) {
	t.Parallel()
	on, off := password.RulesFor(true), password.RulesFor(false)
	if on != (password.Rules{MinLength: 8, MaxLength: 128}) || off != (password.Rules{MinLength: 15, MaxLength: 128}) {
		t.Fatalf("rules %+v %+v", on, off)
	}
	const email = "grace.hopper+work@example.com"
	for _, tc := range []struct {
		password string
		rules    password.Rules
		want     []string
	}{
		{"violet kettle marching", on, nil},
		{"Tr0ub4dor&3xyz", on, nil},
		{"correct horse battery staple", off, nil},
		{"ünïcødé-paßwört", on, nil},
		{"1234567", on, []string{"too_short", "common"}},
		{"zq7vx2k", on, []string{"too_short"}},
		{"violet kettle", off, []string{"too_short"}},
		{strings.Repeat("x7Kq", 32) + "z", on, []string{"too_long"}},
		{"password", on, []string{"common"}},
		{"PASSWORD", on, []string{"common"}},
		{"12345678", on, []string{"common"}},
		{"87654321", on, []string{"common"}},
		{"abcdefgh", on, []string{"common"}},
		{"qwertyui", on, []string{"common"}},
		{"1q2w3e4r", on, []string{"common"}},
		{"aaaaaaaa", on, []string{"common"}},
		{"abcabcabc", on, []string{"common"}},
		{"iloveyou", on, []string{"common"}},
		{"Sunshine2025!", on, []string{"common"}},
		{"!!Football99", on, []string{"common"}},
		{"p@55w0rd", on, []string{"common"}},
		{"Partnerhub2026", on, []string{"common"}},
		{"blink182", on, []string{"common"}},
		{"pineapple", on, []string{"common"}},
		{"snowball", on, []string{"common"}},
		{"christian", on, []string{"common"}},
		{"rockyou1", on, []string{"common"}},
		{"  Pineapple  ", on, []string{"common"}},
		{"CHRISTIAN", on, []string{"common"}},
		{"Snowball2024!", on, []string{"common"}},
		{"bl1nk182", on, []string{"common"}},
		{"        ", on, []string{"blank"}},
		{"               ", off, []string{"blank"}},
		{"\t \u00a0\u3000\u2003    ", on, []string{"blank"}},
		{"\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b", on, []string{"blank"}},
		{"   ", on, []string{"too_short", "blank"}},
		{"grace.hopper1", on, []string{"contains_email"}},
		{"GraceHopper!!", on, []string{"contains_email"}},
		{"password grace.hopper", on, []string{"contains_email"}},
	} {
		t.Run("case="+tc.password, func(t *testing.T) {
			v := &fault.ValidationError{}
			password.Check(v, "password", tc.password, tc.rules, email)
			var got []string
			for _, f := range v.Fields {
				if f.Field != "password" || f.Detail == "" {
					t.Fatalf("field error %+v", f)
				}
				got = append(got, f.Code)
			}
			if !sameSet(got, tc.want) {
				t.Fatalf("codes %v, want %v", got, tc.want)
			}
		})
	}
}

// TestBlocklistIsThePublishedList reads the published list as shipped (common-passwords.txt.gz, see its NOTICE)
// and requires every one of its entries to be refused, in any case and with the spaces around it that a form
// may add.
func TestBlocklistIsThePublishedList(t *testing.T) {
	t.Parallel()
	f, err := os.Open("common-passwords.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	lines := bufio.NewScanner(zr)
	for lines.Scan() {
		w := lines.Text()
		n++
		if !password.IsCommon(w) || !password.IsCommon(" "+strings.ToUpper(w)+" ") {
			t.Fatalf("entry %d %q of the published list is not refused", n, w)
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 10_000 {
		t.Fatalf("the published list has %d entries, want at least the 10,000 most common", n)
	}
}

func TestBlocklistIsSubstantial(t *testing.T) {
	t.Parallel()
	n := 0
	for _, w := range []string{"letmein", "monkey", "dragon", "baseball", "superman", "trustno1", "welcome", "admin", "qwerty", "starwars"} {
		for _, suffix := range []string{"", "1", "123", "!", "2024", "@1"} {
			if password.IsCommon(w + suffix) {
				n++
			}
		}
	}
	if n != 60 {
		t.Fatalf("%d of 60 decorated common passwords caught", n)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
