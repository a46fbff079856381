package grant

import (
	"context"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// Roles per grant: the customer grants its partner some of role.Delegable with the invitation; the partner's
// staff act with exactly those (package partneraccess works them out on every request). A change is the
// customer's decision: the partner asks for other roles (RequestRoles), and the customer approves all or fewer of
// them (ApproveRoles) or declines (DeclineRoles); the customer may also take roles away at any time (SetRoles).
// Each is one version-conditioned change of the grant with its audit events on both sides.

// RolesRequest is the body of POST /v1/partner-access/{grantId}/role-request and PUT .../roles.
type RolesRequest struct {
	Roles []role.Name `json:"roles"`
}

// ApproveRequest is the body of POST /v1/partner-access/{grantId}/role-request/approve.
type ApproveRequest struct {
	// Roles are the requested roles the customer approves; absent, all of them.
	Roles []role.Name `json:"roles"`
}

// StaffRef is a staff member of a grant with the roles they act with now: those of their entry that the grant
// still has (empty when none is left: they cannot act).
type StaffRef struct {
	UserRef
	Roles []role.Name `json:"roles"`
}

// RoleRequestView is a pending request for other roles, as both sides see it.
type RoleRequestView struct {
	Roles []role.Name `json:"roles"`
	At    time.Time   `json:"at"`
	By    UserRef     `json:"by"`
}

// errCustomerOnly answers a partner who tries what only the customer decides.
var errCustomerOnly = fault.New(fault.ErrForbidden, "customer-only", "Only the customer decides which roles its partner has.")

// customerSide checks that the caller acts for g's customer with role.PartnerAccessManage.
func customerSide(a actor.Actor, g partneraccess.Grant) error {
	return onSide(a, g, CustomerSide, errCustomerOnly)
}

// checkRoles reads a list of roles that must be given: present, each delegable, none twice.
func checkRoles(roles []role.Name) ([]role.Name, error) {
	v := &fault.ValidationError{}
	if roles == nil {
		v.Add("roles", codeRequired, "Choose at least one role.")
		return nil, v
	}
	out := partneraccess.CheckRoles(v, "roles", roles)
	return out, v.Err()
}

// RequestRoles asks the customer, for the partner, for other roles on an active grant: the request waits for the
// customer's answer (one at a time) and changes nothing until approved. The caller acts in the partner account
// with role.PartnerAccessManage.
func (s *Service) RequestRoles(ctx context.Context, a actor.Actor, id string, req RolesRequest) (View, error) {
	roles, err := checkRoles(req.Roles)
	if err != nil {
		return View{}, err
	}
	by, err := s.userName(ctx, a.UserID)
	if err != nil {
		return View{}, err
	}
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		if err := partnerSide(a, *g); err != nil {
			return err
		}
		next, err := g.RolesRequested(roles, a.UserID, by, now)
		if err != nil {
			return err
		}
		audits(tx, next, a.UserID, audit.GrantRolesRequested, map[string]string{
			"roles": joinRoles(next.Approved()), "requestedRoles": joinRoles(next.RoleRequest.Roles),
		}, now)
		if err := s.mail(ctx, tx, next.Customer.ID, next, func(n outbox.GrantNotice) outbox.Mail {
			return outbox.RolesRequested{GrantNotice: n, Roles: roleWords(next.RoleRequest.Roles)}
		}, now); err != nil {
			return err
		}
		*g = next
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "partner access roles requested", "grantId", g.ID)
	return viewOf(g, PartnerSide), nil
}

// ApproveRoles approves, for the customer, the partner's pending request: the grant's roles become the requested
// ones, or the fewer req names. Of an approval and a decline at once, exactly one answers the request; the other
// finds none (409 no-role-request).
func (s *Service) ApproveRoles(ctx context.Context, a actor.Actor, id string, req ApproveRequest) (View, error) {
	if req.Roles != nil {
		if _, err := checkRoles(req.Roles); err != nil {
			return View{}, err
		}
	}
	return s.changeRoles(ctx, a, id, "approved", func(g partneraccess.Grant, now time.Time) (partneraccess.Grant, error) {
		roles := req.Roles
		if roles == nil {
			roles = g.RoleRequest.Roles
		}
		return g.RolesApproved(roles, now)
	})
}

