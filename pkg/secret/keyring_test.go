package secret_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/secret"
)

// ring returns a keyring holding versions 1..current, key v being 32 bytes of v, current minting.
func ring(t *testing.T, current secret.Version) *secret.Keyring {
	t.Helper()
	keys := map[secret.Version][]byte{}
	for v := secret.FirstVersion; v <= current; v++ {
		keys[v] = bytes.Repeat([]byte{byte(v)}, 32)
	}
	k, err := secret.NewVersionedKeyring(current, keys)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestVersionedLinkToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v1, v2 := ring(t, 1), ring(t, 2)
	old := v1.LinkToken(secret.PurposeActivation, "link-id")
	fresh := v2.LinkToken(secret.PurposeActivation, "link-id")

	t.Run("case=version 1 is written as before versions existed", func(t *testing.T) {
		legacy, _ := secret.NewKeyring(bytes.Repeat([]byte{1}, 32))
		if got := legacy.LinkToken(secret.PurposeActivation, "link-id"); got != old || strings.Count(old, ".") != 1 {
			t.Fatalf("v1 token %q, single-key token %q", old, got)
		}
	})
	t.Run("case=a newer key names its version", func(t *testing.T) {
		if !strings.HasSuffix(fresh, ".2") || !secret.WellFormedLinkToken(fresh) {
			t.Fatalf("v2 token %q", fresh)
		}
	})
	t.Run("case=kept keys verify", func(t *testing.T) {
		for _, tok := range []string{old, fresh} {
			if id, ok := v2.ParseLinkToken(ctx, secret.PurposeActivation, tok); !ok || id != "link-id" {
				t.Fatalf("v2 keyring refused %q", tok)
			}
		}
	})
	t.Run("case=unknown version is invalid", func(t *testing.T) {
		if _, ok := v1.ParseLinkToken(ctx, secret.PurposeActivation, fresh); ok {
			t.Fatal("a keyring without key 2 accepted a v2 token")
		}
		made := strings.TrimSuffix(fresh, ".2") + ".7"
		if _, ok := v2.ParseLinkToken(ctx, secret.PurposeActivation, made); ok {
			t.Fatal("a made-up version verified")
		}
	})
	t.Run("case=tampered version is invalid", func(t *testing.T) {
		body := strings.TrimSuffix(fresh, ".2")
		for _, bad := range []string{body, body + ".1", body + ".02", body + ".", body + ".x", body + ".2.2", body + ".-2", body + ".1234567", old + ".2"} {
			if _, ok := v2.ParseLinkToken(ctx, secret.PurposeActivation, bad); ok {
				t.Errorf("tampered token %q verified", bad)
			}
		}
	})
	t.Run("case=a retired key no longer verifies", func(t *testing.T) {
		retired, err := secret.NewVersionedKeyring(2, map[secret.Version][]byte{2: bytes.Repeat([]byte{2}, 32)})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := retired.ParseLinkToken(ctx, secret.PurposeActivation, old); ok {
			t.Fatal("a token of a retired key verified")
		}
		if _, ok := retired.ParseLinkToken(ctx, secret.PurposeActivation, fresh); !ok {
			t.Fatal("the current key's token failed")
		}
	})
}

func TestVersionedSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v1, v2 := ring(t, 1), ring(t, 2)
	oldCookie, oldHash := v1.NewSession()
	newCookie, newHash := v2.NewSession()
	if strings.Contains(oldCookie, ".") || !strings.HasSuffix(newCookie, ".2") {
		t.Fatalf("cookies %q (v1), %q (v2)", oldCookie, newCookie)
	}
	if h, ok := v2.SessionHash(ctx, oldCookie); !ok || h != oldHash || h != v1.Hash(oldCookie) {
		t.Fatal("the v2 keyring does not find a v1 session under its stored hash")
	}
	if h, ok := v2.SessionHash(ctx, newCookie); !ok || h != newHash {
		t.Fatal("the v2 keyring does not find its own session")
	}
	for _, bad := range []string{oldCookie + ".1", oldCookie + ".9", oldCookie + ".", strings.TrimSuffix(newCookie, ".2") + ".3"} {
		if _, ok := v2.SessionHash(ctx, bad); ok {
			t.Errorf("cookie %q hashed", bad)
		}
	}
	if _, ok := v1.SessionHash(ctx, newCookie); ok {
		t.Fatal("a keyring without key 2 hashed a v2 cookie")
	}
}

func TestVersionedCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v1, v2 := ring(t, 1), ring(t, 2)
	c1, c2 := v1.Code("chal", 1), v2.Code("chal", 1)
	if !v2.CheckCode(ctx, 1, "chal", 1, c1) || !v2.CheckCode(ctx, 0, "chal", 1, c1) {
		t.Fatal("a v1 code (version 1, or 0 as stored before versions) failed on the v2 keyring")
	}
	if !v2.CheckCode(ctx, 2, "chal", 1, c2) || v1.CheckCode(ctx, 2, "chal", 1, c2) {
		t.Fatal("a v2 code: refused by v2, or accepted by a keyring without key 2")
	}
	if c1 != c2 && (v2.CheckCode(ctx, 2, "chal", 1, c1) || v2.CheckCode(ctx, 1, "chal", 1, c2)) {
		t.Fatal("a code checked under another version's key")
	}
	if v2.CheckCode(ctx, 5, "chal", 1, c2) {
		t.Fatal("a made-up version checked")
	}
	if got, err := v1.Derive(ctx, secret.CodeRef(2, "chal", 1)); !errors.Is(err, secret.ErrUnknownVersion) {
		t.Fatalf("Derive of a v2 ref on a v1 keyring = %q, %v", got, err)
	}
	if got, err := v2.Derive(ctx, secret.CodeRef(2, "chal", 1)); err != nil || got != c2 {
		t.Fatalf("Derive(v2 ref) = %q, %v", got, err)
	}
	if ref := secret.CodeRef(1, "chal", 1); ref != "otp:chal:1" {
		t.Fatalf("a v1 ref %q is not the ref written before versions existed", ref)
	}
	for _, bad := range []string{"otp:chal:1:1", "otp:chal:1:x", "otp:chal:1:2:2", "otp:chal:1:"} {
		if _, err := v2.Derive(ctx, bad); err == nil {
			t.Errorf("Derive(%q) succeeded", bad)
		}
	}
}

func TestVersionedHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v1, v2 := ring(t, 1), ring(t, 2)
	old, fresh := v1.VersionedHash("code"), v2.VersionedHash("code")
	if old != v1.Hash("code") || !strings.HasSuffix(fresh, ".2") {
		t.Fatalf("hashes %q (v1), %q (v2)", old, fresh)
	}
	if h, ok := v2.HashAs(ctx, "code", old); !ok || h != old {
		t.Fatal("HashAs a v1 hash is not the v1 hash")
	}
	if h, ok := v2.HashAs(ctx, "code", fresh); !ok || h != fresh {
		t.Fatal("HashAs a v2 hash is not the v2 hash")
	}
	if _, ok := v1.HashAs(ctx, "code", fresh); ok {
		t.Fatal("a keyring without key 2 hashed like a v2 hash")
	}
}

func TestSubkeyVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v2 := ring(t, 2)
	v, current := v2.Subkey("label")
	at2, ok2 := v2.SubkeyAt(ctx, 2, "label")
	at1, ok1 := v2.SubkeyAt(ctx, 1, "label")
	if v != 2 || !ok1 || !ok2 || !bytes.Equal(current, at2) || bytes.Equal(at1, at2) {
		t.Fatal("subkeys do not follow their versions")
	}
	if _, ok := v2.SubkeyAt(ctx, 3, "label"); ok {
		t.Fatal("a subkey of a version the keyring lacks")
	}
}

func TestDocument(t *testing.T) {
	t.Parallel()
	key1 := strings.Repeat("11", 32)
	t.Run("case=plain hex is version 1", func(t *testing.T) {
		k, err := secret.ParseKeyring(key1 + "\n")
		if err != nil || k.Current() != 1 || len(k.Versions()) != 1 {
			t.Fatalf("ParseKeyring(hex) = %v, %v", k, err)
		}
		raw, _ := hex.DecodeString(key1)
		plain, _ := secret.NewKeyring(raw)
		if k.LinkToken(secret.PurposeReset, "x") != plain.LinkToken(secret.PurposeReset, "x") {
			t.Fatal("the hex secret is not the key NewKeyring takes")
		}
	})
	t.Run("case=json keyring", func(t *testing.T) {
		k, err := secret.ParseKeyring(`{"current":2,"keys":{"1":"` + key1 + `","2":"` + strings.Repeat("22", 32) + `"}}`)
		if err != nil || k.Current() != 2 || len(k.Versions()) != 2 {
			t.Fatalf("ParseKeyring(json) = %v, %v", k, err)
		}
	})
	for name, bad := range map[string]string{
		"short key":       strings.Repeat("11", 31),
		"not hex":         strings.Repeat("zz", 32),
		"no current key":  `{"current":3,"keys":{"1":"` + key1 + `"}}`,
		"version zero":    `{"current":0,"keys":{"0":"` + key1 + `"}}`,
		"version 01":      `{"current":1,"keys":{"01":"` + key1 + `"}}`,
		"unknown field":   `{"current":1,"keys":{"1":"` + key1 + `"},"x":1}`,
		"short json key":  `{"current":1,"keys":{"1":"1111"}}`,
		"version as word": `{"current":1,"keys":{"one":"` + key1 + `"}}`,
		"empty":           ``,
	} {
		t.Run("case="+name, func(t *testing.T) {
			if _, err := secret.ParseKeyring(bad); err == nil {
				t.Fatalf("ParseKeyring(%q) succeeded", bad)
			}
		})
	}
}

