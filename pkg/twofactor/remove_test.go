package twofactor_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/totp"
	"github.com/partnerhub/partnerhub/pkg/twofactor"
	"github.com/partnerhub/partnerhub/pkg/user"
)

const (
	removeAppRoute    = "DELETE /v1/me/totp"
	newCodesRoute     = "POST /v1/me/recovery-codes"
	removeMobileRoute = "DELETE /v1/me/mobile"
)

// withoutCounters is the table as Snapshot lists it, less the rate-limit counters: a counted guess writes its
// counter and nothing else.
func (h *harness) withoutCounters() []string {
	h.t.Helper()
	var out []string
	for _, item := range h.db.Items() {
		if platformtest.Str(item[table.AttrType]) != table.TypeRate {
			out = append(out, platformtest.Render(item))
		}
	}
	slices.Sort(out)
	return out
}

// unchanged fails the test if anything but rate-limit counters differs from before.
func (h *harness) unchanged(before []string, what string) {
	h.t.Helper()
	if after := h.withoutCounters(); !slices.Equal(before, after) {
		h.t.Fatalf("%s changed the table: %d items before, %d after", what, len(before), len(after))
	}
}

// auditDetails are the details of the one audit event of action about a user.
func (h *harness) auditDetails(userID, action string) map[string]string {
	h.t.Helper()
	var found []map[string]string
	for _, item := range h.db.ItemsOf(table.TypeAudit) {
		if platformtest.Str(item["targetId"]) != userID || platformtest.Str(item["action"]) != action {
			continue
		}
		d := map[string]string{}
		if m, ok := item["details"].(*types.AttributeValueMemberM); ok {
			for k, v := range m.Value {
				d[k] = platformtest.Str(v)
			}
		}
		found = append(found, d)
	}
	if len(found) != 1 {
		h.t.Fatalf("%d audit events %s about %s, want 1", len(found), action, userID)
	}
	return found[0]
}

// changed lists the changes named by the "twofactor-changed" messages to u, oldest first.
func (h *harness) changed(u user.User) []outbox.Message {
	h.t.Helper()
	var out []outbox.Message
	for _, m := range h.db.Messages() {
		if m.Template == "twofactor-changed" && m.UserID == u.ID {
			out = append(out, m)
		}
	}
	return out
}

// oneChange is the one "twofactor-changed" message to u that names change.
func (h *harness) oneChange(u user.User, change string) outbox.Message {
	h.t.Helper()
	var found []outbox.Message
	for _, m := range h.changed(u) {
		if m.Data["change"] == change {
			found = append(found, m)
		}
	}
	if len(found) != 1 || found[0].To != u.Email {
		h.t.Fatalf("twofactor-changed messages %+v, want one of %s", h.changed(u), change)
	}
	return found[0]
}

