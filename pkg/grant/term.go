package grant

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/contract"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// A grant's term (the rules are partneraccess's, term.go). The API's shape, and why:
//
//   - durationDays (1 to 730, default 730) counts from the partner's acceptance, as GDAP counts from approval: a
//     pending invitation gives no access, so it spends none of the term, and a customer cannot grant more than
//     two years of access by inviting early. It is the shape the portal offers (1 day … 2 years).
//   - endsAt, an exact date, stays for integrators that already send it (the contract is extended, never
//     broken); giving both is a 400, as the two say different things.
//   - autoExtend defaults to true with a duration ("unless the customer turned it off") and to false with an
//     exact date: an existing client that chose a date to end on keeps getting exactly that end.
//
// The customer turns auto-extend off, or on again, with PUT /v1/partner-access/{grantId}/auto-extend at any
// time while the grant is live. On again is allowed because it only restores what the customer granted at the
// invitation (the partner accepted those terms) and spares a new invitation; the partner cannot change it, as
// extending access is the customer's to give.

// RouteAutoExtend is the customer's switch of a grant's auto-extend, exactly as in route.Routes.
const RouteAutoExtend = "PUT /v1/partner-access/{grantId}/auto-extend"

// AutoExtendRequest is the body of PUT /v1/partner-access/{grantId}/auto-extend.
type AutoExtendRequest struct {
	// Enabled turns auto-extend on (true) or off (false).
	Enabled *bool `json:"enabled"`
}

// errExtendCustomerOnly answers a partner who tries to change auto-extend, which only the customer does.
var errExtendCustomerOnly = fault.New(fault.ErrForbidden, "customer-only",
	"Only the customer decides whether its partner's access extends itself.")

// autoExtendContract is the route's contract (see Contract).
var autoExtendContract = contract.Operation{Route: RouteAutoExtend, Summary: "The customer turns a grant's auto-extend off or on",
	Body:    AutoExtendRequest{},
	Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant, with its auto-extend and what is due next.")},
	Problems: []contract.Problem{
		contract.Fails(http.StatusForbidden, "customer-only"),
		contract.Fails(http.StatusNotFound, "grant-not-found"),
		contract.Fails(http.StatusConflict, "grant-ended", "grant-not-time-bound", "grant-changed")}}

// check reads the terms of an invitation at now, naming every bad field in v.
func (r TermsRequest) check(v *fault.ValidationError, now time.Time) partneraccess.Terms {
	t := partneraccess.Terms{Roles: partneraccess.CheckRoles(v, "roles", r.Roles)}
	switch {
	case r.DurationDays != nil && r.EndsAt != nil:
		v.Add("durationDays", "conflict", "Give a duration or an end date, not both.")
		return t
	case r.EndsAt != nil:
		t.EndsAt = checkEndsAt(v, "endsAt", r.EndsAt, now)
	case r.DurationDays != nil:
		days := time.Duration(*r.DurationDays) * partneraccess.Day
		if days < partneraccess.MinTerm || days > partneraccess.MaxTerm {
			v.Add("durationDays", "out_of_range", "Give a duration of 1 to 730 days (two years).")
		}
		t.Term = days
	default:
		t.Term = partneraccess.DefaultTerm
	}
	t.AutoExtend = r.EndsAt == nil
	if r.AutoExtend != nil {
		t.AutoExtend = *r.AutoExtend
	}
	return t
}

// termDays is g's term in days for audit details, "" when it has an exact end date instead.
func termDays(g partneraccess.Grant) string {
	if g.Term == 0 {
		return ""
	}
	return strconv.Itoa(int(g.Term / partneraccess.Day))
}

// SetAutoExtend turns a live grant's auto-extend on or off for its customer: the caller acts in the customer
// with role.PartnerAccessManage (the partner: 403 customer-only). In one transaction on the condition that the
// grant is unchanged since read: the grant with what is due next (turned off, the reminders still ahead; on, the
// extension at the end date), the audit event on both sides and an email to the partner's administrators. An
// extension that came due before the change (the end date passed and the sweep has not recorded it) is recorded
// with it (see partneraccess.Grant.WithAutoExtend). Setting what is set changes nothing and answers the grant.
func (s *Service) SetAutoExtend(ctx context.Context, a actor.Actor, id string, req AutoExtendRequest) (View, error) {
	if a.Anonymous() {
		return View{}, fault.ErrUnauthorized
	}
	if req.Enabled == nil {
		return View{}, fault.Invalid("enabled", codeRequired, "Say whether the access extends itself: true or false.")
	}
	on := *req.Enabled
	var changed bool
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		side, err := sideOf(a, *g)
		if err != nil {
			return err
		}
		if side != CustomerSide {
			return errExtendCustomerOnly
		}
		if err := need(a, role.PartnerAccessManage); err != nil {
			return err
		}
		next, err := g.WithAutoExtend(on, now)
		if err != nil || next.Version == g.Version {
			return err
		}
		if !next.EndsAt.Equal(g.EndsAt) {
			if err := s.extension(ctx, tx, *g, next, now); err != nil {
				return err
			}
		}
		audits(tx, next, a.UserID, audit.GrantAutoExtendChanged, map[string]string{
			"autoExtend": strconv.FormatBool(on), "endsAt": stamp(next.EndsAt),
		}, now)
		if err := s.mail(ctx, tx, next.Partner.ID, next, func(n outbox.GrantNotice) outbox.Mail {
			n.EndsAt = next.EndsAt
			return outbox.AutoExtendChanged{GrantNotice: n, Enabled: on, ExtendByDays: int(partneraccess.Extension / partneraccess.Day)}
		}, now); err != nil {
			return err
		}
		*g, changed = next, true
		return nil
	})
	if err != nil {
		return View{}, err
	}
	if changed {
		s.log.InfoContext(ctx, "partner access auto-extend changed", "grantId", g.ID, "autoExtend", on)
	}
	return viewOf(g, CustomerSide), nil
}

// extension adds to tx what goes with g's extension (into next, at now): both sides' audit logs record it and
// both sides' administrators are told the new end date.
func (c *core) extension(ctx context.Context, tx *dynamo.Tx, g, next partneraccess.Grant, now time.Time) error {
	audits(tx, next, "", audit.GrantExtended, map[string]string{
		"endsAt": stamp(next.EndsAt), "previousEndsAt": stamp(g.EndsAt),
	}, now)
	for _, to := range []string{next.Customer.ID, next.Partner.ID} {
		if err := c.mail(ctx, tx, to, next, func(n outbox.GrantNotice) outbox.Mail {
			n.EndsAt = next.EndsAt
			return outbox.AccessExtended{GrantNotice: n, ExtendedByDays: int(partneraccess.Extension / partneraccess.Day)}
		}, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) autoExtend(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req AutoExtendRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.SetAutoExtend(ctx, r.Actor, r.Param("grantId"), req)
	return answer(http.StatusOK, v, err)
}
