package signin_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/signin"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestMe(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	seeded := h.seedUser(active)
	u := seeded.user
	token := h.signedIn(u)

	r := h.me(token)
	platformtest.WantStatus(t, r, http.StatusOK)
	got := r.JSON
	me := got["user"].(map[string]any)
	if me["id"] != u.ID || me["email"] != u.Email || me["name"] != u.Name || me["status"] != "active" ||
		me["lastLoginAt"] != start.Format(time.RFC3339) {
		t.Fatalf("user = %v", me)
	}
	if tf := me["twoFactor"].(map[string]any); tf["enabled"] != true || tf["method"] != "email" {
		t.Fatalf("twoFactor = %v", tf)
	}
	ms := got["memberships"].([]any)
	if len(ms) != 1 {
		t.Fatalf("memberships = %v", ms)
	}
	if m := ms[0].(map[string]any); m["accountId"] != seeded.account.ID || m["accountName"] != seeded.account.Company.Name ||
		m["accountKind"] != "partner" || len(m["roles"].([]any)) != 1 {
		t.Fatalf("membership = %v", m)
	}
	if a := got["currentAccount"].(map[string]any); a["id"] != seeded.account.ID || a["name"] != seeded.account.Company.Name ||
		a["kind"] != "partner" || a["status"] != "active" {
		t.Fatalf("currentAccount = %v", a)
	}
	perms := got["permissions"].([]any)
	if len(perms) != len(role.Permissions([]role.Name{role.AccountAdmin})) {
		t.Fatalf("permissions = %v", perms)
	}
	if b := got["branding"].(map[string]any); b["name"] != "PartnerHub" || b["color"] != "#1f5fbf" || b["logoUrl"] != nil || b["supportEmail"] != nil {
		t.Fatalf("branding = %v", b)
	}
	if steps, ok := got["pendingSteps"].([]any); !ok || len(steps) != 0 {
		t.Fatalf("pendingSteps = %v", got["pendingSteps"])
	}

	t.Run("case=no cookie", func(t *testing.T) {
		wantProblem(t, h.me(""), http.StatusUnauthorized, "unauthorized")
	})
	t.Run("case=made-up token", func(t *testing.T) {
		r := h.me("bm90IGEgcmVhbCB0b2tlbiBhdCBhbGwsIGp1c3QgYSBndWVzcw")
		wantProblem(t, r, http.StatusUnauthorized, "unauthorized")
		if c := setCookie(t, r); c.MaxAge >= 0 || c.Value != "" {
			t.Fatalf("the cookie was not cleared: %v", r.Cookies)
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	token := h.signedIn(h.seedUser(active).user)
	h.clock.Advance(29 * time.Minute)
	platformtest.WantStatus(t, h.me(token), http.StatusOK)
	h.clock.Advance(31 * time.Minute)
	r := h.me(token)
	wantProblem(t, r, http.StatusUnauthorized, "unauthorized")
	if c := setCookie(t, r); c.MaxAge >= 0 {
		t.Fatal("the cookie was not cleared")
	}
}

// TestAbsoluteTimeout keeps a session busy, one request every twenty minutes: it ends twelve hours after sign-in.
func TestAbsoluteTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	token := h.signedIn(h.seedUser(active).user)
	signedInAt := h.clock.Now()
	for h.clock.Now().Add(20 * time.Minute).Before(signedInAt.Add(12 * time.Hour)) {
		h.clock.Advance(20 * time.Minute)
		platformtest.WantStatus(t, h.me(token), http.StatusOK)
	}
	h.clock.Set(signedInAt.Add(12 * time.Hour))
	wantProblem(t, h.me(token), http.StatusUnauthorized, "unauthorized")
}

// TestIdleExpirySlidesAtMostOncePerMinute: requests within a minute of the last write do not write again.
func TestIdleExpirySlidesAtMostOncePerMinute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	token := h.signedIn(h.seedUser(active).user)
	hash := h.keys.Hash(token)
	before, _ := h.store.Session(context.Background(), hash)

	h.clock.Advance(59 * time.Second)
	platformtest.WantStatus(t, h.me(token), http.StatusOK)
	if got, _ := h.store.Session(context.Background(), hash); !got.LastSeenAt.Equal(before.LastSeenAt) {
		t.Fatalf("a request within the minute wrote lastSeenAt %v", got.LastSeenAt)
	}
	h.clock.Advance(2 * time.Second)
	platformtest.WantStatus(t, h.me(token), http.StatusOK)
	got, _ := h.store.Session(context.Background(), hash)
	if !got.LastSeenAt.Equal(h.clock.Now()) || !got.IdleExpiresAt.Equal(h.clock.Now().Add(30*time.Minute)) {
		t.Fatalf("after a minute: %+v", got)
	}
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	token := h.signedIn(h.seedUser(active).user)

	r := h.do(request{route: "DELETE /v1/sessions/current", cookie: token, header: map[string]string{"origin": "http://localhost:3000"}})
	platformtest.WantStatus(t, r, http.StatusNoContent)
	if c := setCookie(t, r); c.MaxAge >= 0 || c.Value != "" || !c.HttpOnly {
		t.Fatalf("the cookie was not cleared: %v", r.Cookies)
	}
	if _, err := h.store.Session(context.Background(), h.keys.Hash(token)); !isNotFound(err) {
		t.Fatalf("the session item is still there: %v", err)
	}
	wantProblem(t, h.me(token), http.StatusUnauthorized, "unauthorized")
}

