package reset_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/lockout"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/reset"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	linktoken "github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestRequestAnswersTheSame: a known, an unknown, an invited and a disabled address get the same 202 and the
// same body; only the known, active user gets a token and the email, whose link opens for an hour.
func TestRequestAnswersTheSame(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	known := h.seedUser(active)
	invited := h.seedUser(seed{status: user.Invited, twoFactor: true})
	disabled := h.seedUser(seed{status: user.Disabled, twoFactor: true})

	var bodies []string
	for _, email := range []string{known.Email, testenv.UniqueEmail(t, "nobody"), invited.Email, disabled.Email} {
		r := h.requestReset(email)
		platformtest.WantStatus(t, r, http.StatusAccepted)
		bodies = append(bodies, r.Body)
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Fatalf("bodies differ: %q vs %q", bodies[0], b)
		}
	}
	if len(h.resetMessages(invited.Email))+len(h.resetMessages(disabled.Email)) != 0 {
		t.Fatal("a reset email for a user who cannot reset")
	}
	msgs := h.resetMessages(known.Email)
	if len(msgs) != 1 || msgs[0].UserID != known.ID || !strings.HasPrefix(msgs[0].SecretRef, "reset:") {
		t.Fatalf("reset messages = %+v", msgs)
	}
	token := h.linkToken(known.Email)
	tok, item := h.token(tokenID(token))
	if tok.Purpose != secret.PurposeReset || tok.Status != linktoken.Pending || !tok.ExpiresAt.Equal(start.Add(time.Hour)) || item[table.AttrXPK] == nil {
		t.Fatalf("token = %+v (on the expiry index: %v)", tok, item[table.AttrXPK] != nil)
	}

	r := h.getLink(token)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["email"] != known.Email || r.JSON["securityQuestion"] != question || r.JSON["expiresAt"] != "2026-03-02T10:00:00Z" {
		t.Fatalf("body %s", r.Body)
	}
	if strings.Contains(r.Body, "Hash") || strings.Contains(r.Body, "argon") {
		t.Fatalf("the answer shows a hash: %s", r.Body)
	}
}

// TestRequestDoesTheSameWork counts the table calls of a request for a known and an unknown address: the
// same number of round trips, so the time does not tell them apart.
func TestRequestDoesTheSameWork(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	known := h.seedUser(active)
	calls := func(email string) int {
		rec := &countingDB{DB: h.env.Dynamo}
		s, err := reset.New(reset.Deps{DB: rec, Table: h.table, Keys: h.keys, Clock: h.clock})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Request(context.Background(), email, "203.0.113.7"); err != nil {
			t.Fatal(err)
		}
		return rec.n
	}
	k, u := calls(known.Email), calls(testenv.UniqueEmail(t, "nobody"))
	if k != u || k == 0 {
		t.Fatalf("%d table calls for a known address, %d for an unknown one", k, u)
	}
}

// countingDB counts every call to the table.
type countingDB struct {
	dynamo.DB
	mu sync.Mutex
	n  int
}

func (c *countingDB) count() { c.mu.Lock(); c.n++; c.mu.Unlock() }

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.count()
	return c.DB.GetItem(ctx, in, o...)
}

func (c *countingDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.count()
	return c.DB.UpdateItem(ctx, in, o...)
}

func (c *countingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.count()
	return c.DB.TransactWriteItems(ctx, in, o...)
}

// TestRequestRateLimits: past the limits per address and per source, requests still answer 202 and send
// nothing.
func TestRequestRateLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	t.Run("case=per email", func(t *testing.T) {
		u := h.seedUser(active)
		for range reset.PerEmail.Limit + 2 {
			platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
		}
		if n := len(h.resetMessages(u.Email)); n != reset.PerEmail.Limit {
			t.Fatalf("%d emails, want %d", n, reset.PerEmail.Limit)
		}
	})
	t.Run("case=per source", func(t *testing.T) {
		var bodies []string
		for range reset.PerIP.Limit {
			bodies = append(bodies, h.do(request{route: "POST /v1/password-resets", body: map[string]string{"email": testenv.UniqueEmail(t, "x")}, ip: "203.0.113.99"}).Body)
		}
		u := h.seedUser(active)
		r := h.do(request{route: "POST /v1/password-resets", body: map[string]string{"email": u.Email}, ip: "203.0.113.99"})
		platformtest.WantStatus(t, r, http.StatusAccepted)
		if r.Body != bodies[0] || len(h.resetMessages(u.Email)) != 0 {
			t.Fatalf("past the limit: body %q, %d emails", r.Body, len(h.resetMessages(u.Email)))
		}
	})
	t.Run("case=invalid email", func(t *testing.T) {
		platformtest.WantProblem(t, h.requestReset("not-an-address"), http.StatusBadRequest, "validation")
	})
}

