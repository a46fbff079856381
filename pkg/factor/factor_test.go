package factor_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestNormalizeMobile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, code string }{
		{"+44 7700 900123", "+447700900123", ""},
		{"+1 (415) 555-0100", "+14155550100", ""},
		{"0044.7700.900123", "+447700900123", ""},
		{"  +33 6 12 34 56 78 ", "+33612345678", ""},
		{"", "", "required"},
		{"07700 900123", "", "invalid_mobile"},
		{"+44 7700 9001x3", "", "invalid_mobile"},
		{"+0 7700 900123", "", "invalid_mobile"},
		{"+1234567", "", "invalid_mobile"},
		{"+1234567890123456", "", "invalid_mobile"},
		{strings.Repeat("1", 40), "", "too_long"},
	} {
		t.Run("in="+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := factor.NormalizeMobile("mobile", tc.in)
			var ve *fault.ValidationError
			switch {
			case tc.code == "" && (err != nil || got != tc.want):
				t.Fatalf("NormalizeMobile = %q, %v; want %q", got, err, tc.want)
			case tc.code != "" && (!errors.As(err, &ve) || ve.Fields[0].Field != "mobile" || ve.Fields[0].Code != tc.code):
				t.Fatalf("NormalizeMobile = %q, %v; want a %s error on mobile", got, err, tc.code)
			}
		})
	}
	if got := factor.MaskMobile("+447700900123"); got != "+44•••••••123" {
		t.Fatalf("MaskMobile = %q", got)
	}
}

func TestSealer(t *testing.T) {
	t.Parallel()
	keys, err := secret.NewKeyring(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	s, err := factor.NewSealer(keys)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("12345678901234567890")
	sealed := s.Seal("user-1", plain)
	if !strings.HasPrefix(sealed, "v1.") || strings.Contains(sealed, string(plain)) {
		t.Fatalf("sealed = %q", sealed)
	}
	if sealed == s.Seal("user-1", plain) {
		t.Fatal("two seals of one secret are equal: the nonce is not fresh")
	}
	got, err := s.Open(context.Background(), "user-1", sealed)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := secret.NewKeyring(bytes.Repeat([]byte{2}, 32))
	tampered := sealed[:len(sealed)-2] + "AA"
	for name, open := range map[string]func() ([]byte, error){
		"other user": func() ([]byte, error) { return s.Open(context.Background(), "user-2", sealed) },
		"other key": func() ([]byte, error) {
			o, err := factor.NewSealer(other)
			if err != nil {
				return nil, err
			}
			return o.Open(context.Background(), "user-1", sealed)
		},
		"tampered": func() ([]byte, error) { return s.Open(context.Background(), "user-1", tampered) },
		"garbage":  func() ([]byte, error) { return s.Open(context.Background(), "user-1", "v1.!!") },
		"no version": func() ([]byte, error) {
			return s.Open(context.Background(), "user-1", strings.TrimPrefix(sealed, "v1."))
		},
	} {
		if _, err := open(); !errors.Is(err, factor.ErrUnsealable) {
			t.Errorf("case=%s: err = %v, want ErrUnsealable", name, err)
		}
	}
}

func TestRecoveryCodes(t *testing.T) {
	t.Parallel()
	codes := factor.NewRecoveryCodes()
	if len(codes) != factor.RecoveryCodes {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		n, ok := factor.NormalizeRecoveryCode(c)
		if len(c) != 11 || c[5] != '-' || !ok || seen[n] {
			t.Fatalf("code %q (normalized %q, %v) is malformed or repeated", c, n, ok)
		}
		seen[n] = true
		if again, ok := factor.NormalizeRecoveryCode(" " + strings.ToUpper(strings.ReplaceAll(c, "-", " ")) + " "); !ok || again != n {
			t.Fatalf("%q typed in upper case with a space normalizes to %q", c, again)
		}
	}
	if n, ok := factor.NormalizeRecoveryCode("ILO23-45678"); !ok || n != "11023"+"45678" {
		t.Fatalf("look-alikes: %q, %v", n, ok)
	}
	for _, bad := range []string{"", "123456", "abcde-fghi", "abcde-fghiju", "abcde_fghij!"} {
		if _, ok := factor.NormalizeRecoveryCode(bad); ok {
			t.Errorf("%q passed as a recovery code", bad)
		}
	}
}

func TestChoosable(t *testing.T) {
	t.Parallel()
	none := factor.Factors{UserID: "u"}
	both := factor.Factors{UserID: "u", Mobile: "+447700900123", TOTP: "v1.x"}
	for _, tc := range []struct {
		f      factor.Factors
		method string
		slug   string
	}{
		{none, user.MethodEmail, ""},
		{none, user.MethodSMS, "mobile-not-verified"},
		{none, user.MethodTOTP, "totp-not-enrolled"},
		{both, user.MethodSMS, ""},
		{both, user.MethodTOTP, ""},
		{both, "carrier-pigeon", "validation"},
	} {
		err := tc.f.Choosable(tc.method)
		var fe *fault.Error
		switch {
		case tc.slug == "" && err != nil:
			t.Errorf("%s: %v", tc.method, err)
		case tc.slug == "validation" && !errors.Is(err, fault.ErrInvalid):
			t.Errorf("%s: %v, want a validation error", tc.method, err)
		case tc.slug != "" && tc.slug != "validation" && (!errors.As(err, &fe) || fe.Slug != tc.slug || !errors.Is(err, fault.ErrConflict)):
			t.Errorf("%s: %v, want conflict %s", tc.method, err, tc.slug)
		}
	}
	if got := both.Methods(); strings.Join(got, ",") != "email,sms,totp" {
		t.Fatalf("Methods = %v", got)
	}
}

func TestVerificationCheck(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	v := factor.NewVerification("v1", "+447700900123", now)
	if err := v.Check(now.Add(factor.VerificationTTL - time.Second)); err != nil {
		t.Fatalf("within ten minutes: %v", err)
	}
	if err := v.Check(now.Add(factor.VerificationTTL)); !errors.Is(err, fault.ErrExpired) {
		t.Fatalf("after ten minutes: %v", err)
	}
	v.Attempts = factor.VerificationAttempts
	if err := v.Check(now); !errors.Is(err, fault.ErrExpired) {
		t.Fatalf("after five guesses: %v", err)
	}
	var none *factor.Verification
	if err := none.Check(now); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("no verification: %v", err)
	}
}

