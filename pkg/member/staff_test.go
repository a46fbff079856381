package member_test

import (
	"reflect"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestSupportStaffBelongToTheirOwnPartner: a support partner's staff member acts in a customer through a grant
// membership, but their login belongs to the partner's tree. The customer's administrators, and the customer's
// parent partner in another tree, get the answer a stranger gets on every route that reaches a login by id; the
// partner's own administrators (and the provider above everyone) keep theirs.
func TestSupportStaffBelongToTheirOwnPartner(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	twoFactor, err := h.app.HTTP(route.TwoFactor)
	if err != nil {
		t.Fatal(err)
	}

	// The customer's tree: provider › Alpha MSP › Contoso. The partner's tree: provider › Beta MSP › Helpers.
	alpha := h.account(account.MSP, &h.provider, "Alpha MSP")
	contoso := h.account(account.Customer, &alpha, "Contoso")
	beta := h.account(account.MSP, &h.provider, "Beta MSP")
	helpers := h.account(account.Partner, &beta, "Helpers")

	alphaAdmin := h.session(h.person(alpha, "Alma Alpha", user.Active, role.AccountAdmin, role.AccountActionsControl), alpha)
	contosoAdmin := h.session(h.person(contoso, "Cora Contoso", user.Active, role.AccountAdmin), contoso)
	helpersAdmin := h.session(h.person(helpers, "Hank Helpers", user.Active, role.AccountAdmin), helpers)

	staff := h.person(helpers, "Stan Staff", user.Active, role.ReadOnly)
	h.Put(dynamo.MembershipItem(user.Membership{
		UserID: staff.ID, AccountID: contoso.ID, Roles: []role.Name{role.SupportStaff}, GrantID: "grant-contoso-helpers",
		AccountName: contoso.Company.Name, AccountKind: string(contoso.Kind),
		UserName: staff.Name, UserEmail: staff.Email, UserStatus: staff.Status,
	}))

	edit := func(token string) call {
		return call{route: member.RouteEdit, params: map[string]string{"id": staff.ID}, token: token,
			body: map[string]any{"name": "Mallory", "phone": "+1 555 0100", "mobile": "+1 555 0101"}}
	}
	status := func(token string) call {
		return call{route: member.RouteStatus, params: map[string]string{"id": staff.ID}, token: token}
	}
	remove := func(token string) call {
		return call{route: member.RouteRemove, params: map[string]string{"id": contoso.ID, "userId": staff.ID}, token: token}
	}
	switchOff := func(token string) call {
		return call{route: "PUT /v1/users/{id}/two-factor", params: map[string]string{"id": staff.ID}, token: token,
			body: map[string]any{"enabled": false}}
	}

	refused := []struct {
		name   string
		fn     httpapi.Handler
		call   call
		status int
		slug   string
	}{
		{"case=the customer's administrator edits the staff member", h.users, edit(contosoAdmin), 404, "user-not-found"},
		{"case=the customer's parent in another tree edits the staff member", h.users, edit(alphaAdmin), 404, "user-not-found"},
		{"case=the customer's administrator checks the staff member's status", h.users, status(contosoAdmin), 404, "user-not-found"},
		{"case=the customer's parent checks the staff member's status", h.users, status(alphaAdmin), 404, "user-not-found"},
		// The customer sees the staff member in its user list, so it learns nothing new: it is told to revoke the
		// partner's access instead, and the parent likewise.
		{"case=the customer's administrator removes the staff member", h.revoke, remove(contosoAdmin), 409, "partner-access"},
		{"case=the customer's parent removes the staff member", h.revoke, remove(alphaAdmin), 409, "partner-access"},
		// Only a super administrator switches two-factor sign-in for others, and only the provider has one.
		{"case=the customer's administrator switches the staff member's two-factor", twoFactor, switchOff(contosoAdmin), 403, "forbidden"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			before := h.Snapshot()
			platformtest.WantProblem(t, h.do(c.fn, c.call), c.status, c.slug)
			h.Unchanged(before, "a refused change of a support partner's staff member")
		})
	}

	t.Run("case=the stranger's answer is the same", func(t *testing.T) {
		stranger := h.person(beta, "Sue Stranger", user.Active, role.ReadOnly)
		a := h.do(h.users, call{route: member.RouteStatus, params: map[string]string{"id": stranger.ID}, token: contosoAdmin})
		b := h.do(h.users, status(contosoAdmin))
		delete(a.JSON, "instance") // the request's own id
		delete(b.JSON, "instance")
		if a.StatusCode != b.StatusCode || !reflect.DeepEqual(a.JSON, b.JSON) {
			t.Fatalf("stranger: %d %s\nstaff: %d %s", a.StatusCode, a.Body, b.StatusCode, b.Body)
		}
	})
	t.Run("case=the partner's own administrator checks and edits the staff member", func(t *testing.T) {
		platformtest.WantStatus(t, h.do(h.users, status(helpersAdmin)), 200)
		platformtest.WantStatus(t, h.do(h.users, call{route: member.RouteEdit, params: map[string]string{"id": staff.ID},
			token: helpersAdmin, body: map[string]any{"phone": "+1 555 0199"}}), 200)
		if got := h.User(staff.ID); got.Name != "Stan Staff" || got.Phone != "+1 555 0199" {
			t.Fatalf("after the partner's edit: name %q phone %q", got.Name, got.Phone)
		}
	})
	t.Run("case=the provider's super administrator switches the staff member's two-factor", func(t *testing.T) {
		platformtest.WantStatus(t, h.do(twoFactor, switchOff(h.superTok)), 200)
	})
}
