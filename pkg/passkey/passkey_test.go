package passkey_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/passkey"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// answer is a browser's answer as JSON, with the client data given.
func answer(t *testing.T, clientData, rawID, userHandle string) []byte {
	t.Helper()
	resp := map[string]any{"clientDataJSON": b64(clientData)}
	if userHandle != "" {
		resp["userHandle"] = b64(userHandle)
	}
	b, err := json.Marshal(map[string]any{"id": rawID, "rawId": rawID, "type": "public-key", "response": resp})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRead(t *testing.T) {
	t.Parallel()
	id := b64("credential-1")
	t.Run("case=assertion", func(t *testing.T) {
		t.Parallel()
		a, ok := passkey.Read(answer(t, `{"type":"webauthn.get","challenge":"abc_-","origin":"http://localhost:3000"}`, id, "user-1"))
		if !ok || a.Challenge != "abc_-" || a.CredentialID != id || a.UserHandle != "user-1" {
			t.Fatalf("Read = %+v, %v", a, ok)
		}
	})
	t.Run("case=padded base64url", func(t *testing.T) {
		t.Parallel()
		raw := base64.URLEncoding.EncodeToString([]byte("credential-1"))
		a, ok := passkey.Read(answer(t, `{"challenge":"x"}`, raw, ""))
		if !ok || a.CredentialID != id {
			t.Fatalf("Read = %+v, %v; want the id without padding", a, ok)
		}
	})
	for name, body := range map[string][]byte{
		"empty":            nil,
		"not json":         []byte("{"),
		"no challenge":     answer(t, `{"type":"webauthn.get"}`, id, ""),
		"no id":            answer(t, `{"challenge":"x"}`, "", ""),
		"client data junk": []byte(`{"rawId":"` + id + `","response":{"clientDataJSON":"***"}}`),
		"too large":        []byte(`{"rawId":"` + strings.Repeat("A", passkey.MaxResponse) + `"}`),
	} {
		t.Run("case="+name, func(t *testing.T) {
			t.Parallel()
			if a, ok := passkey.Read(body); ok {
				t.Fatalf("Read accepted %q as %+v", body, a)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]struct {
		name string
		ok   bool
	}{
		"  Work laptop ":            {"Work laptop", true},
		"":                          {"", false},
		"   ":                       {"", false},
		"Two\nlines":                {"Two\nlines", false},
		strings.Repeat("é", 64):     {strings.Repeat("é", 64), true},
		strings.Repeat("é", 65):     {strings.Repeat("é", 65), false},
		"YubiKey 5 — the blue one ": {"YubiKey 5 — the blue one", true},
	} {
		if got, ok := passkey.CleanName(in); got != want.name || ok != want.ok {
			t.Errorf("CleanName(%q) = %q, %v; want %q, %v", in, got, ok, want.name, want.ok)
		}
	}
}

func TestCeremonyLive(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := passkey.Ceremony{Kind: passkey.Register, ExpiresAt: at.Add(passkey.CeremonyTTL)}
	if !c.Live(at) || !c.Live(at.Add(passkey.CeremonyTTL-time.Nanosecond)) || c.Live(at.Add(passkey.CeremonyTTL)) {
		t.Fatal("a ceremony lives for CeremonyTTL exactly")
	}
}

func TestCredential(t *testing.T) {
	t.Parallel()
	c := passkey.Credential{UserVerified: true, BackupState: true}
	if !c.Passwordless() || !c.Synced() {
		t.Fatal("a verified, backed-up passkey is passwordless and synced")
	}
	if (passkey.Credential{}).Passwordless() {
		t.Fatal("a passkey without user verification signs in alone")
	}
	if got := passkey.AuthenticatorName("fbfc3007-154e-4ecc-8c0b-6e020557d7bd"); got != "iCloud Keychain" {
		t.Fatalf("AuthenticatorName = %q", got)
	}
	if got := passkey.AuthenticatorName("00000000000000000000000000000000"); got != "" {
		t.Fatalf("an unknown AAGUID is named %q", got)
	}
}
