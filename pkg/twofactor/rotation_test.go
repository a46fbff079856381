package twofactor_test

import (
	"context"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/totp"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// process is another warm function process on the harness's table and clock, built from the configuration as
// change leaves it: a function started with another reading of the HMAC keyring secret.
type process struct {
	h        *harness
	keys     *secret.Keyring
	handlers map[string]httpapi.Handler
}

func (h *harness) process(change func(*app.Config)) *process {
	h.t.Helper()
	cfg := h.env.Config(h.table)
	change(&cfg)
	a, err := all.New(context.Background(), cfg, app.WithClock(h.clock), app.WithSMS(h.sms))
	if err != nil {
		h.t.Fatal(err)
	}
	p := &process{h: h, keys: a.Keys, handlers: map[string]httpapi.Handler{}}
	for _, fn := range []string{route.TwoFactor, route.OTP, route.Activation, route.Signup} {
		if p.handlers[fn], err = a.HTTP(fn); err != nil {
			h.t.Fatal(err)
		}
	}
	return p
}

func (p *process) do(r request) platformtest.Reply {
	p.h.t.Helper()
	rt, ok := route.ByKey(r.route)
	if !ok {
		p.h.t.Fatalf("no route %s", r.route)
	}
	ev, err := platformtest.Event(platformtest.Request{Route: r.route, Params: r.params, Body: r.body, Cookie: r.cookie, IP: p.h.ips.Next()})
	if err != nil {
		p.h.t.Fatal(err)
	}
	resp, err := platformtest.Invoke(p.handlers[rt.Function], ev)
	if err != nil {
		p.h.t.Fatal(err)
	}
	return resp
}

// signIn signs u in with the password and then code (the second factor), and returns the session cookie.
func (p *process) signIn(u user.User, method string, code func(challengeID string) string) string {
	p.h.t.Helper()
	r := p.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u.Email, "password": password}})
	platformtest.WantStatus(p.h.t, r, http.StatusOK)
	id, _ := r.JSON["challengeId"].(string)
	if r.JSON["method"] != method {
		p.h.t.Fatalf("sign-in answer %s, want a challenge by %s", r.Body, method)
	}
	r = p.do(request{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": id, "code": code(id)}})
	platformtest.WantStatus(p.h.t, r, http.StatusCreated)
	return sessionToken(p.h.t, r)
}

// me checks that a session cookie opens GET /v1/me.
func (p *process) me(cookie string) {
	p.h.t.Helper()
	platformtest.WantStatus(p.h.t, p.do(request{route: "GET /v1/me", cookie: cookie}), http.StatusOK)
}

// resetLink asks for a password reset for u and returns the link token, derived as the mailer derives it with
// keys (the mailer's process's keyring).
func (p *process) resetLink(u user.User, keys *secret.Keyring) string {
	p.h.t.Helper()
	platformtest.WantStatus(p.h.t, p.do(request{route: "POST /v1/password-resets", body: map[string]string{"email": u.Email}}), http.StatusAccepted)
	var ref string
	for _, m := range p.h.db.Messages() {
		if m.UserID == u.ID && strings.HasPrefix(m.SecretRef, secret.PurposeReset+":") {
			ref = m.SecretRef
		}
	}
	tok, err := keys.Derive(context.Background(), ref)
	if err != nil || ref == "" {
		p.h.t.Fatalf("no reset link for %s (%q): %v", u.Email, ref, err)
	}
	return tok
}

// activationLink creates an MSP under the provider account of the super administrator whose session cookie is,
// and returns its contact's activation link token, derived as the mailer derives it with keys.
func (p *process) activationLink(cookie, providerID string, keys *secret.Keyring) string {
	p.h.t.Helper()
	r := p.do(request{route: "POST /v1/accounts", cookie: cookie, body: map[string]any{
		"kind": "msp", "parentId": providerID,
		"company":   map[string]any{"name": "MSP " + secret.NewID(), "address": "1 Main Street", "country": "US", "state": "WA", "city": "Seattle", "zipCode": "98101"},
		"contact":   map[string]any{"name": "Grace Hopper", "email": testenv.UniqueEmail(p.h.t, "contact")},
		"twoFactor": map[string]any{"enabled": false},
	}})
	platformtest.WantStatus(p.h.t, r, http.StatusCreated)
	msg := p.h.db.Message(p.h.db.User(r.Str("contactUserId")).ActivationMessageID)
	tok, err := keys.Derive(context.Background(), msg.SecretRef)
	if err != nil {
		p.h.t.Fatal(err)
	}
	return tok
}

// opens checks that a link token opens its link: GET /v1/activations/{token} or /v1/password-resets/{token}.
func (p *process) opens(linkRoute, token string) {
	p.h.t.Helper()
	platformtest.WantStatus(p.h.t, p.do(request{route: linkRoute, params: map[string]string{"token": token}}), http.StatusOK)
}

// TestKeyRotation is issue 12's test: sessions, activation and reset links, authenticator secrets, recovery
// codes and one-time codes made with key 1 stay valid after the keyring rotates to key 2, both in a process started with the new keyring
// and in one still holding key 1 alone, which reads the secret again when it meets key 2; what the new process
// mints carries version 2 and verifies in both.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	v1 := h.process(func(*app.Config) {}) // the harness's configuration: the plain key, version 1

	// Before: a session, an authenticator app with recovery codes, a reset and an activation link, all key 1.
	u := h.seedUser(member)
	oldCookie := h.session(u)
	key, codes := h.enrol(u, oldCookie)
	h.choose(oldCookie, user.MethodTOTP)
	oldLink := v1.resetLink(u, h.keys)
	admin := h.seedUser(super)
	adminCookie := h.session(admin)
	oldActivation := v1.activationLink(adminCookie, admin.HomeAccountID, h.keys)
	f := h.factors(u.ID)
	if strings.Contains(oldCookie, ".") || strings.Count(oldLink, ".") != 1 || strings.Count(f.TOTP, ".") != 1 || strings.Contains(f.RecoveryCodes[0], ".") {
		t.Fatalf("key-1 values carry a version: cookie %q, link %q, sealed %q, recovery %q", oldCookie, oldLink, f.TOTP, f.RecoveryCodes[0])
	}

	// The rotation, as the key-rotation function computes it.
	before, err := secret.ParseDocument(hex.EncodeToString(h.env.Key))
	if err != nil {
		t.Fatal(err)
	}
	after, err := secret.Next(before, secret.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	v2 := h.process(func(c *app.Config) { c.Key, c.KeyText = nil, after.String() })
	stale := h.process(func(*app.Config) {})
	stale.keys.ReloadWith(func(context.Context) (*secret.Keyring, error) { return secret.ParseKeyring(after.String()) }, time.Minute, h.clock.Now)
	if v2.keys.Current() != 2 || stale.keys.Current() != 1 {
		t.Fatalf("current keys: new process %d, stale process %d", v2.keys.Current(), stale.keys.Current())
	}

	// After: both processes accept what key 1 made.
	for name, p := range map[string]*process{"new": v2, "stale": stale} {
		p.me(oldCookie)
		p.opens("GET /v1/password-resets/{token}", oldLink)
		p.opens("GET /v1/activations/{token}", oldActivation)
		h.clock.Advance(totp.Period) // a fresh step: the last one's code was spent
		if c := p.signIn(u, user.MethodTOTP, func(string) string { return totp.At(key, h.clock.Now()) }); c == "" {
			t.Fatalf("%s process: no session from a key-1 authenticator secret", name)
		}
		recovery := codes[0]
		if name == "stale" {
			recovery = codes[1]
		}
		p.signIn(u, user.MethodTOTP, func(string) string { return recovery })
	}
	if n, _ := stale.keys.Reloads(); n != 0 {
		t.Fatalf("the stale process read the secret %d times for key-1 values", n)
	}

	// The new process mints with key 2: a session, links, a sealed secret with recovery codes, a sign-in code.
	u2 := h.seedUser(member)
	newCookie := h.db.Session(v2.keys, u2.ID, u2.HomeAccountID, h.clock.Now())
	r := v2.do(request{route: "POST /v1/me/totp", cookie: newCookie})
	platformtest.WantStatus(t, r, http.StatusCreated)
	key2, err := totp.DecodeSecret(r.JSON["secret"].(string))
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(totp.Period)
	r = v2.do(request{route: "POST /v1/me/totp/confirm", body: map[string]string{"code": totp.At(key2, h.clock.Now())}, cookie: newCookie})
	platformtest.WantStatus(t, r, http.StatusOK)
	codes2 := toStrings(r.JSON["recoveryCodes"])
	platformtest.WantStatus(t, v2.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": user.MethodTOTP}, cookie: newCookie}), http.StatusOK)
	newLink := v2.resetLink(u2, v2.keys)
	newActivation := v2.activationLink(h.db.Session(v2.keys, admin.ID, admin.HomeAccountID, h.clock.Now()), admin.HomeAccountID, v2.keys)
	f2 := h.factors(u2.ID)
	for what, v := range map[string]string{"cookie": newCookie, "link": newLink, "activation link": newActivation, "sealed secret": f2.TOTP, "recovery hash": f2.RecoveryCodes[0]} {
		if !strings.HasSuffix(v, ".2") {
			t.Errorf("the new process's %s %q does not name key 2", what, v)
		}
	}
	u3 := h.seedUser(member) // email codes: the challenge records key 2, the outbox names it
	r = v2.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u3.Email, "password": password}})
	platformtest.WantStatus(t, r, http.StatusOK)
	challenge, _ := r.JSON["challengeId"].(string)
	codeRef := secret.CodeRef(2, challenge, 1)
	found := false
	for _, m := range h.db.Messages() {
		found = found || m.SecretRef == codeRef
	}
	if !found {
		t.Fatalf("no outbox message names code 1 of %s with key 2 (%s)", challenge, codeRef)
	}

	// The stale process meets key 2, reads the secret once, and accepts all of it; so does the new process.
	emailCode, err := v2.keys.Derive(ctx, codeRef) // as the new mailer derives it
	if err != nil {
		t.Fatal(err)
	}
	platformtest.WantStatus(t, stale.do(request{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": challenge, "code": emailCode}}), http.StatusCreated)
	if n, err := stale.keys.Reloads(); n != 1 || err != nil || stale.keys.Current() != 2 {
		t.Fatalf("the stale process read the secret %d times (%v), current key %d; want once, key 2", n, err, stale.keys.Current())
	}
	for _, p := range []*process{stale, v2} {
		p.me(newCookie)
		p.opens("GET /v1/password-resets/{token}", newLink)
		p.opens("GET /v1/activations/{token}", newActivation)
		h.clock.Advance(totp.Period)
		p.signIn(u2, user.MethodTOTP, func(string) string { return totp.At(key2, h.clock.Now()) })
	}
	stale.signIn(u2, user.MethodTOTP, func(string) string { return codes2[0] })
	if n, _ := stale.keys.Reloads(); n != 1 {
		t.Fatalf("the stale process read the secret %d times, want once", n)
	}

	// A made-up version is simply invalid, and costs at most one read of the secret per interval (the clock went
	// past the last read's interval above, so the first may read again; the next ones may not).
	n0, _ := stale.keys.Reloads()
	made := strings.TrimSuffix(newCookie, ".2") + ".3"
	for range 3 {
		platformtest.WantStatus(t, stale.do(request{route: "GET /v1/me", cookie: made}), http.StatusUnauthorized)
	}
	if n, _ := stale.keys.Reloads(); n > n0+1 || stale.keys.Current() != 2 {
		t.Fatalf("three made-up versions made the stale process read the secret %d times", n-n0)
	}
}
