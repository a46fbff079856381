package member_test

import (
	"context"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// invited is an MSP whose administrator invited Olga, who already has a login in another MSP.
type invited struct {
	*mspWithAdmin
	other   account.Account
	olga    user.User
	olgaTok string // Olga's session, acting in her own account
	link    string // the invitation link's token
	tokenID string
}

func newInvited(t *testing.T) *invited {
	t.Helper()
	m := newMSP(t)
	in := &invited{mspWithAdmin: m}
	in.other = m.account(account.MSP, &m.provider, "Other MSP")
	in.olga = m.add(in.other, who{name: "Olga Other", email: "olga@example.com", status: user.Active, roles: []role.Name{role.AccountAdmin}})
	in.olgaTok = m.session(in.olga, in.other)
	r := m.invite(m.tok, m.msp.ID, map[string]any{"name": "Olga", "email": in.olga.Email, "roles": []string{"read-only", "msp-accounts"}})
	platformtest.WantStatus(t, r, 201)
	inv := m.invitation(in.olga.ID, m.msp.ID)
	in.tokenID, in.link = inv.TokenID, m.link(m.message(inv.MessageID))
	return in
}

func (in *invited) open(link string) platformtest.Reply {
	in.t.Helper()
	return in.do(in.users, call{route: member.RouteInvitation, params: map[string]string{"token": link}})
}

func (in *invited) accept(token, link string) platformtest.Reply {
	in.t.Helper()
	return in.do(in.users, call{route: member.RouteAccept, params: map[string]string{"token": link}, token: token})
}

func TestAcceptMembership(t *testing.T) {
	t.Parallel()
	in := newInvited(t)

	r := in.open(in.link)
	platformtest.WantStatus(t, r, 200)
	for k, v := range map[string]string{"purpose": "membership", "email": "olga@example.com", "accountId": in.msp.ID,
		"accountName": "Acme MSP", "accountKind": "msp", "expiresAt": "2026-03-05T09:00:00Z"} {
		if r.Str(k) != v {
			t.Errorf("%s = %q, want %q", k, r.Str(k), v)
		}
	}
	if by, _ := r.JSON["invitedBy"].(map[string]any); by["name"] != "Ada Lovelace" || by["accountName"] != "Acme MSP" {
		t.Errorf("invitedBy %v", r.JSON["invitedBy"])
	}
	if roles, _ := r.JSON["roles"].([]any); len(roles) != 2 || roles[0].(map[string]any)["title"] != "Accounts" {
		t.Errorf("roles %v", r.JSON["roles"])
	}
	if b, _ := r.JSON["branding"].(map[string]any); b["name"] != "PartnerHub" {
		t.Errorf("branding %v", r.JSON["branding"])
	}

	t.Run("case=links that are not", func(t *testing.T) {
		for _, link := range []string{"nonsense", in.tokenID + ".AAAA", in.keys.LinkToken(secret.PurposeActivation, in.tokenID)} {
			platformtest.WantProblem(t, in.open(link), 404, "link-invalid")
			platformtest.WantProblem(t, in.accept(in.olgaTok, link), 404, "link-invalid")
		}
	})
	t.Run("case=signed out", func(t *testing.T) {
		platformtest.WantProblem(t, in.accept("", in.link), 401, "unauthorized")
	})
	t.Run("case=another user", func(t *testing.T) {
		before := in.Snapshot()
		platformtest.WantProblem(t, in.accept(in.tok, in.link), 403, "wrong-user")
		in.Unchanged(before, "accepting someone else's invitation")
	})

	r = in.accept(in.olgaTok, in.link)
	platformtest.WantStatus(t, r, 201)
	if r.Str("accountId") != in.msp.ID || r.Str("accountName") != "Acme MSP" {
		t.Fatalf("answer %s", r.Body)
	}
	ms, found := in.membership(in.olga.ID, in.msp.ID)
	if !found || !slices.Equal(ms.Roles, []role.Name{role.MSPAccounts, role.ReadOnly}) || ms.UserStatus != user.Active ||
		ms.UserName != "Olga Other" || ms.AccountName != "Acme MSP" || !ms.LastLoginAt.Equal(start) {
		t.Fatalf("membership %+v found=%v", ms, found)
	}
	if tok := in.token(in.tokenID); tok.Status != token.Used || in.Item(table.TokenKey(in.tokenID))[table.AttrXPK] != nil {
		t.Fatalf("token %+v", tok)
	}
	if in.Item(table.InvitationKey(in.olga.ID, in.msp.ID)) != nil {
		t.Fatal("the invitation is still there")
	}
	if got := in.audits(in.msp.ID); !slices.Contains(got, "membership.accepted") {
		t.Fatalf("audit %v", got)
	}

	t.Run("case=the account is in the account switcher", func(t *testing.T) {
		me := in.me(in.olgaTok)
		platformtest.WantStatus(t, me, 200)
		var accounts []string
		for _, m := range me.JSON["memberships"].([]any) {
			accounts = append(accounts, m.(map[string]any)["accountId"].(string))
		}
		slices.Sort(accounts)
		wantAccounts := []string{in.msp.ID, in.other.ID}
		slices.Sort(wantAccounts)
		if !slices.Equal(accounts, wantAccounts) {
			t.Fatalf("memberships %v, want %v", accounts, wantAccounts)
		}
		sw := in.do(in.otp, call{route: "POST /v1/sessions/current/account", token: in.olgaTok, body: map[string]string{"accountId": in.msp.ID}})
		platformtest.WantStatus(t, sw, 200)
		me = in.me(in.olgaTok)
		if cur := me.JSON["currentAccount"].(map[string]any); cur["id"] != in.msp.ID {
			t.Fatalf("current account %v", cur)
		}
	})
	t.Run("case=the list shows the new member", func(t *testing.T) {
		in.indexed()
		list := in.do(in.users, call{route: member.RouteList, params: map[string]string{"id": in.msp.ID}, token: in.tok, query: url.Values{"q": {"olga"}}})
		if got := ids(list); !slices.Equal(got, []string{in.olga.ID}) {
			t.Fatalf("list %s", list.Body)
		}
	})
	t.Run("case=used again", func(t *testing.T) {
		platformtest.WantProblem(t, in.open(in.link), 410, "link-used")
		platformtest.WantProblem(t, in.accept(in.olgaTok, in.link), 410, "link-used")
	})
}

func TestAcceptExpiredInvitation(t *testing.T) {
	t.Parallel()
	in := newInvited(t)
	in.clock.Advance(member.InvitationTTL + time.Second)
	olgaTok := in.session(in.olga, in.other) // the first session timed out long ago
	before := in.Snapshot()
	platformtest.WantProblem(t, in.open(in.link), 410, "link-expired")
	platformtest.WantProblem(t, in.accept(olgaTok, in.link), 410, "link-expired")
	in.Unchanged(before, "an expired invitation")

	// The sweep finds the token on the expiry index and expires it like any token.
	if err := in.app.Sweeper().Handle(context.Background(), events.EventBridgeEvent{}); err != nil {
		t.Fatal(err)
	}
	if tok := in.token(in.tokenID); tok.Status != token.Expired || in.Item(table.TokenKey(in.tokenID))[table.AttrXPK] != nil {
		t.Fatalf("token after the sweep %+v", tok)
	}
	if _, found := in.membership(in.olga.ID, in.msp.ID); found {
		t.Fatal("an expired invitation made a membership")
	}
}

// TestAcceptConcurrently: of many acceptances of one invitation at once, exactly one makes the membership.
func TestAcceptConcurrently(t *testing.T) {
	t.Parallel()
	in := newInvited(t)
	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	slugs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			r, err := in.try(in.users, call{route: member.RouteAccept, params: map[string]string{"token": in.link}, token: in.olgaTok})
			statuses[i], slugs[i], errs[i] = r.StatusCode, r.Problem(), err
		})
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		switch {
		case statuses[i] == 201:
			created++
		case statuses[i] == 410 && slugs[i] == "link-used":
		default:
			t.Errorf("acceptance %d: %d %s", i, statuses[i], slugs[i])
		}
	}
	if created != 1 {
		t.Fatalf("%d acceptances succeeded, want exactly 1", created)
	}
	var accepted int
	for _, item := range in.ItemsOf(table.TypeAudit) {
		if platformtest.Str(item["action"]) == "membership.accepted" {
			accepted++
		}
	}
	if accepted != 1 {
		t.Fatalf("%d membership.accepted events", accepted)
	}
}
