package lockout_test

import (
	"testing"

	"github.com/partnerhub/partnerhub/pkg/lockout"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

func TestLoginSource(t *testing.T) {
	t.Parallel()
	keys, err := secret.NewKeyring([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	base := lockout.LoginSource(keys, "ada@example.com", "203.0.113.9")
	cases := []struct {
		name          string
		email, source string
		same          bool
	}{
		{"case=the email's case and spaces do not matter", "  Ada@Example.COM ", "203.0.113.9", true},
		{"case=another source", "ada@example.com", "203.0.113.10", false},
		{"case=another login", "bob@example.com", "203.0.113.9", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := lockout.LoginSource(keys, c.email, c.source); (got == base) != c.same {
				t.Fatalf("LoginSource(%q, %q) == base is %v, want %v", c.email, c.source, got == base, c.same)
			}
		})
	}
	if base == "ada@example.com" || len(base) < 32 {
		t.Fatalf("subject %q is not an HMAC", base)
	}
}
