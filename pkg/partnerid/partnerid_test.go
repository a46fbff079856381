package partnerid_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
)

// TestParse checks how typed Partner IDs are read: any case, hyphen or spaces optional, only the alphabet.
func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
	}{
		{"7KQ4-M2XD", "7KQ4-M2XD"},
		{"7kq4-m2xd", "7KQ4-M2XD"},
		{" 7KQ4M2XD ", "7KQ4-M2XD"},
		{"7kq4 m2xd", "7KQ4-M2XD"},
		{"7KQ4-M2X", ""},
		{"7KQ4-M2XD2", ""},
		{"0KQ4-M2XD", ""}, // 0, O, 1, I, L, U are not in the alphabet
		{"OKQ4-M2XD", ""},
		{"IKQ4-M2XD", ""},
		{"LKQ4-M2XD", ""},
		{"UKQ4-M2XD", ""},
		{"7KQ4_M2XD", ""},
		{"", ""},
		{"ÄKQ4-M2XD", ""},
	}
	for _, c := range cases {
		t.Run("in="+c.in, func(t *testing.T) {
			t.Parallel()
			got, err := partnerid.Parse(c.in)
			if c.want == "" {
				if !errors.Is(err, partnerid.ErrFormat) {
					t.Fatalf("Parse(%q) = %q, %v; want an error", c.in, got, err)
				}
				return
			}
			if err != nil || got.String() != c.want {
				t.Fatalf("Parse(%q) = %q, %v; want %s", c.in, got, err, c.want)
			}
		})
	}
}

// TestNew checks drawn IDs: eight characters of the alphabet, bytes that would bias the draw skipped, and a
// failing source reported.
func TestNew(t *testing.T) {
	t.Parallel()
	// 240..255 would make the first 16 characters more likely: they are skipped.
	src := append(bytes.Repeat([]byte{255, 240}, 4), 0, 1, 2, 3, 29, 30, 31, 59, 0, 0, 0, 0, 0, 0, 0, 0)
	id, err := partnerid.New(bytes.NewReader(src))
	if err != nil || id.String() != "2345-Z23Z" {
		t.Fatalf("New = %q, %v; want 2345-Z23Z", id, err)
	}
	if _, err := partnerid.New(bytes.NewReader([]byte{1, 2})); err == nil {
		t.Fatal("a short source gave an ID")
	}
	seen := map[partnerid.ID]bool{}
	for range 200 {
		id, err := partnerid.New(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := partnerid.Parse(id.String()); err != nil || seen[id] {
			t.Fatalf("drew %q (seen %v)", id, seen[id])
		}
		seen[id] = true
	}
}

// TestHas checks which kinds of account have a Partner ID.
func TestHas(t *testing.T) {
	t.Parallel()
	for kind, want := range map[account.Kind]bool{account.MSP: true, account.Partner: true, account.Customer: false, account.Provider: false} {
		if got := partnerid.Has(kind); got != want {
			t.Errorf("Has(%s) = %v, want %v", kind, got, want)
		}
	}
}