// TestAccessEndsOnTheNextRequest: removing the membership, disabling the account or the user ends a session at
// its next request, without touching the session item.
func TestAccessEndsOnTheNextRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		revoke func(s seeded)
	}{
		{"membership deleted", func(s seeded) {
			_, err := h.env.Dynamo.DeleteItem(ctx, &dynamodb.DeleteItemInput{
				TableName: aws.String(h.table), Key: table.MembershipKey(s.user.ID, s.account.ID).AV(),
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"account disabled", func(s seeded) { h.setStatus(table.AccountKey(s.account.ID), string(account.Disabled)) }},
		{"user disabled", func(s seeded) { h.setStatus(table.UserKey(s.user.ID), string(user.Disabled)) }},
		// A password reset deletes the user's sessions; a session it missed (created while the reset ran) is
		// still over, because it started before the password changed.
		{"password changed after the session started", func(s seeded) {
			h.clock.Advance(time.Second)
			at, err := attributevalue.Marshal(h.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.env.Dynamo.UpdateItem(ctx, &dynamodb.UpdateItemInput{
				TableName:                 aws.String(h.table),
				Key:                       table.UserKey(s.user.ID).AV(),
				UpdateExpression:          aws.String("SET passwordChangedAt = :at"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":at": at},
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run("case="+tc.name, func(t *testing.T) {
			s := h.seedUser(active)
			token := h.signedIn(s.user)
			platformtest.WantStatus(t, h.me(token), http.StatusOK)
			tc.revoke(s)
			wantProblem(t, h.me(token), http.StatusUnauthorized, "unauthorized")
		})
	}
}

func (h *harness) setStatus(key table.Key, status string) {
	h.t.Helper()
	_, err := h.env.Dynamo.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName:                 aws.String(h.table),
		Key:                       key.AV(),
		UpdateExpression:          aws.String("SET #s = :s"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": dynamo.S(status)},
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestEndAllSessions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	other := h.seedUser(active).user
	var tokens []string
	for range 3 {
		tokens = append(tokens, h.signedIn(u))
		h.clock.Advance(otp.ResendInterval)
	}
	keep := h.signedIn(other)

	s := signin.New(h.env.Dynamo, h.table, h.keys, h.clock)
	n, err := s.EndAllSessions(context.Background(), u.ID)
	if err != nil || n != 3 {
		t.Fatalf("EndAllSessions = %d, %v; want 3", n, err)
	}
	for _, tok := range tokens {
		wantProblem(t, h.me(tok), http.StatusUnauthorized, "unauthorized")
	}
	platformtest.WantStatus(t, h.me(keep), http.StatusOK)
}

func isNotFound(err error) bool { return errors.Is(err, fault.ErrNotFound) }
