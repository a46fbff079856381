package e2e_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// The tests arrange the people they need through the store, as the activation and sign-in transactions leave
// them, and keep the browser for what they check. Argon2id is deliberately slow, so the one password hash and
// the one security answer hash are made once per test binary and shared by every user registered this way:
// they verify as fresh hashes would, so these users sign in with goodPassword and answer securityAnswer in the
// browser like anyone else. The activation and sign-in requests themselves are driven through the browser by
// TestFirstAdministratorActivatesAndSignsIn and the tests that sign in through the sign-in page.

// securityAnswer is the answer to the security question of every user registered by register.
const securityAnswer = "Blue Lagoon"

var (
	passwordHash = sync.OnceValue(func() string { return passhash.Hash(goodPassword) })
	answerHash   = sync.OnceValue(func() string { return passhash.HashAnswer(securityAnswer) })
)

// register makes an invited user active, as the activation page would with goodPassword, the first suggested
// security question and securityAnswer: the user, the membership's copy of their status and, for an account's
// first contact, the pending account, in one transaction of the product's own writes. It waits for the
// activation email first, as the person would, so that the mailbox counts of later steps start after it.
func (s *stack) register(t *testing.T, email string) {
	t.Helper()
	s.waitMail(t, email, 0)
	store := s.store()
	u, err := store.UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	acc, err := store.Account(t.Context(), u.HomeAccountID)
	if err != nil {
		t.Fatalf("register %s: account %s: %v", email, u.HomeAccountID, err)
	}
	activate, err := dynamo.ActivateUser(s.table, dynamo.UserActivation{
		UserID: u.ID, TokenID: u.ActivationTokenID, At: s.app.Clock.Now(),
		PasswordHash: passwordHash(), SecurityQuestion: onboarding.SecurityQuestions[0], SecurityAnswerHash: answerHash(),
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := store.Membership(t.Context(), u.ID, acc.ID)
	if err != nil {
		t.Fatalf("register %s: membership: %v", email, err)
	}
	copies, err := dynamo.MemberStatus(s.table, m, user.Active)
	if err != nil {
		t.Fatal(err)
	}
	items := append([]types.TransactWriteItem{activate}, copies...)
	if acc.Status == account.Pending {
		items = append(items, dynamo.ActivateAccount(s.table, acc.ID))
	}
	if _, err := s.env.Dynamo.TransactWriteItems(t.Context(), &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
}

// signIn gives a registered user a session in their home account, written by the sign-in's own transaction as
// the code step would write it, and returns an API client that holds it.
func (s *stack) signIn(t *testing.T, email string) *api {
	t.Helper()
	u, err := s.store().UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	token := platformtest.TableOf(t, s.env, s.table).Session(s.app.Keys, u.ID, u.HomeAccountID, s.app.Clock.Now())
	c := s.client(t)
	origin, _ := url.Parse(s.URL)
	c.http.Jar.SetCookies(origin, []*http.Cookie{{Name: httpapi.SessionCookie, Value: token, Path: "/", HttpOnly: true}})
	return c
}

// adminSession bootstraps the provider with a super administrator, registers them and signs them in, and
// returns the administrator's address and API client.
func (s *stack) adminSession(t *testing.T, accountName string) (string, *api) {
	t.Helper()
	email := testenv.UniqueEmail(t, "admin")
	s.bootstrap(t, accountName, "Ada Lovelace", email)
	s.register(t, email)
	return email, s.signIn(t, email)
}

// store is the product's store on the stack's table.
func (s *stack) store() dynamo.Store { return dynamo.Store{DB: s.env.Dynamo, Table: s.table} }
