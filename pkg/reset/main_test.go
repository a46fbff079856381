package reset_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// The seeded users' password and security answer; their Argon2id hashes are made once.
const (
	password = "correct horse battery staple"
	answer   = "Rex the Dog"
	question = "What was the name of your first pet?"
	// newPassword meets the rules with two-factor sign-in on or off (15+ characters).
	newPassword = "violet umbrella orbits quietly"
)

var (
	passwordHash = sync.OnceValue(func() string { return passhash.Hash(password) })
	answerHash   = sync.OnceValue(func() string { return passhash.HashAnswer(answer) })
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// harness is one test's table, fake clock and the real handlers of the activation and otp functions.
type harness struct {
	t      testing.TB
	env    *testenv.Env
	table  string
	clock  *clock.Fake
	app    *all.App
	keys   *secret.Keyring
	store  dynamo.Store
	db     platformtest.Table
	mailer *mailer.Mailer
	h      map[string]httpapi.Handler
	ips    atomic.Int64
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	env := testenv.Get(t)
	name := env.NewTable(t)
	fake := clock.NewFake(start)
	a, err := all.New(context.Background(), env.Config(name), app.WithClock(fake))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.NewKeyring(env.Key)
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := a.OutboxMailer()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, env: env, table: name, clock: fake, app: a, keys: keys, mailer: mailer,
		store: dynamo.Store{DB: env.Dynamo, Table: name}, db: platformtest.TableOf(t, env, name), h: map[string]httpapi.Handler{}}
	for _, fn := range []string{route.Activation, route.OTP} {
		if h.h[fn], err = a.HTTP(fn); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// seed changes what seedUser writes.
type seed struct {
	status    user.Status
	twoFactor bool
}

var active = seed{status: user.Active, twoFactor: true}

// seedUser writes an account, a user with a password and a security question, the email guard and the
// membership, as activation would leave them.
func (h *harness) seedUser(s seed) user.User {
	h.t.Helper()
	accountID, userID := secret.NewID(), secret.NewID()
	acct := account.Account{ID: accountID, Kind: account.Partner, ParentID: "root", Ancestors: []string{"root"},
		Company: account.Company{Name: "Acme " + accountID}, Status: account.Active, CreatedAt: start}
	u := user.User{
		ID: userID, Email: testenv.UniqueEmail(h.t, "user"), Name: "Ada Lovelace", Status: s.status,
		HomeAccountID: accountID, TwoFactor: user.TwoFactor{Enabled: s.twoFactor, Method: user.MethodEmail},
		LicenseVersion: license.Current().Version, CreatedAt: start, Version: 1,
	}
	if s.status != user.Invited {
		u.PasswordHash, u.SecurityQuestion, u.SecurityAnswerHash = passwordHash(), question, answerHash()
	}
	m := user.Membership{UserID: userID, AccountID: accountID, Roles: []role.Name{role.ReadOnly}, AccountName: acct.Company.Name,
		AccountKind: string(acct.Kind), UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, CreatedAt: start}
	h.db.Seed(acct, u, m)
	return u
}

// session signs u in as the code step would and returns the cookie value.
func (h *harness) session(u user.User) string {
	h.t.Helper()
	return h.db.Session(h.keys, u.ID, u.HomeAccountID, h.clock.Now())
}

type request struct {
	route  string
	params map[string]string
	body   any
	cookie string
	ip     string
}

func (h *harness) do(r request) platformtest.Reply {
	h.t.Helper()
	resp, err := h.try(r)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

func (h *harness) try(r request) (platformtest.Reply, error) {
	rt, ok := route.ByKey(r.route)
	if !ok {
		return platformtest.Reply{}, fmt.Errorf("no route %s", r.route)
	}
	if r.ip == "" {
		n := h.ips.Add(1)
		r.ip = fmt.Sprintf("198.51.%d.%d", n/250, n%250+1)
	}
	ev, err := platformtest.Event(platformtest.Request{Route: r.route, Params: r.params, Body: r.body, Cookie: r.cookie, IP: r.ip})
	if err != nil {
		return platformtest.Reply{}, err
	}
	return platformtest.Invoke(h.h[rt.Function], ev)
}

// requestReset asks for a reset link for email.
func (h *harness) requestReset(email string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/password-resets", body: map[string]string{"email": email}})
}

// getLink and reset call the link's two routes.
func (h *harness) getLink(token string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "GET /v1/password-resets/{token}", params: map[string]string{"token": token}})
}

func (h *harness) reset(token, answer, password string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/password-resets/{token}", params: map[string]string{"token": token},
		body: map[string]string{"securityAnswer": answer, "password": password}})
}

// resetMessages lists the queued password-reset emails to an address.
func (h *harness) resetMessages(to string) []outbox.Message {
	h.t.Helper()
	var out []outbox.Message
	for _, m := range h.db.Messages() {
		if m.Template == "password-reset" && m.To == to {
			out = append(out, m)
		}
	}
	return out
}

var resetLink = regexp.MustCompile(`http://localhost:3000/reset#([A-Za-z0-9_.-]+)`)

// linkToken sends the pending emails and returns the token of the latest reset link emailed to to.
func (h *harness) linkToken(to string) string {
	h.t.Helper()
	h.deliver()
	mails := h.env.Emails(h.t, to)
	for i := len(mails) - 1; i >= 0; i-- {
		if m := resetLink.FindStringSubmatch(mails[i].Text); m != nil {
			return m[1]
		}
	}
	h.t.Fatalf("no reset link emailed to %s", to)
	return ""
}

// deliver runs the mailer on every pending outbox message.
func (h *harness) deliver() {
	h.t.Helper()
	for _, m := range h.db.Messages() {
		if m.Status == outbox.StatusPending {
			if out := h.mailer.Deliver(context.Background(), table.OutboxKey(m.ID)); out != mailer.Sent {
				h.t.Fatalf("deliver %s: %v", m.Template, out)
			}
		}
	}
}

// token reads a token item.
func (h *harness) token(id string) (token.Token, map[string]types.AttributeValue) {
	h.t.Helper()
	out, err := h.env.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(h.table), Key: table.TokenKey(id).AV(), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		h.t.Fatalf("token %s: %v", id, err)
	}
	var t token.Token
	if _, err := dynamo.Get(context.Background(), h.env.Dynamo, h.table, table.TokenKey(id), &t); err != nil {
		h.t.Fatal(err)
	}
	return t, out.Item
}

// audits counts the audit events of an action about a user.
func (h *harness) audits(userID, action string) int {
	h.t.Helper()
	return len(slices.DeleteFunc(h.db.AuditAbout(userID), func(a string) bool { return a != action }))
}

func (h *harness) user(id string) user.User {
	h.t.Helper()
	return h.db.User(id)
}

// tokenID is the id inside a link token ("<id>.<mac>").
func tokenID(token string) string {
	id, _, _ := strings.Cut(token, ".")
	return id
}
