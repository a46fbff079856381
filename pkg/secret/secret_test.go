package secret_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/secret"
)

func keyring(t *testing.T, b byte) *secret.Keyring {
	t.Helper()
	k, err := secret.NewKeyring(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestLinkToken(t *testing.T) {
	t.Parallel()
	k := keyring(t, 1)
	id := secret.NewID()
	tok := k.LinkToken(secret.PurposeActivation, id)

	t.Run("case=valid", func(t *testing.T) {
		got, ok := k.ParseLinkToken(context.Background(), secret.PurposeActivation, tok)
		if !ok || got != id {
			t.Fatalf("ParseLinkToken = %q, %v", got, ok)
		}
	})
	t.Run("case=other purpose", func(t *testing.T) {
		if _, ok := k.ParseLinkToken(context.Background(), secret.PurposeReset, tok); ok {
			t.Fatal("an activation token verified as a reset token")
		}
	})
	t.Run("case=other key", func(t *testing.T) {
		if _, ok := keyring(t, 2).ParseLinkToken(context.Background(), secret.PurposeActivation, tok); ok {
			t.Fatal("a token verified under another key")
		}
	})
	t.Run("case=tampered", func(t *testing.T) {
		for _, bad := range []string{"", ".", id, id + ".", tok + "x", "x" + tok, strings.Repeat("a", 300)} {
			if _, ok := k.ParseLinkToken(context.Background(), secret.PurposeActivation, bad); ok {
				t.Fatalf("token %q verified", bad)
			}
		}
	})
	t.Run("case=derived by the mailer", func(t *testing.T) {
		got, err := k.Derive(context.Background(), secret.LinkRef(secret.PurposeActivation, id))
		if err != nil || got != tok {
			t.Fatalf("Derive = %q, %v; want %q", got, err, tok)
		}
	})
}

func TestCode(t *testing.T) {
	t.Parallel()
	k := keyring(t, 1)
	code := k.Code("challenge", 1)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		t.Fatalf("code %q is not six digits", code)
	}
	if !k.CheckCode(context.Background(), 1, "challenge", 1, code) {
		t.Fatal("the right code failed")
	}
	if k.CheckCode(context.Background(), 1, "challenge", 2, code) && k.Code("challenge", 2) != code {
		t.Fatal("code 1 passed as code 2")
	}
	if k.CheckCode(context.Background(), 1, "challenge", 1, code+"0") || k.CheckCode(context.Background(), 1, "challenge", 1, "") {
		t.Fatal("a malformed code passed")
	}
	got, err := k.Derive(context.Background(), secret.CodeRef(1, "challenge", 1))
	if err != nil || got != code {
		t.Fatalf("Derive = %q, %v", got, err)
	}
	if _, err := k.Derive(context.Background(), "otp:challenge:x"); err == nil {
		t.Fatal("a bad ref derived a code")
	}
}

func TestWellFormedLinkToken(t *testing.T) {
	t.Parallel()
	k := keyring(t, 1)
	for _, purpose := range []string{secret.PurposeActivation, secret.PurposeMembership, secret.PurposeReset, secret.PurposeShare} {
		if tok := k.LinkToken(purpose, secret.NewID()); !secret.WellFormedLinkToken(tok) {
			t.Fatalf("LinkToken made %q, which WellFormedLinkToken refuses", tok)
		}
	}
	tok := k.LinkToken(secret.PurposeActivation, "fixed-test-id")
	id, mac, _ := strings.Cut(tok, ".")
	for _, bad := range []string{
		"", ".", id, id + ".", "." + mac, tok + "x", tok[:len(tok)-1], id + ".." + mac, "a b." + mac,
		strings.Repeat("a", 65) + "." + mac, id + "." + strings.Replace(mac, mac[:1], "+", 1), id + "." + mac[:42] + "=",
		strings.Repeat("a", 5000), "../" + tok, "é" + tok, tok + "\x00",
	} {
		if secret.WellFormedLinkToken(bad) {
			t.Errorf("WellFormedLinkToken(%q) = true", bad)
		}
	}
}

func TestWellFormedID(t *testing.T) {
	t.Parallel()
	if id := secret.NewID(); !secret.WellFormedID(id) {
		t.Fatalf("NewID made %q, which WellFormedID refuses", id)
	}
	for _, bad := range []string{"", "a b", "../x", "a.b", "é", strings.Repeat("a", 65), "a/b"} {
		if secret.WellFormedID(bad) {
			t.Errorf("WellFormedID(%q) = true", bad)
		}
	}
}
