package table_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/table"
)

func TestAccountIDOf(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		key  table.Key
		id   string
		ok   bool
	}{
		{"case=an account", table.AccountKey("abc"), "abc", true},
		{"case=its branding item", table.Key{PK: "ACCOUNT#abc", SK: "BRAND"}, "", false},
		{"case=an audit event", table.AuditKey("abc", time.Time{}, "e1"), "", false},
		{"case=a user", table.UserKey("abc"), "", false},
		{"case=no id", table.Key{PK: "ACCOUNT#", SK: "ACCOUNT"}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if id, ok := table.AccountIDOf(c.key); id != c.id || ok != c.ok {
				t.Fatalf("%q %v", id, ok)
			}
		})
	}
}
