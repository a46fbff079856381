package grant_test

import (
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestTheCallerCostsTwoReads: whoever asks and wherever they act, knowing who is asking costs two requests to the
// table — the session, then one strongly consistent batch of what the checks read (package signin) — and an
// endpoint that needs nothing else (GET /v1/apps, a constant catalog; GET /v1/roles, the catalog for the account
// the checks read) costs exactly that. GET /v1/me adds only
// what it shows and the checks did not read: the user's memberships (one Query) and the branding records on the
// path (one batch), and for a member of staff groups the groups (one batch). Counted on the wire, by the real handlers' own client.
func TestTheCallerCostsTwoReads(t *testing.T) {
	t.Parallel()
	m := testenv.NewMeter()
	w := newWorld(t, app.WithAWS(m.AWS()))
	deep := w.CreateAccount(w.Super, account.Customer, w.partner.ID, "Deep Customer Ltd") // provider › msp › partner › it
	deepAdmin := w.admin(deep)
	staff := w.addStaff("Sam Staff")
	id := w.activeGrant(staff.id)
	platformtest.WantStatus(t, w.switchTo(staff.cookie, w.customer.ID), http.StatusOK)
	member := w.addStaff("Kim Helpdesk") // acts in the customer through a staff group only
	gid := w.newGroup("Helpdesk")
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, member.id, nil), http.StatusOK)
	platformtest.WantStatus(t, w.assign(id, gid, nil), http.StatusOK)
	platformtest.WantStatus(t, w.switchTo(member.cookie, w.customer.ID), http.StatusOK)

	apps := platformtest.Request{Function: route.Accounts, Route: "GET /v1/apps", Headers: map[string]string{}}
	roles := platformtest.Request{Function: route.Users, Route: "GET /v1/roles", Headers: map[string]string{}}
	me := platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Headers: map[string]string{}}
	for _, c := range []struct {
		who    string
		cookie string
		req    platformtest.Request
		want   string
	}{
		{"the super administrator, at the root", w.Super, apps, "BatchGetItem 1, GetItem 1"},
		{"a customer's administrator, three levels down", deepAdmin, apps, "BatchGetItem 1, GetItem 1"},
		{"a partner's staff member, in a customer through a grant", staff.cookie, apps, "BatchGetItem 1, GetItem 1"},
		{"a customer's administrator, the roles they may grant", deepAdmin, roles, "BatchGetItem 1, GetItem 1"},
		{"a customer's administrator's own view", deepAdmin, me, "BatchGetItem 2, GetItem 1, Query 1"},
		{"a staff member's own view, in the customer", staff.cookie, me, "BatchGetItem 1, GetItem 1, Query 1"},
		{"a staff group's member, in a customer through the group", member.cookie, apps, "BatchGetItem 1, GetItem 1"},
		{"a staff group's member's own view (the groups: one batch)", member.cookie, me, "BatchGetItem 2, GetItem 1, Query 1"},
	} {
		c.req.Cookie = c.cookie
		m.Take()
		platformtest.WantStatus(t, w.Call(c.req), http.StatusOK)
		if got := m.Take().Requests(1); got != c.want {
			t.Errorf("%s, %s: %s; want %s", c.who, c.req.Route, got, c.want)
		}
	}
}