// TestRemoveApp: a wrong code or bad input changes nothing; a recovery code removes the app and its codes,
// the method falls back from totp to email, the user is told by email, and the next sign-in is by email code.
func TestRemoveApp(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	remove := func(body any) platformtest.Reply {
		return h.do(request{route: removeAppRoute, body: body, cookie: cookie})
	}
	platformtest.WantProblem(t, remove(map[string]string{"code": "123456"}), http.StatusConflict, "totp-not-enrolled")
	key, codes := h.enrol(u, cookie)
	h.choose(cookie, user.MethodTOTP)
	h.clock.Advance(totp.Period)
	before := h.withoutCounters()

	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"no code", map[string]string{}, "code:required"},
		{"not a code", map[string]string{"code": "12ab"}, "code:invalid_code"},
		{"unknown field", map[string]string{"code": codes[0], "method": "email"}, "method:unknown_field"},
	} {
		t.Run("case=bad input/"+tc.name, func(t *testing.T) {
			r := remove(tc.body)
			platformtest.WantStatus(t, r, http.StatusBadRequest)
			if !slices.Contains(r.Fields(), tc.field) {
				t.Fatalf("fields %v, want %s", r.Fields(), tc.field)
			}
			h.unchanged(before, tc.name)
		})
	}
	t.Run("case=wrong code", func(t *testing.T) {
		wrong := totp.Code(key, totp.Step(h.clock.Now())+5, totp.Digits)
		for _, code := range []string{wrong, "abcde-fghjk"} {
			platformtest.WantProblem(t, remove(map[string]string{"code": code}), http.StatusBadRequest, "wrong-code")
		}
		h.unchanged(before, "a wrong code")
	})
	t.Run("case=recovery code already used", func(t *testing.T) {
		id := h.challenge(u, "totp")
		platformtest.WantStatus(t, h.submit(id, codes[1]), http.StatusCreated)
		platformtest.WantProblem(t, remove(map[string]string{"code": codes[1]}), http.StatusBadRequest, "wrong-code")
	})

	sent := len(h.changed(u))
	r := remove(map[string]string{"code": strings.ToUpper(codes[0])})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["totpEnrolled"] != false || r.JSON["method"] != "email" || r.JSON["recoveryCodesLeft"] != 0.0 ||
		slices.Contains(toStrings(r.JSON["methods"]), "totp") {
		t.Fatalf("body %s", r.Body)
	}
	if f := h.factors(u.ID); f.TOTPEnrolled() || len(f.RecoveryCodes) != 0 || f.PendingTOTP != "" {
		t.Fatalf("factors = %+v", f)
	}
	if got := h.user(u.ID).TwoFactor; got.Method != user.MethodEmail || !got.Enabled {
		t.Fatalf("two-factor = %+v", got)
	}
	if d := h.auditDetails(u.ID, "user.totp-removed"); d["proof"] != "recovery-code" || d["from"] != "totp" || d["to"] != "email" {
		t.Fatalf("audit details %v", d)
	}
	if n := len(h.changed(u)); n != sent+1 {
		t.Fatalf("%d twofactor-changed messages, want 1 more", n-sent)
	}
	h.oneChange(u, "totp-removed")
	h.deliver()
	mails := h.env.Emails(t, u.Email)
	if last := mails[len(mails)-1]; last.Subject != "The authenticator app was removed from your PartnerHub account" ||
		!strings.Contains(last.Text, "a code we email to you") {
		t.Fatalf("email %q: %s", last.Subject, last.Text)
	}

	h.challenge(u, "email")
	platformtest.WantProblem(t, remove(map[string]string{"code": codes[2]}), http.StatusConflict, "totp-not-enrolled")
}