// TestResetLinkExpiresAfterAnHour: the link works until its hour is up, not after, and the sweep's token
// expirer marks it expired and takes it off the expiry index.
func TestResetLinkExpiresAfterAnHour(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active)
	platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
	token := h.linkToken(u.Email)

	h.clock.Set(start.Add(reset.TTL - time.Second))
	platformtest.WantStatus(t, h.getLink(token), http.StatusOK)
	h.clock.Set(start.Add(reset.TTL))
	platformtest.WantProblem(t, h.getLink(token), http.StatusGone, "link-expired")
	platformtest.WantProblem(t, h.reset(token, answer, newPassword), http.StatusGone, "link-expired")

	res, err := h.app.Sweeper().Run(context.Background())
	if err != nil {
		t.Fatalf("sweep: %v (%+v)", err, res)
	}
	tok, item := h.token(tokenID(token))
	if tok.Status != linktoken.Expired || item[table.AttrXPK] != nil {
		t.Fatalf("after the sweep: status %q, on the expiry index %v", tok.Status, item[table.AttrXPK] != nil)
	}
	platformtest.WantProblem(t, h.getLink(token), http.StatusGone, "link-expired")
	if h.user(u.ID).PasswordHash != passwordHash() {
		t.Fatal("the password changed")
	}
}

// TestNewLinkReplacesTheOld: only the latest link works.
func TestNewLinkReplacesTheOld(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active)
	platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
	first := h.linkToken(u.Email)
	h.clock.Advance(time.Minute)
	platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
	second := h.linkToken(u.Email)
	if first == second {
		t.Fatal("the second email carries the first link")
	}
	platformtest.WantProblem(t, h.getLink(first), http.StatusGone, "link-replaced")
	platformtest.WantProblem(t, h.reset(first, answer, newPassword), http.StatusGone, "link-replaced")
	platformtest.WantStatus(t, h.getLink(second), http.StatusOK)
}

func TestInvalidLinks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	activation := h.keys.LinkToken(secret.PurposeActivation, secret.NewID())
	for name, token := range map[string]string{
		"garbage":          "not-a-token",
		"activation token": activation,
		"unknown id":       h.keys.LinkToken(secret.PurposeReset, secret.NewID()),
	} {
		t.Run("case="+name, func(t *testing.T) {
			platformtest.WantProblem(t, h.getLink(token), http.StatusNotFound, "link-invalid")
			platformtest.WantProblem(t, h.reset(token, answer, newPassword), http.StatusNotFound, "link-invalid")
		})
	}
}

// TestWrongAnswersUseUpTheLink: a link takes reset.MaxAnswers security answers, each wrong one saying how many
// are left and recorded as the last login error; then the link is used up, the right answer included, and a
// new link works. Wrong answers never lock sign-in.
func TestWrongAnswersUseUpTheLink(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active)
	platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
	token := h.linkToken(u.Email)

	for i := 1; i <= reset.MaxAnswers; i++ {
		r := h.reset(token, "Fido", newPassword)
		platformtest.WantProblem(t, r, http.StatusBadRequest, "wrong-answer")
		if left := fmt.Sprintf("takes %d more", reset.MaxAnswers-i); !strings.Contains(r.Str("detail"), left) {
			t.Fatalf("after %d wrong answers: %q does not say %q", i, r.Str("detail"), left)
		}
		if got := h.user(u.ID); got.Failures != 0 || got.LastLoginError != user.ErrWrongAnswer {
			t.Fatalf("after %d wrong answers: failures %d, lastLoginError %q", i, got.Failures, got.LastLoginError)
		}
	}
	platformtest.WantProblem(t, h.reset(token, answer, newPassword), http.StatusGone, "link-used-up")
	platformtest.WantProblem(t, h.getLink(token), http.StatusGone, "link-used-up")
	if got := h.user(u.ID); got.PasswordHash != passwordHash() {
		t.Fatal("a used-up link changed the password")
	}
	signIn := h.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u.Email, "password": password}})
	platformtest.WantStatus(t, signIn, http.StatusOK) // otp_required: sign-in is not locked

	h.clock.Advance(time.Minute)
	platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
	platformtest.WantStatus(t, h.reset(h.linkToken(u.Email), " rex THE dog ", newPassword), http.StatusOK)
}

