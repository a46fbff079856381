package dynamo_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// TestGrantCursor checks the cursors of grant lists: only a grant's key on one of the account's two lists
// comes back in; anything else is refused rather than queried.
func TestGrantCursor(t *testing.T) {
	t.Parallel()
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	grantKey := table.GrantKey("01J0000000000000000000000A")
	customer := `{"pk":"` + grantKey.PK + `","sk":"` + grantKey.SK + `","gsi1pk":"` + table.CustomerGrantsPartition("acc") + `","gsi1sk":"x"}`
	partner := `{"pk":"` + grantKey.PK + `","sk":"` + grantKey.SK + `","gsi2pk":"` + table.PartnerGrantsPartition("acc") + `","gsi2sk":"x"}`
	cases := []struct {
		name, raw string
		ok        bool
	}{
		{"case=first page", "", true},
		{"case=customer list", enc(customer), true},
		{"case=partner list", enc(partner), true},
		{"case=another account's list", enc(strings.Replace(customer, table.CustomerGrantsPartition("acc"), table.CustomerGrantsPartition("other"), 1)), false},
		{"case=not a grant", enc(strings.Replace(customer, grantKey.PK, "ACCOUNT#x", 1)), false},
		{"case=an extra attribute", enc(strings.Replace(customer, `"gsi1sk":"x"`, `"gsi1sk":"x","z":"y"`, 1)), false},
		{"case=not base64", "!!", false},
		{"case=not json", enc("nope"), false},
		{"case=too long", strings.Repeat("A", 2000), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cur, ok := dynamo.ParseGrantCursor(c.raw, "acc")
			if ok != c.ok {
				t.Fatalf("ParseGrantCursor ok = %v, want %v", ok, c.ok)
			}
			if ok && c.raw != "" && cur.String() == "" {
				t.Fatal("a parsed cursor encodes to nothing")
			}
			if ok && c.raw != "" {
				if again, ok := dynamo.ParseGrantCursor(cur.String(), "acc"); !ok || again.String() != cur.String() {
					t.Fatal("a cursor does not survive its own encoding")
				}
			}
		})
	}
	if (dynamo.Cursor{}).Next() != nil {
		t.Fatal("the zero cursor has a next page")
	}
}
