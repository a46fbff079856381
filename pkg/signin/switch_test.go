package signin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// otherAccount writes another account, below parent if it is not empty, and makes u a member of it with roles.
func (h *harness) otherAccount(u user.User, name string, status account.Status, parent *account.Account, roles ...role.Name) account.Account {
	h.t.Helper()
	// Below the (unread) root, as seedUser's accounts are, or below parent.
	acct := account.Account{ID: secret.NewID(), Kind: account.Customer, Company: account.Company{Name: name}, Status: status, CreatedAt: start,
		ParentID: "root", Ancestors: []string{"root"}}
	if parent != nil {
		acct.ParentID, acct.Ancestors = parent.ID, parent.Path()
	}
	m := user.Membership{UserID: u.ID, AccountID: acct.ID, Roles: roles, AccountName: name, AccountKind: string(acct.Kind),
		UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, CreatedAt: start}
	accItem, err := dynamo.AccountItem(acct)
	if err != nil {
		h.t.Fatal(err)
	}
	memItem, err := dynamo.MembershipItem(m)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, item := range []map[string]types.AttributeValue{accItem, memItem} {
		if _, err := h.env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(h.table), Item: item}); err != nil {
			h.t.Fatal(err)
		}
	}
	return acct
}

// sessionIn signs u in straight into an account (the sign-in transaction without the password step).
func (h *harness) sessionIn(u user.User, accountID string) string {
	h.t.Helper()
	token := secret.NewSessionToken()
	now := h.clock.Now()
	if err := h.store.SignIn(context.Background(), dynamo.SignIn{Session: session.New(h.keys.Hash(token), u.ID, accountID, now), At: now}); err != nil {
		h.t.Fatal(err)
	}
	return token
}

func (h *harness) switchTo(token, accountID string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions/current/account", cookie: token, body: map[string]string{"accountId": accountID}})
}

// current is the account GET /v1/me says the session acts in, and the permissions it lists.
func current(t *testing.T, r platformtest.Reply) (string, []any) {
	t.Helper()
	platformtest.WantStatus(t, r, http.StatusOK)
	acct, _ := r.JSON["currentAccount"].(map[string]any)
	perms, _ := r.JSON["permissions"].([]any)
	id, _ := acct["id"].(string)
	return id, perms
}

func TestSwitchAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := h.seedUser(active) // an administrator of their home account
	home := s.account
	second := h.otherAccount(s.user, "Second Co", account.Active, nil, role.ReadOnly)
	disabled := h.otherAccount(s.user, "Closed Co", account.Disabled, nil, role.ReadOnly)
	below := h.otherAccount(s.user, "Below Closed Co", account.Active, &disabled, role.ReadOnly)
	stranger := h.seedUser(active).account
	token := h.sessionIn(s.user, home.ID)

	r := h.switchTo(token, second.ID)
	if id, _ := current(t, r); id != second.ID {
		t.Fatalf("the answer acts in %s, want %s", id, second.ID)
	}
	id, perms := current(t, h.me(token))
	if id != second.ID || len(perms) != len(role.Permissions([]role.Name{role.ReadOnly})) {
		t.Fatalf("GET /v1/me acts in %s with %v", id, perms)
	}
	if item := h.sessionItem(token); item["accountId"] != second.ID {
		t.Fatalf("the session item acts in %v", item["accountId"])
	}

	cases := []struct {
		name      string
		accountID string
		status    int
		slug      string
	}{
		{"case=not a member", stranger.ID, http.StatusNotFound, "not-member"},
		{"case=no such account", "nope", http.StatusNotFound, "not-member"},
		{"case=disabled account", disabled.ID, http.StatusConflict, "account-disabled"},
		{"case=account below a disabled one", below.ID, http.StatusConflict, "account-disabled"},
		{"case=no account", "", http.StatusBadRequest, "validation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, h.switchTo(token, c.accountID), c.status, c.slug)
			if id, _ := current(t, h.me(token)); id != second.ID {
				t.Fatalf("a refused switch moved the session to %s", id)
			}
		})
	}
	t.Run("case=back home", func(t *testing.T) {
		h.switchTo(token, home.ID)
		if id, _ := current(t, h.me(token)); id != home.ID {
			t.Fatalf("acts in %s", id)
		}
	})
	t.Run("case=signed out", func(t *testing.T) {
		wantProblem(t, h.switchTo("", second.ID), http.StatusUnauthorized, "unauthorized")
	})
	t.Run("case=removed from the account it acts in", func(t *testing.T) {
		h.switchTo(token, second.ID)
		if _, err := h.env.Dynamo.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{
			TableName: aws.String(h.table), Key: table.MembershipKey(s.user.ID, second.ID).AV(),
		}); err != nil {
			t.Fatal(err)
		}
		// Not the person's own account: that access ends, the session goes back home and lives on.
		wantProblem(t, h.me(token), http.StatusForbidden, "access-ended")
		if id, _ := current(t, h.me(token)); id != home.ID {
			t.Fatalf("after losing the account the session acts in %s, want home %s", id, home.ID)
		}
	})
	t.Run("case=removed from the account it acts in and from home", func(t *testing.T) {
		third := h.otherAccount(s.user, "Third Co", account.Active, nil, role.ReadOnly)
		h.switchTo(token, third.ID)
		for _, acct := range []string{third.ID, home.ID} {
			if _, err := h.env.Dynamo.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{
				TableName: aws.String(h.table), Key: table.MembershipKey(s.user.ID, acct).AV(),
			}); err != nil {
				t.Fatal(err)
			}
		}
		// Nothing to fall back to: the session has ended.
		wantProblem(t, h.me(token), http.StatusUnauthorized, "unauthorized")
		if item := h.sessionItem(token); item["accountId"] != third.ID {
			t.Fatalf("the session moved to %q with no home to go to", item["accountId"])
		}
	})
}

// sessionItem reads a session's item as plain strings.
func (h *harness) sessionItem(token string) map[string]string {
	h.t.Helper()
	out, err := h.env.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(h.table), Key: table.SessionKey(h.keys.Hash(token)).AV(), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	plain := map[string]string{}
	for k, v := range out.Item {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			plain[k] = s.Value
		}
	}
	return plain
}