// TestRemoveAppKeepsOtherMethod: removing the app with a current code from it spends the code's step and
// leaves a method other than totp as it is.
func TestRemoveAppKeepsOtherMethod(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	key, _ := h.enrol(u, cookie)
	platformtest.WantProblem(t, h.do(request{route: removeAppRoute, body: map[string]string{"code": totp.At(key, h.clock.Now())}, cookie: cookie}),
		http.StatusBadRequest, "wrong-code") // the code that confirmed the app is spent
	h.clock.Advance(totp.Period)
	r := h.do(request{route: removeAppRoute, body: map[string]string{"code": totp.At(key, h.clock.Now())}, cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["method"] != "email" || r.JSON["totpEnrolled"] != false {
		t.Fatalf("body %s", r.Body)
	}
	if d := h.auditDetails(u.ID, "user.totp-removed"); d["proof"] != "totp" || d["from"] != "" {
		t.Fatalf("audit details %v", d)
	}
	if got := h.factors(u.ID).TOTPLastStep; got != totp.Step(h.clock.Now()) {
		t.Fatalf("last step %d, want the removing code's step spent", got)
	}
	h.oneChange(u, "totp-removed")
}

// TestAppGuessesCount: guesses at removing the app or replacing its codes share the confirmation budget of
// the app (twofactor.ConfirmsPerUser) and are counted before they are compared: past it even the right code
// is refused until the window ends.
func TestAppGuessesCount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	key, _ := h.enrol(u, cookie) // the confirmation is the first guess
	h.clock.Advance(totp.Period)
	wrong := totp.Code(key, totp.Step(h.clock.Now())+7, totp.Digits)
	for i := 1; i < twofactor.ConfirmsPerUser.Limit; i++ {
		route := removeAppRoute
		if i%2 == 0 {
			route = newCodesRoute
		}
		platformtest.WantProblem(t, h.do(request{route: route, body: map[string]string{"code": wrong}, cookie: cookie}), http.StatusBadRequest, "wrong-code")
	}
	right := map[string]string{"code": totp.At(key, h.clock.Now())}
	platformtest.WantStatus(t, h.do(request{route: newCodesRoute, body: right, cookie: cookie}), http.StatusTooManyRequests)
	platformtest.WantStatus(t, h.do(request{route: removeAppRoute, body: right, cookie: cookie}), http.StatusTooManyRequests)
	if !h.factors(u.ID).TOTPEnrolled() {
		t.Fatal("the app was removed past the limit")
	}
	h.clock.Advance(twofactor.ConfirmsPerUser.Window)
	platformtest.WantStatus(t, h.do(request{route: removeAppRoute, body: map[string]string{"code": totp.At(key, h.clock.Now())}, cookie: cookie}), http.StatusOK)
}

// TestNewRecoveryCodes: only with an enrolled app and a current code from it (not a recovery code); the old
// codes stop working at once, the new ones are returned once, stored only as hashes, and each signs in once.
func TestNewRecoveryCodes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	regenerate := func(code string) platformtest.Reply {
		return h.do(request{route: newCodesRoute, body: map[string]string{"code": code}, cookie: cookie})
	}
	platformtest.WantProblem(t, regenerate("123456"), http.StatusConflict, "totp-not-enrolled")
	key, old := h.enrol(u, cookie)
	h.choose(cookie, user.MethodTOTP)
	h.clock.Advance(totp.Period)
	before := h.withoutCounters()

	t.Run("case=recovery code refused", func(t *testing.T) {
		r := regenerate(old[0])
		platformtest.WantStatus(t, r, http.StatusBadRequest)
		if !slices.Contains(r.Fields(), "code:invalid_code") {
			t.Fatalf("body %s", r.Body)
		}
		h.unchanged(before, "a recovery code")
	})
	t.Run("case=wrong code", func(t *testing.T) {
		platformtest.WantProblem(t, regenerate(totp.Code(key, totp.Step(h.clock.Now())+5, totp.Digits)), http.StatusBadRequest, "wrong-code")
		h.unchanged(before, "a wrong code")
	})

	code := totp.At(key, h.clock.Now())
	r := regenerate(code)
	platformtest.WantStatus(t, r, http.StatusOK)
	codes := toStrings(r.JSON["recoveryCodes"])
	if len(codes) != 10 || r.JSON["recoveryCodesLeft"] != 10.0 || r.JSON["totpEnrolled"] != true || r.JSON["method"] != "totp" {
		t.Fatalf("body %s", r.Body)
	}
	for _, c := range codes {
		if slices.Contains(old, c) {
			t.Fatalf("new code %s is an old one", c)
		}
		if where := append(h.stored(strings.ReplaceAll(c, "-", "")), h.stored(c)...); len(where) > 0 {
			t.Fatalf("recovery code %s is stored in %v", c, where)
		}
	}
	if got := h.audits(u.ID); !slices.Contains(got, "user.recovery-codes-replaced") {
		t.Fatalf("audit = %v", got)
	}
	h.oneChange(u, "recovery-codes")
	h.deliver()
	if mails := h.env.Emails(t, u.Email); mails[len(mails)-1].Subject != "New recovery codes for your PartnerHub account" {
		t.Fatalf("last email %q", mails[len(mails)-1].Subject)
	}
	platformtest.WantProblem(t, regenerate(code), http.StatusBadRequest, "wrong-code") // its step is spent

	t.Run("case=old code dead", func(t *testing.T) {
		id := h.challenge(u, "totp")
		platformtest.WantProblem(t, h.submit(id, old[0]), http.StatusUnauthorized, "wrong-code")
	})
	t.Run("case=new code works once", func(t *testing.T) {
		id := h.challenge(u, "totp")
		platformtest.WantStatus(t, h.submit(id, codes[0]), http.StatusCreated)
		id = h.challenge(u, "totp")
		platformtest.WantProblem(t, h.submit(id, codes[0]), http.StatusUnauthorized, "wrong-code")
	})
}