// TestConcurrentAnswersAreAllCounted: answers racing with one link are counted before they are compared, so
// exactly reset.MaxAnswers of them are compared and the rest find the link used up.
func TestConcurrentAnswersAreAllCounted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active)
	platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
	token := h.linkToken(u.Email)
	const n = 12
	statuses := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, err := h.try(request{route: "POST /v1/password-resets/{token}", params: map[string]string{"token": token},
				body: map[string]string{"securityAnswer": "Fido", "password": newPassword}})
			statuses[i], errs[i] = r.StatusCode, err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[http.StatusBadRequest] != reset.MaxAnswers || count[http.StatusGone] != n-reset.MaxAnswers {
		t.Fatalf("answers %v, want %d wrong-answer and %d link-used-up", count, reset.MaxAnswers, n-reset.MaxAnswers)
	}
}

// TestResetWorksWhileSignInIsLocked: a stranger locked the owner's address out of sign-in with wrong passwords,
// and the owner's own failure budget is spent; the reset link still works, and ends both locks.
func TestResetWorksWhileSignInIsLocked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active)
	const home = "192.0.2.44"
	signIn := func(pw string) platformtest.Reply {
		return h.do(request{route: "POST /v1/sessions", ip: home, body: map[string]string{"email": u.Email, "password": pw}})
	}
	for range lockout.PasswordPerLoginSource.Limit {
		platformtest.WantProblem(t, signIn("guess"), http.StatusUnauthorized, "invalid-credentials")
	}
	platformtest.WantProblem(t, signIn(password), http.StatusLocked, "sign-in-locked")
	locked := h.user(u.ID)
	locked.Failures, locked.FailuresSince, locked.LockedUntil = 10, h.clock.Now(), h.clock.Now().Add(15*time.Minute)
	h.db.Put(dynamo.UserItem(locked))

	platformtest.WantStatus(t, h.do(request{route: "POST /v1/password-resets", ip: home, body: map[string]string{"email": u.Email}}), http.StatusAccepted)
	token := h.linkToken(u.Email)
	platformtest.WantStatus(t, h.do(request{route: "POST /v1/password-resets/{token}", ip: home, params: map[string]string{"token": token},
		body: map[string]string{"securityAnswer": answer, "password": newPassword}}), http.StatusOK)

	if got := h.user(u.ID); got.Failures != 0 || got.Locked(h.clock.Now()) {
		t.Fatalf("after the reset: failures %d, locked until %v", got.Failures, got.LockedUntil)
	}
	platformtest.WantStatus(t, signIn(newPassword), http.StatusOK) // otp_required, from the same address
}

