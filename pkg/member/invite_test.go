package member_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// invite is POST /v1/accounts/{id}/users.
func (h *harness) invite(token, accountID string, body any) platformtest.Reply {
	h.t.Helper()
	return h.do(h.users, call{route: member.RouteInvite, params: map[string]string{"id": accountID}, token: token, body: body})
}

// message reads an outbox message.
func (h *harness) message(id string) outbox.Message {
	h.t.Helper()
	var m outbox.Message
	found, err := dynamo.Get(context.Background(), h.env.Dynamo, h.table, table.OutboxKey(id), &m)
	if err != nil || !found {
		h.t.Fatalf("outbox message %s: found=%v %v", id, found, err)
	}
	return m
}

// token reads a link token.
func (h *harness) token(id string) token.Token {
	h.t.Helper()
	var tok token.Token
	item := h.Item(table.TokenKey(id))
	if item == nil {
		h.t.Fatalf("no token %s", id)
	}
	if err := attributevalue.UnmarshalMap(item, &tok); err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// invitation reads the pending invitation of a user into an account.
func (h *harness) invitation(userID, accountID string) dynamo.Invitation {
	h.t.Helper()
	inv, found, err := h.store.Invitation(context.Background(), userID, accountID)
	if err != nil || !found {
		h.t.Fatalf("invitation of %s into %s: found=%v %v", userID, accountID, found, err)
	}
	return inv
}

// link is the link token an outbox message carries, derived as the mailer derives it.
func (h *harness) link(m outbox.Message) string {
	h.t.Helper()
	tok, err := h.keys.Derive(context.Background(), m.SecretRef)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// render renders an outbox message as the mailer would.
func (h *harness) render(m outbox.Message) mailer.Content {
	h.t.Helper()
	tmpl, err := mailer.Templates()
	if err != nil {
		h.t.Fatal(err)
	}
	c, err := tmpl.Render(m.Template, mailer.NewView(m, outbox.Brand{Name: "PartnerHub", Color: "#1f5fbf"}, "http://localhost:3000", h.link(m)))
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// mspWithAdmin is an MSP below the provider with an administrator signed in.
type mspWithAdmin struct {
	*harness
	msp   account.Account
	admin user.User
	tok   string
}

func newMSP(t *testing.T) *mspWithAdmin {
	t.Helper()
	h := newHarness(t)
	m := &mspWithAdmin{harness: h}
	m.msp = h.account(account.MSP, &h.provider, "Acme MSP")
	m.admin = h.add(m.msp, who{name: "Ada Lovelace", email: "ada@example.com", status: user.Active, roles: []role.Name{role.AccountAdmin}})
	m.tok = h.session(m.admin, m.msp)
	return m
}

func TestInviteNewEmail(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	r := m.invite(m.tok, m.msp.ID, map[string]any{
		"name": "  Nina New ", "email": "Nina.New@example.com", "phone": "+1 206 555 0100", "roles": []string{"read-only", "msp-accounts"},
	})
	platformtest.WantStatus(t, r, 201)
	if r.Str("invitation") != member.ByActivation || r.Str("status") != "unregistered" || r.Str("expiresAt") != "2026-03-05T09:00:00Z" {
		t.Fatalf("answer %s", r.Body)
	}
	u := m.User(r.Str("userId"))
	if u.Status != user.Invited || u.Name != "Nina New" || u.Email != "Nina.New@example.com" || u.Phone != "+1 206 555 0100" ||
		u.HomeAccountID != m.msp.ID || !u.TwoFactor.Enabled || u.ActivationTokenID == "" {
		t.Fatalf("user %+v", u)
	}
	if got, err := m.store.UserByEmail(context.Background(), "nina.new@EXAMPLE.com"); err != nil || got.ID != u.ID {
		t.Fatalf("email guard: %v %v", got.ID, err)
	}
	ms, found := m.membership(u.ID, m.msp.ID)
	if !found || !slices.Equal(ms.Roles, []role.Name{role.MSPAccounts, role.ReadOnly}) || ms.UserStatus != user.Invited {
		t.Fatalf("membership %+v", ms)
	}
	tok := m.token(u.ActivationTokenID)
	if tok.Purpose != secret.PurposeActivation || tok.Status != token.Pending || !tok.ExpiresAt.Equal(start.Add(72*time.Hour)) {
		t.Fatalf("token %+v", tok)
	}
	if m.Item(table.TokenKey(tok.ID))[table.AttrXPK] == nil {
		t.Fatal("the activation token is not on the expiry index")
	}
	msg := m.message(u.ActivationMessageID)
	if msg.Template != "activation" || msg.To != u.Email || msg.Data["accountName"] != "Acme MSP" ||
		msg.Data["roles"] != "Accounts, Read-only" || msg.Data["inviter"] != "Ada Lovelace (Acme MSP)" {
		t.Fatalf("message %+v", msg)
	}
	if got := m.audits(m.msp.ID); !slices.Contains(got, "user.invited") {
		t.Fatalf("audit %v", got)
	}
	list := m.do(m.users, call{route: member.RouteList, params: map[string]string{"id": m.msp.ID}, token: m.tok, query: url.Values{"status": {"unregistered"}}})
	if got := ids(list); !slices.Equal(got, []string{u.ID}) {
		t.Fatalf("unregistered users %v", list.Body)
	}

	t.Run("case=activation makes the row registered", func(t *testing.T) {
		r := m.do(m.activation, call{route: "POST /v1/activations/{token}", params: map[string]string{"token": m.link(msg)},
			body: map[string]string{"password": "a long enough passphrase", "securityQuestion": "First pet's name?", "securityAnswer": "Rex"}})
		platformtest.WantStatus(t, r, 200)
		if ms, _ := m.membership(u.ID, m.msp.ID); ms.UserStatus != user.Active {
			t.Fatalf("membership status %q after activation", ms.UserStatus)
		}
		list := m.do(m.users, call{route: member.RouteList, params: map[string]string{"id": m.msp.ID}, token: m.tok, query: url.Values{"status": {"registered"}}})
		if got := ids(list); !slices.Contains(got, u.ID) {
			t.Fatalf("registered users %v", list.Body)
		}
	})
}

func TestInviteExistingLogin(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	other := m.account(account.MSP, &m.provider, "Other MSP")
	olga := m.add(other, who{name: "Olga Other", email: "olga@example.com", status: user.Active, roles: []role.Name{role.AccountAdmin}})
	usersBefore := len(m.ItemsOf(table.TypeUser))

	r := m.invite(m.tok, m.msp.ID, map[string]any{"name": "Olga O.", "email": "OLGA@example.com", "roles": []string{"read-only"}})
	platformtest.WantStatus(t, r, 201)
	if r.Str("invitation") != member.ByMembership || r.Str("userId") != olga.ID || r.Str("expiresAt") != "2026-03-05T09:00:00Z" {
		t.Fatalf("answer %s", r.Body)
	}
	if n := len(m.ItemsOf(table.TypeUser)); n != usersBefore {
		t.Fatalf("%d users, was %d: a second login was made", n, usersBefore)
	}
	if got := m.User(olga.ID); got.Name != "Olga Other" || got.Version != olga.Version {
		t.Fatalf("the invitation changed the login: %+v", got)
	}
	if _, found := m.membership(olga.ID, m.msp.ID); found {
		t.Fatal("a membership exists before it was accepted")
	}
	inv := m.invitation(olga.ID, m.msp.ID)
	if !slices.Equal(inv.Roles, []role.Name{role.ReadOnly}) || inv.InvitedBy != m.admin.ID || !inv.SentAt.Equal(start) {
		t.Fatalf("invitation %+v", inv)
	}
	tok := m.token(inv.TokenID)
	if tok.Purpose != secret.PurposeMembership || tok.UserID != olga.ID || tok.AccountID != m.msp.ID ||
		tok.Status != token.Pending || !tok.ExpiresAt.Equal(start.Add(member.InvitationTTL)) {
		t.Fatalf("token %+v", tok)
	}
	if item := m.Item(table.TokenKey(tok.ID)); item[table.AttrXPK] == nil || platformtest.Str(item[table.AttrType]) != table.TypeToken {
		t.Fatal("the invitation token is not a token on the expiry index")
	}
	msg := m.message(inv.MessageID)
	if msg.Template != "membership" || msg.To != olga.Email || msg.UserID != olga.ID || msg.AccountID != m.msp.ID ||
		msg.SecretRef != secret.LinkRef(secret.PurposeMembership, tok.ID) {
		t.Fatalf("message %+v", msg)
	}
	for k, v := range map[string]string{"name": "Olga Other", "accountName": "Acme MSP", "roles": "Read-only",
		"inviter": "Ada Lovelace (Acme MSP)", "expiresAt": "2026-03-05T09:00:00Z"} {
		if msg.Data[k] != v {
			t.Errorf("data[%s] = %q, want %q", k, msg.Data[k], v)
		}
	}
	link := m.link(msg)
	if mail := m.render(msg); !strings.Contains(mail.Text, "http://localhost:3000/accept#"+link) || !strings.Contains(mail.Text, "Acme MSP") {
		t.Fatalf("email:\n%s", mail.Text)
	}
	if got := m.audits(m.msp.ID); !slices.Contains(got, "membership.invited") {
		t.Fatalf("audit %v", got)
	}

	t.Run("case=again at once is rate limited", func(t *testing.T) {
		before := m.Snapshot()
		r := m.invite(m.tok, m.msp.ID, map[string]any{"name": "Olga", "email": olga.Email, "roles": []string{"read-only"}})
		platformtest.WantProblem(t, r, 429, "rate-limited")
		m.Unchanged(before, "a rate-limited invitation")
	})
	t.Run("case=again later replaces the link", func(t *testing.T) {
		m.clock.Advance(invitation.ResendInterval + time.Second)
		r := m.invite(m.tok, m.msp.ID, map[string]any{"name": "Olga", "email": olga.Email, "roles": []string{"read-only", "msp-accounts"}})
		platformtest.WantStatus(t, r, 201)
		next := m.invitation(olga.ID, m.msp.ID)
		if next.TokenID == tok.ID || !slices.Equal(next.Roles, []role.Name{role.MSPAccounts, role.ReadOnly}) {
			t.Fatalf("invitation %+v", next)
		}
		if old := m.token(tok.ID); old.Status != token.Replaced || m.Item(table.TokenKey(tok.ID))[table.AttrXPK] != nil {
			t.Fatalf("old token %+v", old)
		}
		platformtest.WantProblem(t, m.do(m.users, call{route: member.RouteInvitation, params: map[string]string{"token": link}}), 410, "link-replaced")
		platformtest.WantStatus(t, m.do(m.users, call{route: member.RouteInvitation, params: map[string]string{"token": m.link(m.message(next.MessageID))}}), 200)
	})
	t.Run("case=already a member", func(t *testing.T) {
		otherAdmin := m.session(olga, other)
		before := m.Snapshot()
		r := m.invite(otherAdmin, other.ID, map[string]any{"name": "Ada", "email": olga.Email, "roles": []string{"read-only"}})
		platformtest.WantProblem(t, r, 409, "already-member")
		m.Unchanged(before, "inviting a member")
	})
	t.Run("case=an unregistered login gets an invitation too", func(t *testing.T) {
		ivan := m.add(other, who{name: "Ivan Invited", status: user.Invited, roles: []role.Name{role.ReadOnly}})
		r := m.invite(m.tok, m.msp.ID, map[string]any{"name": "Ivan", "email": ivan.Email, "roles": []string{"read-only"}})
		platformtest.WantStatus(t, r, 201)
		if r.Str("invitation") != member.ByMembership || r.Str("userId") != ivan.ID {
			t.Fatalf("answer %s", r.Body)
		}
	})
}

// TestInviteRefusesBadFields: one answer names every bad field, and nothing is written.
func TestInviteRefusesBadFields(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	cases := []struct {
		name string
		body any
		want []string
	}{
		{"case=every field bad", map[string]any{"name": "", "email": "not-an-email", "phone": "call me", "mobile": "12",
			"roles": []string{"root", "super-admin", "read-only", "read-only"}, "manager": "me"},
			[]string{"email:invalid_email", "manager:unknown_field", "mobile:invalid", "name:required", "phone:invalid",
				"roles[0]:unknown_role", "roles[1]:not_allowed", "roles[3]:duplicate"}},
		{"case=nothing", map[string]any{}, []string{"email:required", "name:required", "roles:required"}},
		{"case=wrong types", map[string]any{"name": 7, "email": "x@example.com", "roles": "read-only"},
			[]string{"name:wrong_type", "roles:wrong_type"}},
		{"case=a role of the wrong type among good ones", map[string]any{"name": "N", "email": "n@example.com", "roles": []any{"read-only", 3}},
			[]string{"roles[1]:wrong_type"}},
		{"case=name too long", map[string]any{"name": strings.Repeat("n", 101), "email": "n@example.com", "roles": []string{"read-only"}},
			[]string{"name:too_long"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := m.Snapshot()
			r := m.invite(m.tok, m.msp.ID, c.body)
			platformtest.WantProblem(t, r, 400, "validation")
			if got := r.Fields(); !slices.Equal(got, c.want) {
				t.Fatalf("fields %v\nwant   %v", got, c.want)
			}
			m.Unchanged(before, "a bad invitation")
		})
	}
	t.Run("case=not JSON", func(t *testing.T) {
		platformtest.WantProblem(t, m.invite(m.tok, m.msp.ID, "{"), 400, "validation")
	})
}

// TestInviteRights: who may invite whom, where, with which roles.
func TestInviteRights(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	partner := m.account(account.Partner, &m.msp, "Reseller")
	customer := m.account(account.Customer, &m.msp, "Contoso")
	grandchild := m.account(account.Customer, &partner, "Fabrikam")
	sibling := m.account(account.MSP, &m.provider, "Other MSP")
	disabled := m.account(account.Customer, &m.msp, "Closed Co")
	disabled.Status = account.Disabled
	m.Put(dynamo.AccountItem(disabled))
	reader := m.session(m.person(m.msp, "Rita Reader", user.Active, role.ReadOnly), m.msp)
	controller := m.session(m.person(m.msp, "Cody Control", user.Active, role.AccountAdmin, role.AccountActionsControl), m.msp)
	n := 0
	body := func(roles ...string) map[string]any {
		n++
		return map[string]any{"name": "Person", "email": "person" + string(rune('a'+n)) + "@example.com", "roles": roles}
	}
	cases := []struct {
		name      string
		token     string
		accountID string
		body      map[string]any
		status    int
		slug      string
	}{
		{"case=own account", m.tok, m.msp.ID, body("msp-accounts"), 201, ""},
		{"case=direct child", m.tok, customer.ID, body("account-admin"), 201, ""},
		{"case=grandchild without the right", m.tok, grandchild.ID, body("read-only"), 403, "not-direct-child"},
		{"case=grandchild with the right", controller, grandchild.ID, body("read-only"), 201, ""},
		{"case=sibling", m.tok, sibling.ID, body("read-only"), 404, "account-not-found"},
		{"case=disabled account", m.tok, disabled.ID, body("read-only"), 409, "account-disabled"},
		{"case=a right the admin lacks", m.tok, m.msp.ID, body("account-actions-control"), 403, "role-not-assignable"},
		{"case=the right, by one who has it", controller, partner.ID, body("account-actions-control"), 201, ""},
		{"case=a role the kind cannot hold", m.tok, customer.ID, body("msp-accounts"), 400, "validation"},
		{"case=role without users:manage", reader, m.msp.ID, body("read-only"), 403, "forbidden"},
		{"case=super admin anywhere below", m.superTok, grandchild.ID, body("account-admin"), 201, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.invite(c.token, c.accountID, c.body)
			platformtest.WantProblem(t, r, c.status, c.slug)
		})
	}
}