// TestSealerVersions: a secret sealed with key 1 opens after a rotation to key 2; what the new key seals names
// version 2 and opens only where key 2 is held; a changed version does not open.
func TestSealerVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	k1 := bytes.Repeat([]byte{1}, 32)
	v1, _ := secret.NewKeyring(k1)
	v2, err := secret.NewVersionedKeyring(2, map[secret.Version][]byte{1: k1, 2: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := factor.NewSealer(v1)
	fresh, _ := factor.NewSealer(v2)
	plain := []byte("12345678901234567890")
	sealed1, sealed2 := old.Seal("user-1", plain), fresh.Seal("user-1", plain)
	if strings.Count(sealed1, ".") != 1 || !strings.HasPrefix(sealed2, "v1.") || !strings.HasSuffix(sealed2, ".2") {
		t.Fatalf("sealed %q (key 1), %q (key 2)", sealed1, sealed2)
	}
	for name, sealed := range map[string]string{"key 1": sealed1, "key 2": sealed2} {
		if got, err := fresh.Open(ctx, "user-1", sealed); err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%s: Open after rotation = %q, %v", name, got, err)
		}
	}
	for name, bad := range map[string]func() ([]byte, error){
		"key 2 on a key-1 keyring": func() ([]byte, error) { return old.Open(ctx, "user-1", sealed2) },
		"version changed to 1":     func() ([]byte, error) { return fresh.Open(ctx, "user-1", strings.TrimSuffix(sealed2, ".2")) },
		"version added":            func() ([]byte, error) { return fresh.Open(ctx, "user-1", sealed1+".2") },
		"version made up":          func() ([]byte, error) { return fresh.Open(ctx, "user-1", strings.TrimSuffix(sealed2, ".2")+".3") },
	} {
		if _, err := bad(); !errors.Is(err, factor.ErrUnsealable) {
			t.Errorf("%s: err = %v, want ErrUnsealable", name, err)
		}
	}
}
