package twofactor_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/passkey"
	"github.com/partnerhub/partnerhub/pkg/passkeytest"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// options is the publicKey member of an answer that begins a ceremony.
func options(t testing.TB, r platformtest.Reply) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(r.JSON["publicKey"])
	if err != nil || r.JSON["publicKey"] == nil {
		t.Fatalf("no publicKey options in %s", r.Body)
	}
	return raw
}

// beginPasskey begins a registration and returns the creation options.
func (h *harness) beginPasskey(cookie string) json.RawMessage {
	h.t.Helper()
	r := h.do(request{route: "POST /v1/me/passkeys/registrations", body: map[string]any{}, cookie: cookie})
	platformtest.WantStatus(h.t, r, http.StatusCreated)
	return options(h.t, r)
}

// addPasskey finishes a registration with the authenticator's answer.
func (h *harness) addPasskey(cookie, name string, credential json.RawMessage) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/me/passkeys", body: map[string]any{"name": name, "credential": credential}, cookie: cookie})
}

// registerPasskey registers a passkey made by a, named name, and returns its id.
func (h *harness) registerPasskey(cookie string, a *passkeytest.Authenticator, name string) string {
	h.t.Helper()
	answer, err := a.Create(h.beginPasskey(cookie))
	if err != nil {
		h.t.Fatal(err)
	}
	r := h.addPasskey(cookie, name, answer)
	platformtest.WantStatus(h.t, r, http.StatusCreated)
	return r.Str("id")
}

func (h *harness) passkeys(cookie string) []any {
	h.t.Helper()
	r := h.do(request{route: "GET /v1/me/passkeys", cookie: cookie})
	platformtest.WantStatus(h.t, r, http.StatusOK)
	list, _ := r.JSON["passkeys"].([]any)
	return list
}