// TestResetEndsEverySession: a correct reset sets the new password, ends every session (a session from before
// answers 401 after), tells the user, audits, and uses the link up.
func TestResetEndsEverySession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active)
	before := []string{h.session(u), h.session(u)}
	for _, c := range before {
		platformtest.WantStatus(t, h.do(request{route: "GET /v1/me", cookie: c}), http.StatusOK)
	}
	platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
	token := h.linkToken(u.Email)

	r := h.reset(token, answer, newPassword)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["status"] != "password-changed" || r.JSON["email"] != u.Email || r.JSON["sessionsEnded"] != 2.0 {
		t.Fatalf("body %s", r.Body)
	}
	for _, c := range before {
		platformtest.WantProblem(t, h.do(request{route: "GET /v1/me", cookie: c}), http.StatusUnauthorized, "unauthorized")
	}
	if ss, err := h.store.SessionsOf(context.Background(), u.ID); err != nil || len(ss) != 0 {
		t.Fatalf("%d sessions left (%v)", len(ss), err)
	}
	got := h.user(u.ID)
	if !passhash.Check(got.PasswordHash, newPassword) || !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
		t.Fatal("the new password is not set")
	}
	old := h.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u.Email, "password": password}})
	platformtest.WantProblem(t, old, http.StatusUnauthorized, "invalid-credentials")
	fresh := h.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u.Email, "password": newPassword}})
	platformtest.WantStatus(t, fresh, http.StatusOK)

	h.deliver()
	mails := h.env.Emails(t, u.Email)
	if !slices.ContainsFunc(mails, func(m emulator.Email) bool { return m.Subject == "Your PartnerHub password was changed" }) {
		t.Fatalf("no password-changed email among %d", len(mails))
	}
	if n := h.audits(u.ID, "user.password-reset"); n != 1 {
		t.Fatalf("%d audit events, want 1", n)
	}
	platformtest.WantProblem(t, h.getLink(token), http.StatusGone, "link-used")
	platformtest.WantProblem(t, h.reset(token, answer, newPassword+" again"), http.StatusGone, "link-used")
}

// TestResetPasswordRules: the new password meets the activation rules, every broken rule is named, the rules
// follow two-factor sign-in (15 characters without it), and a refused request costs nothing.
func TestResetPasswordRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		name     string
		seed     seed
		answer   string
		password string
		want     map[string][]string
	}{
		{"case=short and common", active, answer, "passw0rd", map[string][]string{"password": {"common"}}},
		{"case=too short", active, answer, "Zq9!", map[string][]string{"password": {"too_short"}}},
		{"case=contains the email", active, answer, "", map[string][]string{"password": {"contains_email"}}},
		{"case=without 2FA 15 characters", seed{status: user.Active}, answer, "quiet harbour7", map[string][]string{"password": {"too_short"}}},
		{"case=everything missing", active, "", "", map[string][]string{"password": {"required"}, "securityAnswer": {"required"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := h.seedUser(tc.seed)
			platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
			token := h.linkToken(u.Email)
			pw := tc.password
			if tc.name == "case=contains the email" {
				local, _, _ := strings.Cut(u.Email, "+")
				pw = "my " + local + " is long enough ok"
			}
			r := h.reset(token, tc.answer, pw)
			platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
			got := map[string][]string{}
			for _, e := range r.JSON["errors"].([]any) {
				f := e.(map[string]any)
				got[f["field"].(string)] = append(got[f["field"].(string)], f["code"].(string))
			}
			for field, codes := range tc.want {
				for _, c := range codes {
					if !slices.Contains(got[field], c) {
						t.Errorf("errors %v do not name %s %s", got, field, c)
					}
				}
			}
			if h.user(u.ID).Failures != 0 {
				t.Fatal("a refused password cost the failure budget")
			}
			platformtest.WantStatus(t, h.getLink(token), http.StatusOK)
		})
	}
}

// TestConcurrentResetsOneWins submits one link twenty times at once: exactly one reset succeeds; the others
// learn the link was used.
func TestConcurrentResetsOneWins(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active)
	platformtest.WantStatus(t, h.requestReset(u.Email), http.StatusAccepted)
	token := h.linkToken(u.Email)

	const n = 20
	statuses := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-ready
			r, err := h.try(request{route: "POST /v1/password-resets/{token}", params: map[string]string{"token": token},
				body: map[string]string{"securityAnswer": answer, "password": newPassword + " " + string(rune('a'+i))}})
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
		case s != http.StatusGone:
			t.Fatalf("status %d among %v", s, statuses)
		}
	}
	if ok != 1 {
		t.Fatalf("%d resets with one link, want 1: %v", ok, statuses)
	}
	if n := h.audits(u.ID, "user.password-reset"); n != 1 {
		t.Fatalf("%d audit events, want 1", n)
	}
}
