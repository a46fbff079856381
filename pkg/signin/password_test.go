package signin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/signin"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestSignInWithTwoFactorSendsACode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user

	r := h.signIn(u.Email, password)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["status"] != "otp_required" || r.JSON["method"] != "email" || r.JSON["expiresInSeconds"] != 60.0 {
		t.Fatalf("body = %s", r.Body)
	}
	if len(r.Cookies) != 0 {
		t.Fatalf("a cookie before the code: %v", r.Cookies)
	}
	id := r.JSON["challengeId"].(string)

	ms := h.otpMessages(id)
	if len(ms) != 1 {
		t.Fatalf("%d otp emails, want 1", len(ms))
	}
	m := ms[0]
	if m.Template != "otp" || m.To != u.Email || m.UserID != u.ID || m.BrandAccountID != u.HomeAccountID ||
		m.Data["name"] != u.Name || m.Data["expiresInSeconds"] != "60" || m.SecretRef != secret.CodeRef(1, id, 1) {
		t.Fatalf("otp email = %+v", m)
	}
	code := h.code(id)
	if len(code) != 6 {
		t.Fatalf("code %q", code)
	}
	for _, item := range h.db.Items() {
		for name, av := range item {
			if s, ok := av.(*types.AttributeValueMemberS); ok && s.Value == code {
				t.Fatalf("the code is stored in %s of %v", name, item[table.AttrPK])
			}
		}
	}
	if u := h.user(u.ID); !u.LastLoginAt.IsZero() {
		t.Fatal("a password alone counted as a sign-in")
	}
}

// TestChallengeAndEmailAreOneTransaction records the table calls of a sign-in: the challenge and its email are
// written by one TransactWriteItems, so neither exists without the other, and so is the end of the login's count.
func TestChallengeAndEmailAreOneTransaction(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	rec := &recordingDB{DB: h.env.Dynamo}
	s := signin.New(rec, h.table, h.keys, clock.NewFake(start))

	out, err := s.SignIn(context.Background(), u.Email, password, session.Client{IP: "203.0.113.9"})
	if err != nil || out.Challenge == nil {
		t.Fatalf("SignIn = %+v, %v", out, err)
	}
	if len(rec.transactions) != 1 {
		t.Fatalf("%d transactions, want 1", len(rec.transactions))
	}
	var keys []string
	for _, it := range rec.transactions[0] {
		switch {
		case it.Put != nil:
			keys = append(keys, it.Put.Item[table.AttrPK].(*types.AttributeValueMemberS).Value)
		case it.Delete != nil: // the right password ends the count of steps at this login from this source
			keys = append(keys, it.Delete.Key[table.AttrPK].(*types.AttributeValueMemberS).Value)
		default:
			t.Fatalf("unexpected item %+v", it)
		}
	}
	if len(keys) != 3 || !strings.HasPrefix(keys[0], "RATE#signin-lock#") || keys[1] != table.ChallengeKey(out.Challenge.ID).PK ||
		!strings.HasPrefix(keys[2], table.OutboxPrefix) {
		t.Fatalf("transaction writes %v, want the count cleared, the challenge and an outbox message", keys)
	}
	if rec.writes != 2 { // the two rate-limit counters; nothing else is written outside the transaction
		t.Fatalf("%d single-item writes, want 2 (rate-limit counters)", rec.writes)
	}
}

// recordingDB passes calls through and keeps the transactions.
type recordingDB struct {
	dynamo.DB
	mu           sync.Mutex
	transactions [][]types.TransactWriteItem
	writes       int
}

func (r *recordingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	r.mu.Lock()
	r.transactions = append(r.transactions, in.TransactItems)
	r.mu.Unlock()
	return r.DB.TransactWriteItems(ctx, in, opts...)
}

func (r *recordingDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	r.mu.Lock()
	r.writes++
	r.mu.Unlock()
	return r.DB.UpdateItem(ctx, in, opts...)
}

func TestSignInWithoutTwoFactorSetsTheCookie(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := active
	s.twoFactor = false
	u := h.seedUser(s).user

	r := h.signIn(u.Email, password)
	platformtest.WantStatus(t, r, http.StatusCreated)
	if r.JSON["status"] != "signed_in" {
		t.Fatalf("body = %s", r.Body)
	}
	if got := r.JSON["user"].(map[string]any); got["id"] != u.ID || got["email"] != u.Email || got["name"] != u.Name {
		t.Fatalf("user = %v", got)
	}
	c := setCookie(t, r)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure {
		t.Fatalf("cookie %q: want HttpOnly, SameSite=Strict, Path=/, no Secure on http", r.Cookies[0])
	}
	if c.MaxAge != int(session.AbsoluteTimeout/time.Second) {
		t.Fatalf("Max-Age = %d", c.MaxAge)
	}
	if len(c.Value) < 43 { // 256 bits, base64url
		t.Fatalf("token %d characters", len(c.Value))
	}

	t.Run("case=session stored by hash only", func(t *testing.T) {
		ss, err := h.store.Session(context.Background(), h.keys.Hash(c.Value))
		if err != nil {
			t.Fatal(err)
		}
		if ss.UserID != u.ID || ss.AccountID != u.HomeAccountID || !ss.IdleExpiresAt.Equal(start.Add(30*time.Minute)) ||
			!ss.AbsoluteExpiresAt.Equal(start.Add(12*time.Hour)) {
			t.Fatalf("session = %+v", ss)
		}
		for _, item := range h.db.Items() {
			if raw, _ := json.Marshal(item); bytes.Contains(raw, []byte(c.Value)) {
				t.Fatalf("the raw token is stored in %v", item[table.AttrPK])
			}
		}
	})
	t.Run("case=login recorded", func(t *testing.T) {
		if got := h.user(u.ID); !got.LastLoginAt.Equal(start) || got.LastLoginError != "" {
			t.Fatalf("lastLoginAt = %v, lastLoginError = %q", got.LastLoginAt, got.LastLoginError)
		}
	})
}