func TestNext(t *testing.T) {
	t.Parallel()
	d, err := secret.ParseDocument(strings.Repeat("11", 32))
	if err != nil {
		t.Fatal(err)
	}
	fresh := bytes.Repeat([]byte{0xab}, 32)
	n, err := secret.Next(d, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if n.Current != 2 || n.Keys["1"] != d.Keys["1"] || n.Keys["2"] != hex.EncodeToString(fresh) || len(n.Keys) != 2 {
		t.Fatalf("Next = %s", n)
	}
	again, err := secret.ParseDocument(n.String())
	if err != nil || !again.Same(n) {
		t.Fatalf("the written document %s does not read back: %v", n, err)
	}
	third, err := secret.Next(n, secret.NewKey())
	if err != nil || third.Current != 3 || len(third.Keys) != 3 || third.Keys["2"] != n.Keys["2"] {
		t.Fatalf("second rotation = %s, %v", third, err)
	}
	if _, err := secret.Next(n, []byte("short")); err == nil {
		t.Fatal("Next took a short key")
	}
	if _, err := secret.Next(secret.Document{Current: 1}, fresh); err == nil {
		t.Fatal("Next took a keyring without keys")
	}
	if d.Keys["2"] != "" {
		t.Fatal("Next changed the document it was given")
	}
}

// fakeClock is a settable clock for the reload interval.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestReload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v2 := ring(t, 2)
	tok := v2.LinkToken(secret.PurposeActivation, "id")
	made := strings.TrimSuffix(tok, ".2") + ".9"

	t.Run("case=a warm keyring learns the new key", func(t *testing.T) {
		warm := ring(t, 1)
		clk := &fakeClock{now: time.Unix(1e9, 0)}
		warm.ReloadWith(func(context.Context) (*secret.Keyring, error) { return ring(t, 2), nil }, time.Minute, clk.Now)
		if _, ok := warm.ParseLinkToken(ctx, secret.PurposeActivation, tok); !ok {
			t.Fatal("the warm keyring refused a v2 token after reading the secret again")
		}
		if n, _ := warm.Reloads(); n != 1 || warm.Current() != 2 {
			t.Fatalf("reloads %d, current %d", n, warm.Current())
		}
	})
	t.Run("case=made-up versions read the secret at most once per interval", func(t *testing.T) {
		warm := ring(t, 2)
		clk := &fakeClock{now: time.Unix(1e9, 0)}
		warm.ReloadWith(func(context.Context) (*secret.Keyring, error) { return ring(t, 2), nil }, time.Minute, clk.Now)
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if _, ok := warm.ParseLinkToken(ctx, secret.PurposeActivation, made); ok {
					t.Error("a made-up version verified")
				}
			})
		}
		wg.Wait()
		if n, _ := warm.Reloads(); n != 1 {
			t.Fatalf("50 made-up versions read the secret %d times, want 1", n)
		}
		clk.Add(59 * time.Second)
		warm.ParseLinkToken(ctx, secret.PurposeActivation, made)
		if n, _ := warm.Reloads(); n != 1 {
			t.Fatalf("read again within the interval: %d reads", n)
		}
		clk.Add(time.Second)
		warm.ParseLinkToken(ctx, secret.PurposeActivation, made)
		if n, _ := warm.Reloads(); n != 2 {
			t.Fatalf("not read again after the interval: %d reads", n)
		}
	})
	t.Run("case=old or retired versions never read the secret", func(t *testing.T) {
		warm, err := secret.NewVersionedKeyring(2, map[secret.Version][]byte{2: bytes.Repeat([]byte{2}, 32)})
		if err != nil {
			t.Fatal(err)
		}
		warm.ReloadWith(func(context.Context) (*secret.Keyring, error) { return ring(t, 2), nil }, time.Minute, time.Now)
		if _, ok := warm.ParseLinkToken(ctx, secret.PurposeActivation, ring(t, 1).LinkToken(secret.PurposeActivation, "id")); ok {
			t.Fatal("a retired version verified")
		}
		if n, _ := warm.Reloads(); n != 0 {
			t.Fatalf("a version below the current one read the secret %d times", n)
		}
	})
	t.Run("case=a failed read keeps the keys", func(t *testing.T) {
		warm := ring(t, 1)
		warm.ReloadWith(func(context.Context) (*secret.Keyring, error) { return nil, errors.New("down") }, time.Minute, time.Now)
		if _, ok := warm.ParseLinkToken(ctx, secret.PurposeActivation, tok); ok {
			t.Fatal("verified without the key")
		}
		if n, err := warm.Reloads(); n != 1 || err == nil || warm.Current() != 1 {
			t.Fatalf("reloads %d, err %v, current %d", n, err, warm.Current())
		}
	})
}