// TestConcurrentRemovalsWorkOnce sends one recovery code to remove the app several times at once: exactly one
// removes it, and the code cannot also sign in.
func TestConcurrentRemovalsWorkOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	_, codes := h.enrol(u, cookie)
	const n = 4
	statuses := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-ready
			r, err := h.try(request{route: removeAppRoute, body: map[string]string{"code": codes[4]}, cookie: cookie})
			statuses[i], errs[i] = r.StatusCode, err
		})
	}
	close(ready)
	wg.Wait()
	ok := 0
	for i, s := range statuses {
		switch {
		case errs[i] != nil:
			t.Fatal(errs[i])
		case s == http.StatusOK:
			ok++
		case s != http.StatusBadRequest && s != http.StatusConflict && s != http.StatusGone:
			t.Fatalf("status %d among %v", s, statuses)
		}
	}
	if ok != 1 {
		t.Fatalf("%d removals with one code, want 1: %v", ok, statuses)
	}
	h.auditDetails(u.ID, "user.totp-removed") // exactly one event
}

// TestRemoveMobile: without a verified mobile it is refused; removing it stops SMS codes, the method falls back
// from sms to email, the user is told, and the number stays on the profile as contact data.
func TestRemoveMobile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	remove := func(body any) platformtest.Reply {
		return h.do(request{route: removeMobileRoute, body: body, cookie: cookie})
	}
	platformtest.WantProblem(t, remove(nil), http.StatusConflict, "mobile-not-verified")
	const number = "+447700900456"
	h.verifyMobile(u, cookie, number)
	h.choose(cookie, user.MethodSMS)
	before := h.withoutCounters()
	r := remove(map[string]string{"mobile": number})
	platformtest.WantStatus(t, r, http.StatusBadRequest)
	h.unchanged(before, "an unknown field")

	r = remove(nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["mobileVerified"] != false || r.JSON["method"] != "email" || r.Str("mobile") != "" ||
		slices.Contains(toStrings(r.JSON["methods"]), "sms") {
		t.Fatalf("body %s", r.Body)
	}
	if f := h.factors(u.ID); f.MobileVerified() {
		t.Fatalf("factors = %+v", f)
	}
	after := h.user(u.ID)
	if after.TwoFactor.Method != user.MethodEmail || after.Mobile != number {
		t.Fatalf("user two-factor %+v, mobile %q", after.TwoFactor, after.Mobile)
	}
	if d := h.auditDetails(u.ID, "user.mobile-removed"); d["from"] != "sms" || d["to"] != "email" || !strings.HasSuffix(d["mobile"], "456") || d["mobile"] == number {
		t.Fatalf("audit details %v", d)
	}
	h.oneChange(u, "mobile-removed")
	texts := len(h.sms.Texts(number))
	h.deliver()
	h.challenge(u, "email")
	h.deliver()
	if n := len(h.sms.Texts(number)); n != texts {
		t.Fatalf("%d texts after the mobile was removed", n-texts)
	}
	platformtest.WantProblem(t, h.do(request{route: "PUT /v1/me/two-factor", body: map[string]string{"method": "sms"}, cookie: cookie}),
		http.StatusConflict, "mobile-not-verified")

	t.Run("case=method kept", func(t *testing.T) {
		h.clock.Advance(10 * time.Minute) // a fresh window for verification texts
		h.verifyMobile(u, cookie, number)
		r := remove(nil)
		platformtest.WantStatus(t, r, http.StatusOK)
		if r.JSON["method"] != "email" || h.user(u.ID).TwoFactor.Method != user.MethodEmail {
			t.Fatalf("body %s", r.Body)
		}
	})
}

// TestRemoveMobileOfUserWithoutMethod: a user stored before methods existed (no method on the user item) signs
// in by email; removing the mobile keeps it so.
func TestRemoveMobileOfUserWithoutMethod(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(member)
	cookie := h.session(u)
	h.verifyMobile(u, cookie, "+447700900321")
	_, err := h.env.Dynamo.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{
		TableName: aws.String(h.table), Key: table.UserKey(u.ID).AV(), UpdateExpression: aws.String("REMOVE twoFactor.#m"),
		ExpressionAttributeNames: map[string]string{"#m": "method"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := h.do(request{route: removeMobileRoute, cookie: cookie})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["method"] != "email" || r.JSON["mobileVerified"] != false {
		t.Fatalf("body %s", r.Body)
	}
}