// challengeOf is the challenge (base64url) in options.
func challengeOf(t testing.TB, opts json.RawMessage) string {
	t.Helper()
	var o struct {
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(opts, &o); err != nil || o.Challenge == "" {
		t.Fatalf("no challenge in %s", opts)
	}
	return o.Challenge
}

// TestPasskeys: a user registers several passkeys with names, lists, renames and removes them; each change is
// audited and published as Two-Factor Changed where the catalog says so; the ceremony's challenge is never
// stored as such.
func TestPasskeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	laptop := passkeytest.New(platformtest.Origin)

	opts := h.beginPasskey(cookie)
	if where := h.stored(challengeOf(t, opts)); len(where) > 0 {
		t.Fatalf("the challenge is stored as such at %v", where)
	}
	answer, err := laptop.Create(opts)
	if err != nil {
		t.Fatal(err)
	}
	r := h.addPasskey(cookie, "  Work laptop ", answer)
	platformtest.WantStatus(t, r, http.StatusCreated)
	if r.Str("name") != "Work laptop" || r.Str("kind") != "device" || r.JSON["passwordless"] != true {
		t.Fatalf("registered passkey = %s", r.Body)
	}
	first := r.Str("id")
	h.clock.Advance(time.Minute)
	phone := passkeytest.New(platformtest.Origin)
	second := h.registerPasskey(cookie, phone, "Phone")

	list := h.passkeys(cookie)
	if len(list) != 2 || list[0].(map[string]any)["id"] != first || list[1].(map[string]any)["name"] != "Phone" {
		t.Fatalf("passkeys = %v", list)
	}
	if st := h.do(request{route: "GET /v1/me/two-factor", cookie: cookie}); st.JSON["passkeys"] != float64(2) || !slices.Contains(st.JSON["methods"].([]any), any("passkey")) {
		t.Fatalf("settings = %s", st.Body)
	}

	t.Run("case=the same authenticator again is excluded", func(t *testing.T) {
		if _, err := laptop.Create(h.beginPasskey(cookie)); err == nil {
			t.Fatal("the options do not exclude the registered credential")
		}
	})

	r = h.do(request{route: "PATCH /v1/me/passkeys/{passkeyId}", params: map[string]string{"passkeyId": second}, body: map[string]string{"name": "Pixel"}, cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.Str("name") != "Pixel" {
		t.Fatalf("renamed = %s", r.Body)
	}
	r = h.do(request{route: "DELETE /v1/me/passkeys/{passkeyId}", params: map[string]string{"passkeyId": first}, body: map[string]any{}, cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["passkeys"] != float64(1) {
		t.Fatalf("settings after removal = %s", r.Body)
	}
	platformtest.WantProblem(t, h.do(request{route: "DELETE /v1/me/passkeys/{passkeyId}", params: map[string]string{"passkeyId": first}, body: map[string]any{}, cookie: cookie}),
		http.StatusNotFound, "passkey-not-found")
	if list := h.passkeys(cookie); len(list) != 1 || list[0].(map[string]any)["name"] != "Pixel" {
		t.Fatalf("passkeys after removal = %v", list)
	}
	audits := h.audits(u.ID)
	for _, want := range []string{"passkey.registered", "passkey.renamed", "passkey.removed"} {
		if !slices.Contains(audits, want) {
			t.Errorf("audit %v lacks %s", audits, want)
		}
	}
	h.deliver()
	mails := h.env.Emails(t, u.Email)
	if len(mails) < 3 {
		t.Fatalf("%d emails, want one per passkey added or removed", len(mails))
	}
}

// TestPasskeyRegistrationRefusals: answers that are not a passkey for this site, from this session, once,
// are refused and change nothing.
func TestPasskeyRegistrationRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)

	t.Run("case=wrong origin", func(t *testing.T) {
		evil := passkeytest.New("http://evil.example")
		answer, err := evil.Create(h.beginPasskey(cookie))
		if err != nil {
			t.Fatal(err)
		}
		before := h.db.Snapshot()
		platformtest.WantProblem(t, h.addPasskey(cookie, "Evil", answer), http.StatusBadRequest, "passkey-refused")
		h.db.Unchanged(before, "a refused attestation")
	})
	t.Run("case=bad attestation", func(t *testing.T) {
		a := passkeytest.New(platformtest.Origin)
		answer, err := a.Create(h.beginPasskey(cookie))
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.Unmarshal(answer, &body)
		body["response"].(map[string]any)["attestationObject"] = "o2NmbXRkbm9uZQ" // cut short
		bad, _ := json.Marshal(body)
		platformtest.WantProblem(t, h.addPasskey(cookie, "Bad", bad), http.StatusBadRequest, "passkey-refused")
	})
	t.Run("case=not a credential", func(t *testing.T) {
		platformtest.WantProblem(t, h.addPasskey(cookie, "None", json.RawMessage(`{"id":"x"}`)), http.StatusBadRequest, "validation")
	})
	t.Run("case=unknown challenge", func(t *testing.T) {
		a := passkeytest.New(platformtest.Origin)
		opts := h.beginPasskey(cookie)
		var o map[string]any
		_ = json.Unmarshal(opts, &o)
		o["challenge"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		forged, _ := json.Marshal(o)
		answer, err := a.Create(forged)
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantProblem(t, h.addPasskey(cookie, "Forged", answer), http.StatusGone, "ceremony-expired")
	})
	t.Run("case=another session's ceremony", func(t *testing.T) {
		a := passkeytest.New(platformtest.Origin)
		answer, err := a.Create(h.beginPasskey(cookie))
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantProblem(t, h.addPasskey(h.session(u), "Other", answer), http.StatusGone, "ceremony-expired")
	})
	t.Run("case=expired", func(t *testing.T) {
		a := passkeytest.New(platformtest.Origin)
		answer, err := a.Create(h.beginPasskey(cookie))
		if err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(passkey.CeremonyTTL)
		platformtest.WantProblem(t, h.addPasskey(cookie, "Late", answer), http.StatusGone, "ceremony-expired")
	})
	t.Run("case=replayed challenge", func(t *testing.T) {
		a := passkeytest.New(platformtest.Origin)
		answer, err := a.Create(h.beginPasskey(cookie))
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantStatus(t, h.addPasskey(cookie, "Once", answer), http.StatusCreated)
		platformtest.WantProblem(t, h.addPasskey(cookie, "Twice", answer), http.StatusGone, "ceremony-expired")
	})
	t.Run("case=choose passkey without one", func(t *testing.T) {
		v := h.seedUser(member)
		platformtest.WantProblem(t, h.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": "passkey"}, cookie: h.session(v)}),
			http.StatusConflict, "passkey-not-registered")
	})
}

// TestPasskeyRegistrationRace: two finishes of one ceremony at once register one passkey; the other is told
// the request was used (or, if it read after the first committed, that it is gone).
func TestPasskeyRegistrationRace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	for round := range 3 {
		a := passkeytest.New(platformtest.Origin)
		answer, err := a.Create(h.beginPasskey(cookie))
		if err != nil {
			t.Fatal(err)
		}
		replies := make([]platformtest.Reply, 2)
		var wg sync.WaitGroup
		for i := range replies {
			wg.Go(func() {
				r, err := h.try(request{route: "POST /v1/me/passkeys", body: map[string]any{"name": "Race", "credential": answer}, cookie: cookie})
				if err != nil {
					t.Error(err)
				}
				replies[i] = r
			})
		}
		wg.Wait()
		codes := []int{replies[0].StatusCode, replies[1].StatusCode}
		slices.Sort(codes)
		if codes[0] != http.StatusCreated || (codes[1] != http.StatusGone && codes[1] != http.StatusConflict) {
			t.Fatalf("round %d: statuses %v (%s / %s), want one 201 and one 409 or 410", round, codes, replies[0].Body, replies[1].Body)
		}
	}
	if n := len(h.passkeys(cookie)); n != 3 {
		t.Fatalf("%d passkeys after 3 rounds, want 3", n)
	}
}

// signInWithPasskey is the password step and the passkey step with a's newest credential; it returns the
// passkey step's answer.
func (h *harness) passkeyStep(u user.User, a *passkeytest.Authenticator) (string, json.RawMessage) {
	h.t.Helper()
	id := h.challenge(u, user.MethodPasskey)
	r := h.do(request{route: "POST /v1/sessions/otp/passkey-options", body: map[string]string{"challengeId": id}})
	platformtest.WantStatus(h.t, r, http.StatusOK)
	answer, err := a.Get(options(h.t, r))
	if err != nil {
		h.t.Fatal(err)
	}
	return id, answer
}

func (h *harness) finishPasskeyStep(id string, answer json.RawMessage) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions/otp/passkey", body: map[string]any{"challengeId": id, "credential": answer}})
}

// TestPasskeySecondFactor: a user who chose passkey signs in with the password, then the passkey; nothing is
// sent, a code does not pass the step, a sign count that goes back is refused, and one assertion signs in once.
func TestPasskeySecondFactor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	a := passkeytest.New(platformtest.Origin)
	h.registerPasskey(cookie, a, "Laptop")
	h.choose(cookie, user.MethodPasskey)
	h.deliver()
	sent := len(h.db.Messages())

	id, answer := h.passkeyStep(u, a)
	if len(h.db.Messages()) != sent {
		t.Fatal("a passkey sign-in sent a message")
	}
	r := h.finishPasskeyStep(id, answer)
	platformtest.WantStatus(t, r, http.StatusCreated)
	sessionToken(t, r)
	if !slices.Contains(h.audits(u.ID), "passkey.signed-in") {
		t.Fatalf("audit %v lacks passkey.signed-in", h.audits(u.ID))
	}
	creds, err := h.store.Passkeys(t.Context(), u.ID)
	if err != nil || len(creds) != 1 || creds[0].SignCount != 1 || creds[0].LastUsedAt.IsZero() {
		t.Fatalf("passkey after sign-in = %+v, %v", creds, err)
	}

	t.Run("case=replayed assertion", func(t *testing.T) {
		platformtest.WantProblem(t, h.finishPasskeyStep(id, answer), http.StatusGone, "")
	})
	t.Run("case=a code does not pass the step", func(t *testing.T) {
		id := h.challenge(u, user.MethodPasskey)
		platformtest.WantProblem(t, h.submit(id, h.keys.Code(id, 1)), http.StatusUnauthorized, "wrong-code")
	})
	t.Run("case=another challenge's ceremony", func(t *testing.T) {
		_, answer := h.passkeyStep(u, a)
		other := h.challenge(u, user.MethodPasskey)
		platformtest.WantProblem(t, h.finishPasskeyStep(other, answer), http.StatusGone, "ceremony-expired")
	})
	t.Run("case=wrong origin", func(t *testing.T) {
		id, _ := h.passkeyStep(u, a)
		r := h.do(request{route: "POST /v1/sessions/otp/passkey-options", body: map[string]string{"challengeId": id}})
		a.Origin = "http://evil.example"
		answer, err := a.Get(options(t, r))
		a.Origin = platformtest.Origin
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantProblem(t, h.finishPasskeyStep(id, answer), http.StatusUnauthorized, "passkey-refused")
	})
	t.Run("case=sign count goes back", func(t *testing.T) {
		id := h.challenge(u, user.MethodPasskey)
		r := h.do(request{route: "POST /v1/sessions/otp/passkey-options", body: map[string]string{"challengeId": id}})
		c := a.Credentials()[0]
		c.SignCount = 0 // a copy of the key, used less than the original
		answer, err := a.Assert(c, challengeOf(t, options(t, r)))
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantProblem(t, h.finishPasskeyStep(id, answer), http.StatusUnauthorized, "passkey-cloned")
		c.SignCount = 10
	})
	t.Run("case=concurrent finishes sign in once", func(t *testing.T) {
		id, answer := h.passkeyStep(u, a)
		replies := make([]platformtest.Reply, 2)
		var wg sync.WaitGroup
		for i := range replies {
			wg.Go(func() {
				r, err := h.try(request{route: "POST /v1/sessions/otp/passkey", body: map[string]any{"challengeId": id, "credential": answer}})
				if err != nil {
					t.Error(err)
				}
				replies[i] = r
			})
		}
		wg.Wait()
		codes := []int{replies[0].StatusCode, replies[1].StatusCode}
		slices.Sort(codes)
		if codes[0] != http.StatusCreated || codes[1] != http.StatusGone {
			t.Fatalf("statuses %v (%s / %s), want one 201 and one 410", codes, replies[0].Body, replies[1].Body)
		}
	})
	t.Run("case=removing the last passkey goes back to email codes", func(t *testing.T) {
		creds, _ := h.store.Passkeys(t.Context(), u.ID)
		r := h.do(request{route: "DELETE /v1/me/passkeys/{passkeyId}", params: map[string]string{"passkeyId": creds[0].ID}, body: map[string]any{}, cookie: cookie})
		platformtest.WantStatus(t, r, http.StatusOK)
		if r.Str("method") != user.MethodEmail || h.user(u.ID).TwoFactor.Method != user.MethodEmail {
			t.Fatalf("settings after removing the last passkey = %s", r.Body)
		}
		h.challenge(u, user.MethodEmail)
	})
}

