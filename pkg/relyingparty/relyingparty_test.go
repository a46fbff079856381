package relyingparty_test

import (
	"errors"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/passkey"
	"github.com/partnerhub/partnerhub/pkg/passkeytest"
	"github.com/partnerhub/partnerhub/pkg/relyingparty"
)

const origin = "http://localhost:3000"

var holder = passkey.Holder{ID: "user-1", Name: "ada@example.com", DisplayName: "Ada Lovelace"}

// register runs a registration with a and returns the credential the party made.
func register(t *testing.T, p *relyingparty.Party, a *passkeytest.Authenticator) passkey.Credential {
	t.Helper()
	b, err := p.BeginRegistration(holder, nil)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := a.Create(b.Options)
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.FinishRegistration(holder, b.Challenge, b.State, answer)
	if err != nil {
		t.Fatal(err)
	}
	c.ID, c.UserID = "pk-1", holder.ID
	return c
}

func TestNewNeedsAHost(t *testing.T) {
	t.Parallel()
	if _, err := relyingparty.New("not a url"); err == nil {
		t.Fatal("a portal origin without a host was accepted")
	}
	if _, err := relyingparty.New("http://127.0.0.1:3000"); !errors.Is(err, relyingparty.ErrNoDomain) {
		t.Fatalf("an IP address as the relying party id: %v", err)
	}
}

// TestCeremonies: a registration and a login round-trip; an answer for another relying party, or a login whose
// count goes back, is refused or flagged.
func TestCeremonies(t *testing.T) {
	t.Parallel()
	p, err := relyingparty.New(origin)
	if err != nil {
		t.Fatal(err)
	}
	a := passkeytest.New(origin)
	c := register(t, p, a)
	if !c.UserVerified || c.CredentialID == "" || c.PublicKey == "" {
		t.Fatalf("credential = %+v", c)
	}
	for _, discoverable := range []bool{false, true} {
		allow := []passkey.Credential{c}
		if discoverable {
			allow = nil
		}
		b, err := p.BeginLogin(allow, discoverable)
		if err != nil {
			t.Fatal(err)
		}
		answer, err := a.Get(b.Options)
		if err != nil {
			t.Fatal(err)
		}
		use, err := p.FinishLogin(holder, []passkey.Credential{c}, b.Challenge, b.State, answer)
		if err != nil || use.CredentialID != c.CredentialID || use.Cloned || !use.UserVerified {
			t.Fatalf("discoverable=%v: FinishLogin = %+v, %v", discoverable, use, err)
		}
		c.SignCount = use.SignCount
	}

	t.Run("case=another relying party", func(t *testing.T) {
		other, err := relyingparty.New("https://portal.example.com")
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.BeginRegistration(holder, nil)
		if err != nil {
			t.Fatal(err)
		}
		answer, err := passkeytest.New(origin).Create(b.Options)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.FinishRegistration(holder, b.Challenge, b.State, answer); !errors.Is(err, passkey.ErrRefused) {
			t.Fatalf("another relying party's attestation: %v", err)
		}
	})
	t.Run("case=sign count goes back", func(t *testing.T) {
		b, err := p.BeginLogin([]passkey.Credential{c}, false)
		if err != nil {
			t.Fatal(err)
		}
		cred := a.Credentials()[0]
		cred.SignCount = 1
		answer, err := a.Assert(cred, challengeOf(t, b))
		if err != nil {
			t.Fatal(err)
		}
		use, err := p.FinishLogin(holder, []passkey.Credential{c}, b.Challenge, b.State, answer)
		if err != nil || !use.Cloned {
			t.Fatalf("a count that went back: %+v, %v", use, err)
		}
	})
	t.Run("case=wrong challenge", func(t *testing.T) {
		b, err := p.BeginLogin([]passkey.Credential{c}, false)
		if err != nil {
			t.Fatal(err)
		}
		answer, err := a.Get(b.Options)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.FinishLogin(holder, []passkey.Credential{c}, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", b.State, answer); !errors.Is(err, passkey.ErrRefused) {
			t.Fatalf("an assertion of another challenge: %v", err)
		}
	})
}

func challengeOf(t *testing.T, b passkey.Begun) string {
	t.Helper()
	if b.Challenge == "" {
		t.Fatal("no challenge")
	}
	return b.Challenge
}
