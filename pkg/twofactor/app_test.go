package twofactor_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/totp"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// enrol sets up an authenticator app for u through the API and returns its key and the recovery codes.
func (h *harness) enrol(u user.User, cookie string) ([]byte, []string) {
	h.t.Helper()
	r := h.do(request{route: "POST /v1/me/totp", cookie: cookie})
	platformtest.WantStatus(h.t, r, http.StatusCreated)
	key, err := totp.DecodeSecret(r.JSON["secret"].(string))
	if err != nil {
		h.t.Fatal(err)
	}
	r = h.do(request{route: "POST /v1/me/totp/confirm", body: map[string]string{"code": totp.At(key, h.clock.Now())}, cookie: cookie})
	platformtest.WantStatus(h.t, r, http.StatusOK)
	return key, toStrings(r.JSON["recoveryCodes"])
}

// TestEnrolAuthenticatorApp: the secret is shown once (URI, QR code, base32), stored only sealed, confirmed
// with a code the test computes from it, and the confirmation returns ten recovery codes stored only as hashes.
func TestEnrolAuthenticatorApp(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	confirm := func(code string) platformtest.Reply {
		return h.do(request{route: "POST /v1/me/totp/confirm", body: map[string]string{"code": code}, cookie: cookie})
	}

	platformtest.WantProblem(t, confirm("123456"), http.StatusConflict, "no-enrolment")
	r := h.do(request{route: "POST /v1/me/totp", cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusCreated)
	secret, _ := r.JSON["secret"].(string)
	key, err := totp.DecodeSecret(secret)
	if err != nil || len(key) != totp.SecretSize {
		t.Fatalf("secret %q: %v", secret, err)
	}

	t.Run("case=otpauth uri", func(t *testing.T) {
		uri, err := url.Parse(r.JSON["otpauthUri"].(string))
		if err != nil || uri.Scheme != "otpauth" || uri.Host != "totp" || uri.Path != "/PartnerHub:"+u.Email {
			t.Fatalf("otpauthUri %v: %v", r.JSON["otpauthUri"], err)
		}
		if q := uri.Query(); q.Get("secret") != secret || q.Get("issuer") != "PartnerHub" || q.Get("digits") != "6" || q.Get("period") != "30" {
			t.Fatalf("query %v", q)
		}
	})
	t.Run("case=qr code", func(t *testing.T) {
		data, ok := strings.CutPrefix(r.JSON["qrCode"].(string), "data:image/png;base64,")
		raw, err := base64.StdEncoding.DecodeString(data)
		if !ok || err != nil {
			t.Fatalf("qrCode is not a PNG data URL: %v", err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != b.Dy() || b.Dx() < 200 {
			t.Fatalf("QR image is %v", b)
		}
	})
	t.Run("case=stored sealed", func(t *testing.T) {
		f := h.factors(u.ID)
		if !strings.HasPrefix(f.PendingTOTP, "v1.") || f.TOTPEnrolled() {
			t.Fatalf("factors = %+v", f)
		}
		if where := append(h.stored(secret), h.stored(string(key))...); len(where) > 0 {
			t.Fatalf("the secret is stored in %v", where)
		}
	})
	t.Run("case=not choosable before confirmation", func(t *testing.T) {
		r := h.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": "totp"}, cookie: cookie})
		platformtest.WantProblem(t, r, http.StatusConflict, "totp-not-enrolled")
	})
	t.Run("case=wrong code", func(t *testing.T) {
		wrong := totp.Code(key, totp.Step(h.clock.Now())+5, totp.Digits)
		platformtest.WantProblem(t, confirm(wrong), http.StatusBadRequest, "wrong-code")
	})

	h.clock.Advance(totp.Period) // the app shows the next code by now
	r = confirm(totp.At(key, h.clock.Now()))
	platformtest.WantStatus(t, r, http.StatusOK)
	codes := toStrings(r.JSON["recoveryCodes"])
	if len(codes) != 10 || r.JSON["totpEnrolled"] != true || r.JSON["recoveryCodesLeft"] != 10.0 {
		t.Fatalf("body %s", r.Body)
	}
	f := h.factors(u.ID)
	if !f.TOTPEnrolled() || f.PendingTOTP != "" || f.TOTPLastStep != totp.Step(h.clock.Now()) || len(f.RecoveryCodes) != 10 {
		t.Fatalf("factors = %+v", f)
	}
	for _, c := range codes {
		if where := h.stored(strings.ReplaceAll(c, "-", "")); len(where) > 0 || len(h.stored(c)) > 0 {
			t.Fatalf("recovery code %s is stored in %v", c, where)
		}
	}
	if got := h.audits(u.ID); len(got) != 1 || got[0] != "user.totp-enrolled" {
		t.Fatalf("audit = %v", got)
	}
	platformtest.WantProblem(t, confirm(totp.At(key, h.clock.Now())), http.StatusConflict, "no-enrolment")

	r = h.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": "totp"}, cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["method"] != "totp" {
		t.Fatalf("body %s", r.Body)
	}
}

// TestEnrolmentExpires: a secret not confirmed within 15 minutes cannot be confirmed.
func TestEnrolmentExpires(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	r := h.do(request{route: "POST /v1/me/totp", cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusCreated)
	key, _ := totp.DecodeSecret(r.JSON["secret"].(string))
	h.clock.Advance(15 * 60 * 1e9)
	r = h.do(request{route: "POST /v1/me/totp/confirm", body: map[string]string{"code": totp.At(key, h.clock.Now())}, cookie: cookie})
	platformtest.WantProblem(t, r, http.StatusConflict, "no-enrolment")
}