// passwordless runs a passwordless sign-in with a and returns the finish's answer.
func (h *harness) passwordless(a *passkeytest.Authenticator) platformtest.Reply {
	h.t.Helper()
	return h.finishPasswordless(h.passwordlessAnswer(a))
}

func (h *harness) passwordlessAnswer(a *passkeytest.Authenticator) json.RawMessage {
	h.t.Helper()
	r := h.do(request{route: "POST /v1/sessions/passkey-options", body: map[string]any{}})
	platformtest.WantStatus(h.t, r, http.StatusOK)
	answer, err := a.Get(options(h.t, r))
	if err != nil {
		h.t.Fatal(err)
	}
	return answer
}

func (h *harness) finishPasswordless(answer json.RawMessage) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions/passkey", body: map[string]any{"credential": answer}})
}

// TestPasswordless: a passkey that verifies its user signs in alone; an unknown credential, a disabled user, a
// passkey without user verification, a replay and a concurrent second use are refused.
func TestPasswordless(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	a := passkeytest.New(platformtest.Origin)
	h.registerPasskey(cookie, a, "Laptop")

	answer := h.passwordlessAnswer(a)
	r := h.finishPasswordless(answer)
	platformtest.WantStatus(t, r, http.StatusCreated)
	sessionToken(t, r)
	if r.JSON["user"].(map[string]any)["id"] != u.ID {
		t.Fatalf("signed in as %s", r.Body)
	}

	t.Run("case=replayed", func(t *testing.T) {
		platformtest.WantProblem(t, h.finishPasswordless(answer), http.StatusGone, "ceremony-expired")
	})
	t.Run("case=unknown credential", func(t *testing.T) {
		stranger := passkeytest.New(platformtest.Origin)
		if _, err := stranger.Create(h.beginPasskey(h.session(h.seedUser(member)))); err != nil {
			t.Fatal(err)
		}
		before := len(h.audits(u.ID))
		platformtest.WantProblem(t, h.passwordless(stranger), http.StatusUnauthorized, "invalid-credentials")
		if len(h.audits(u.ID)) != before {
			t.Fatal("a refused sign-in wrote an audit event")
		}
	})
	t.Run("case=passkey without user verification", func(t *testing.T) {
		v := h.seedUser(member)
		weak := passkeytest.New(platformtest.Origin)
		weak.UserVerified = false
		h.registerPasskey(h.session(v), weak, "Key")
		platformtest.WantProblem(t, h.passwordless(weak), http.StatusUnauthorized, "")
	})
	t.Run("case=disabled user", func(t *testing.T) {
		v := h.seedUser(member)
		b := passkeytest.New(platformtest.Origin)
		h.registerPasskey(h.session(v), b, "Laptop")
		v = h.user(v.ID)
		v.Status = user.Disabled
		h.db.Put(dynamo.UserItem(v))
		platformtest.WantProblem(t, h.passwordless(b), http.StatusUnauthorized, "invalid-credentials")
	})
	t.Run("case=concurrent finishes sign in once", func(t *testing.T) {
		answer := h.passwordlessAnswer(a)
		replies := make([]platformtest.Reply, 2)
		var wg sync.WaitGroup
		for i := range replies {
			wg.Go(func() {
				r, err := h.try(request{route: "POST /v1/sessions/passkey", body: map[string]any{"credential": answer}})
				if err != nil {
					t.Error(err)
				}
				replies[i] = r
			})
		}
		wg.Wait()
		codes := []int{replies[0].StatusCode, replies[1].StatusCode}
		slices.Sort(codes)
		if codes[0] != http.StatusCreated || codes[1] != http.StatusGone {
			t.Fatalf("statuses %v (%s / %s), want one 201 and one 410", codes, replies[0].Body, replies[1].Body)
		}
	})
	if items := h.db.ItemsOf(table.TypeCeremony); len(items) == 0 {
		t.Fatal("no ceremony items seen: the test read the wrong type")
	}
}