// TestSignInAnswersTheSameWhateverIsWrong: whether the email is unknown, the password wrong, the user not yet
// registered or disabled, or the account disabled, the caller gets the same status and the same bytes.
func TestSignInAnswersTheSameWhateverIsWrong(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	known := h.seedUser(active).user
	invited := h.seedUser(seed{status: user.Invited, noPassword: true, twoFactor: true, account: account.Pending}).user
	disabled := h.seedUser(seed{status: user.Disabled, twoFactor: true, account: account.Active}).user
	inDisabled := h.seedUser(seed{status: user.Active, twoFactor: true, account: account.Disabled}).user

	cases := []struct {
		name, email, password, recorded, userID string
	}{
		{"unknown email", "nobody@example.com", password, "", ""},
		{"wrong password", known.Email, "not the password", user.ErrWrongPassword, known.ID},
		{"email in other case, wrong password", strings.ToUpper(known.Email), "not the password", user.ErrWrongPassword, known.ID},
		{"invited user", invited.Email, password, "", invited.ID},
		{"disabled user, right password", disabled.Email, password, user.ErrDisabled, disabled.ID},
		{"disabled user, wrong password", disabled.Email, "not the password", user.ErrWrongPassword, disabled.ID},
		{"disabled account, right password", inDisabled.Email, password, user.ErrDisabled, inDisabled.ID},
	}
	var first []byte
	for _, tc := range cases {
		t.Run("case="+tc.name, func(t *testing.T) {
			r := h.signIn(tc.email, tc.password)
			wantProblem(t, r, http.StatusUnauthorized, "invalid-credentials")
			delete(r.JSON, "instance")
			body, _ := json.Marshal(r.JSON)
			if first == nil {
				first = body
			} else if !bytes.Equal(body, first) {
				t.Fatalf("body %s differs from %s", body, first)
			}
			if len(r.Cookies) != 0 {
				t.Fatal("a cookie on a failed sign-in")
			}
			if tc.userID != "" {
				if got := h.user(tc.userID).LastLoginError; got != tc.recorded {
					t.Fatalf("lastLoginError = %q, want %q", got, tc.recorded)
				}
			}
		})
	}
	if got := h.user(known.ID); got.Failures != 0 || got.Locked(h.clock.Now()) {
		t.Fatalf("failures = %d, lockedUntil %v: a stranger's wrong passwords spent the owner's budget", got.Failures, got.LockedUntil)
	}
}

func TestSignInRateLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)

	t.Run("case=per source address", func(t *testing.T) {
		ip := "192.0.2.10"
		for i := range signin.SignInPerIP.Limit {
			r := h.do(request{route: "POST /v1/sessions", ip: ip, body: map[string]string{"email": "x" + string(rune('a'+i)) + "@example.com", "password": "whatever"}})
			wantProblem(t, r, http.StatusUnauthorized, "invalid-credentials")
		}
		r := h.do(request{route: "POST /v1/sessions", ip: ip, body: map[string]string{"email": "late@example.com", "password": "whatever"}})
		wantProblem(t, r, http.StatusTooManyRequests, "rate-limited")
		if r.Headers["Retry-After"] != "60" || r.JSON["retryAfterSeconds"] != 60.0 {
			t.Fatalf("Retry-After = %q, body %s", r.Headers["Retry-After"], r.Body)
		}
		h.clock.Advance(time.Minute)
		r = h.do(request{route: "POST /v1/sessions", ip: ip, body: map[string]string{"email": "later@example.com", "password": "whatever"}})
		wantProblem(t, r, http.StatusUnauthorized, "invalid-credentials")
	})
}

func TestSignInValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(request{route: "POST /v1/sessions", body: `{"email":"","password":"","extra":1}`})
	wantProblem(t, r, http.StatusBadRequest, "validation")
	fields := map[string]bool{}
	for _, e := range r.JSON["errors"].([]any) {
		fields[e.(map[string]any)["field"].(string)] = true
	}
	if !fields["email"] || !fields["password"] || !fields["extra"] {
		t.Fatalf("errors = %v", r.JSON["errors"])
	}
}
