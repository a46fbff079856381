package totp_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/totp"
)

// rfcSecret is the SHA1 seed of RFC 6238 Appendix B: the ASCII string "12345678901234567890".
var rfcSecret = []byte("12345678901234567890")

// TestRFC6238Vectors checks the SHA1 rows of RFC 6238 Appendix B (eight digits).
func TestRFC6238Vectors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		unix int64
		step int64
		code string
	}{
		{59, 0x1, "94287082"},
		{1111111109, 0x23523EC, "07081804"},
		{1111111111, 0x23523ED, "14050471"},
		{1234567890, 0x273EF07, "89005924"},
		{2000000000, 0x3F940AA, "69279037"},
		{20000000000, 0x27BC86AA, "65353130"},
	} {
		t.Run("time="+time.Unix(tc.unix, 0).UTC().Format(time.RFC3339), func(t *testing.T) {
			t.Parallel()
			at := time.Unix(tc.unix, 0)
			if got := totp.Step(at); got != tc.step {
				t.Fatalf("Step = %#x, want %#x", got, tc.step)
			}
			if got := totp.Code(rfcSecret, totp.Step(at), 8); got != tc.code {
				t.Fatalf("Code = %s, want %s", got, tc.code)
			}
			// Six digits are the last six of the eight.
			if got := totp.At(rfcSecret, at); got != tc.code[2:] {
				t.Fatalf("At = %s, want %s", got, tc.code[2:])
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1111111111, 0)
	step := totp.Step(now)
	code := func(s int64) string { return totp.Code(rfcSecret, s, totp.Digits) }
	for _, tc := range []struct {
		name     string
		code     string
		lastStep int64
		wantStep int64
		ok       bool
	}{
		{"case=current", code(step), 0, step, true},
		{"case=previous step", code(step - 1), 0, step - 1, true},
		{"case=next step", code(step + 1), 0, step + 1, true},
		{"case=two steps old", code(step - 2), 0, 0, false},
		{"case=two steps ahead", code(step + 2), 0, 0, false},
		{"case=replayed", code(step), step, 0, false},
		{"case=older than the last used", code(step - 1), step, 0, false},
		{"case=after the last used", code(step + 1), step, step + 1, true},
		{"case=wrong", "000000", 0, 0, code(step) == "000000"},
		{"case=too short", code(step)[:5], 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := totp.Verify(rfcSecret, tc.code, now, tc.lastStep)
			if ok != tc.ok || (ok && got != tc.wantStep) {
				t.Fatalf("Verify = %d, %v; want %d, %v", got, ok, tc.wantStep, tc.ok)
			}
		})
	}
	t.Run("case=replay is recognised", func(t *testing.T) {
		t.Parallel()
		if !totp.Replayed(rfcSecret, code(step), now, step) {
			t.Fatal("a used code is not reported as replayed")
		}
		if totp.Replayed(rfcSecret, code(step+1), now, step) {
			t.Fatal("a fresh code is reported as replayed")
		}
	})
}

func TestSecretRoundTrip(t *testing.T) {
	t.Parallel()
	s := totp.EncodeSecret(rfcSecret)
	if s != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" || strings.Contains(s, "=") {
		t.Fatalf("EncodeSecret = %s", s)
	}
	back, err := totp.DecodeSecret(strings.ToLower(s[:8]) + " " + s[8:])
	if err != nil || string(back) != string(rfcSecret) {
		t.Fatalf("DecodeSecret = %q, %v", back, err)
	}
}

func TestURI(t *testing.T) {
	t.Parallel()
	raw := totp.URI("Partner Hub", "ada+2fa@example.com", rfcSecret)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("URI %s is not an otpauth totp URI", raw)
	}
	if u.Path != "/Partner Hub:ada+2fa@example.com" {
		t.Fatalf("label = %q", u.Path)
	}
	if strings.Contains(u.RawQuery, "+") {
		t.Fatalf("query %q writes a space as +", u.RawQuery)
	}
	q := u.Query()
	for k, want := range map[string]string{
		"secret": totp.EncodeSecret(rfcSecret), "issuer": "Partner Hub", "algorithm": "SHA1", "digits": "6", "period": "30",
	} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
}