// SetRoles takes roles away from the partner, for the customer: req names some of the roles it has, fewer than
// all. Staff act with what is left from their next request.
func (s *Service) SetRoles(ctx context.Context, a actor.Actor, id string, req RolesRequest) (View, error) {
	roles, err := checkRoles(req.Roles)
	if err != nil {
		return View{}, err
	}
	return s.changeRoles(ctx, a, id, "reduced", func(g partneraccess.Grant, now time.Time) (partneraccess.Grant, error) {
		return g.RolesReduced(roles, now)
	})
}

// changeRoles changes a grant's roles for the customer by rule, with the audit event partner-access.roles-changed
// naming how (approved, reduced) on both sides.
func (s *Service) changeRoles(ctx context.Context, a actor.Actor, id, how string, rule func(partneraccess.Grant, time.Time) (partneraccess.Grant, error)) (View, error) {
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		if err := customerSide(a, *g); err != nil {
			return err
		}
		next, err := rule(*g, now)
		if err != nil {
			return err
		}
		audits(tx, next, a.UserID, audit.GrantRolesChanged, map[string]string{
			"roles": joinRoles(next.Approved()), "previousRoles": joinRoles(g.Approved()), "change": how,
		}, now)
		if err := s.tellPartner(ctx, tx, next, how, now); err != nil {
			return err
		}
		*g = next
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "partner access roles changed", "grantId", g.ID, "change", how)
	return viewOf(g, CustomerSide), nil
}

// DeclineRoles declines, for the customer, the partner's pending request: the roles stay as they are.
func (s *Service) DeclineRoles(ctx context.Context, a actor.Actor, id string) (View, error) {
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		if err := customerSide(a, *g); err != nil {
			return err
		}
		next, err := g.RoleRequestDeclined()
		if err != nil {
			return err
		}
		audits(tx, next, a.UserID, audit.GrantRoleRequestDeclined, map[string]string{
			"roles": joinRoles(next.Approved()), "requestedRoles": joinRoles(g.RoleRequest.Roles),
		}, now)
		if err := s.tellPartner(ctx, tx, next, "declined", now); err != nil {
			return err
		}
		*g = next
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "partner access role request declined", "grantId", g.ID)
	return viewOf(g, CustomerSide), nil
}

// tellPartner adds to tx the email to g's partner's administrators that the customer answered (approved,
// declined) or took roles away (reduced), naming the roles the partner has now.
func (s *Service) tellPartner(ctx context.Context, tx *dynamo.Tx, g partneraccess.Grant, answer string, now time.Time) error {
	return s.mail(ctx, tx, g.Partner.ID, g, func(n outbox.GrantNotice) outbox.Mail {
		return outbox.RolesAnswered{GrantNotice: n, Answer: answer, Roles: roleWords(g.Approved())}
	}, now)
}

// roleTitles are the delegable roles as the portal and the emails name them.
var roleTitles = map[role.Name]string{
	role.SupportStaff: "Administrator", role.SupportUserAdmin: "User administrator", role.ReadOnly: "Read-only",
}

// roleWords lists roles in words for emails: "Administrator", "User administrator and Read-only".
func roleWords(roles []role.Name) string {
	words := make([]string, len(roles))
	for i, n := range roles {
		words[i] = roleTitles[n]
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// joinRoles lists roles for audit details.
func joinRoles(roles []role.Name) string {
	out := make([]string, len(roles))
	for i, n := range roles {
		out[i] = string(n)
	}
	return strings.Join(out, ",")
}

// roleStrings is roles as a share link stores them.
func roleStrings(roles []role.Name) []string {
	out := make([]string, len(roles))
	for i, n := range roles {
		out[i] = string(n)
	}
	return out
}

// roleRequestView is g's pending request, or nil.
func roleRequestView(g partneraccess.Grant) *RoleRequestView {
	if !g.RoleRequest.Pending() {
		return nil
	}
	r := g.RoleRequest
	return &RoleRequestView{Roles: r.Roles, At: r.At, By: UserRef{ID: r.By, Name: r.ByName}}
}

// roleActions are what side may do about g's roles now: the partner asks for others while the grant is active and
// nothing is pending; the customer takes some away while it is live and has more than one, and answers a request.
func roleActions(g partneraccess.Grant, side Side) []string {
	var out []string
	switch {
	case !g.Status.Live():
	case side == PartnerSide && g.Status == partneraccess.Active && !g.RoleRequest.Pending():
		out = append(out, "request-roles")
	case side == CustomerSide:
		if len(g.Approved()) > 1 {
			out = append(out, "roles")
		}
		if g.RoleRequest.Pending() {
			out = append(out, "answer-roles")
		}
	}
	return out
}
