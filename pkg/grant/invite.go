package grant

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// InviteRequest is the body of POST /v1/accounts/{id}/partner-access.
type InviteRequest struct {
	// PartnerID is the partner's Partner ID, as the partner gave it (any case, hyphen optional).
	PartnerID string `json:"partnerId"`
	TermsRequest
}

// TermsRequest is what a customer grants with an invitation, by Partner ID or by share link: the fields both
// bodies share (read by check, in term.go).
type TermsRequest struct {
	// DurationDays is how long the access runs, in days from the partner's acceptance: 1 to 730 (the default).
	DurationDays *int `json:"durationDays"`
	// EndsAt is an exact end date instead (RFC 3339), in the future and at most MaxTerm ahead; not with
	// durationDays.
	EndsAt *string `json:"endsAt"`
	// AutoExtend extends the access by 180 days at its end date instead of ending it; the customer can turn it
	// off at any time. True by default with a duration, false with an exact end date.
	AutoExtend *bool `json:"autoExtend"`
	// Roles are the roles the customer grants (role.Delegable); absent, the administrator (support-staff).
	Roles []role.Name `json:"roles"`
}

// Problems of invitations.
var (
	errNotCustomer = fault.New(fault.ErrForbidden, "not-a-customer", "Only a customer account invites support partners.")
	// errProspect: a prospect has no support partners until it is converted to a customer (the partner working
	// the deal is above it already).
	errProspect  = fault.New(fault.ErrForbidden, "account-is-prospect", "A prospect cannot invite support partners until it is converted to a customer.")
	errNoPartner = fault.New(fault.ErrNotFound, "partner-not-found",
		"No MSP or partner has this Partner ID. Check it with your partner.")
	errSelf = fault.Invalid("partnerId", "self", "An account cannot be its own support partner.")
)

// Field codes.
const (
	codeRequired = "required"
	codeInvalid  = "invalid"
)

// checkEndsAt reads an optional end date: RFC 3339, after now, at most MaxTerm ahead. It answers the zero time
// when there is none.
func checkEndsAt(v *fault.ValidationError, field string, raw *string, now time.Time) time.Time {
	if raw == nil || v.Has(field) {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, *raw)
	switch {
	case err != nil:
		v.Add(field, codeInvalid, "Give the end date as an RFC 3339 time, e.g. 2027-06-30T17:00:00Z.")
	case !t.After(now):
		v.Add(field, "not_future", "The end date must be in the future.")
	case t.After(now.Add(MaxTerm)):
		v.Add(field, "too_far", "The end date can be at most two years ahead.")
	default:
		return t.UTC()
	}
	return time.Time{}
}

// customerOf checks that the caller may manage the support partners of the account id: it acts in it with
// role.PartnerAccessManage, and it is a customer. Any other account is not found.
func (c *core) customerOf(ctx context.Context, a actor.Actor, id string) (account.Account, error) {
	if err := need(a, role.PartnerAccessManage); err != nil {
		return account.Account{}, err
	}
	if id != a.AccountID || !secret.WellFormedID(id) {
		return account.Account{}, errNoAccount
	}
	acc, err := c.store.Account(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return acc, errNoAccount
	}
	if err != nil {
		return acc, err
	}
	if acc.Kind != account.Customer {
		return acc, errNotCustomer
	}
	if acc.Prospect() {
		return acc, errProspect
	}
	return acc, nil
}

// Invite invites a partner, named by its Partner ID, to support the customer account customerID: the grant is
// pending until the partner answers, within InvitationTTL. The caller acts in the customer with
// role.PartnerAccessManage. It answers the new grant as the customer sees it.
func (s *Service) Invite(ctx context.Context, a actor.Actor, customerID string, req InviteRequest) (View, error) {
	customer, err := s.customerOf(ctx, a, customerID)
	if err != nil {
		return View{}, err
	}
	now := s.clock.Now()
	v := &fault.ValidationError{}
	var pid partnerid.ID
	switch {
	case req.PartnerID == "":
		v.Add("partnerId", codeRequired, "Enter the Partner ID your partner gave you.")
	default:
		if pid, err = partnerid.Parse(req.PartnerID); err != nil {
			v.Add("partnerId", codeInvalid, "A Partner ID has eight letters and digits, like 7KQ4-M2XD.")
		}
	}
	terms := req.TermsRequest.check(v, now)
	if err := v.Err(); err != nil {
		return View{}, err
	}
	partner, found, err := s.store.AccountByPartnerID(ctx, pid)
	if err != nil {
		return View{}, err
	}
	if !found {
		return View{}, errNoPartner
	}
	g, err := s.invite(ctx, a, customer, partner, terms, partneraccess.ViaPartnerID)
	if err != nil {
		return View{}, err
	}
	return viewOf(g, CustomerSide), nil
}

// What a failed invitation means.
var (
	// errPairTaken is the pair guard's failure: exists answers it, naming the live grant.
	errPairTaken        = errors.New("a live grant of the pair exists")
	errCustomerDisabled = fault.New(fault.ErrConflict, "account-disabled", "Your account was disabled meanwhile.")
)

// invite creates a pending grant of customer to partner, in one transaction: the grant (on both lists and the
// expiry index), the pair guard that refuses a second live grant of the pair, checks that both accounts are
// open, the audit events on both sides and the email to the partner's administrators.
func (s *Service) invite(ctx context.Context, a actor.Actor, customer, partner account.Account, terms partneraccess.Terms, via string) (partneraccess.Grant, error) {
	if !partnerid.Has(partner.Kind) || partner.Status == account.Disabled {
		return partneraccess.Grant{}, errNoPartner
	}
	if usable, err := s.store.AccountUsable(ctx, partner); err != nil || !usable {
		if err != nil {
			return partneraccess.Grant{}, err
		}
		return partneraccess.Grant{}, errNoPartner
	}
	if partner.ID == customer.ID {
		return partneraccess.Grant{}, errSelf
	}
	inviter, err := s.userName(ctx, a.UserID)
	if err != nil {
		return partneraccess.Grant{}, err
	}
	now := s.clock.Now()
	g := partneraccess.Invitation(secret.NewID(),
		partneraccess.Party{ID: customer.ID, Name: customer.Company.Name}, partneraccess.Party{ID: partner.ID, Name: partner.Company.Name},
		partner.PartnerID, via, a.UserID, inviter, terms, now)
	tx := s.store.Tx().
		PutGrant(g, errChanged).
		ClaimGrantPair(customer.ID, partner.ID, g.ID, errPairTaken).
		AccountOpen(customer.ID, errCustomerDisabled).
		AccountOpen(partner.ID, errNoPartner)
	audits(tx, g, a.UserID, audit.GrantInvited, map[string]string{
		"via": via, "expiresAt": stamp(g.ExpiresAt), "endsAt": stamp(g.EndsAt), "roles": joinRoles(g.Approved()),
		"durationDays": termDays(g), "autoExtend": strconv.FormatBool(g.AutoExtend),
	}, now)
	if err := s.mail(ctx, tx, partner.ID, g, func(n outbox.GrantNotice) outbox.Mail {
		n.EndsAt = g.EndsAt
		return outbox.PartnerInvited{GrantNotice: n, Inviter: inviter, ExpiresAt: g.ExpiresAt}
	}, now); err != nil {
		return partneraccess.Grant{}, err
	}
	err = s.store.Commit(ctx, tx)
	if errors.Is(err, errPairTaken) {
		return partneraccess.Grant{}, s.exists(ctx, customer.ID, partner.ID)
	}
	if err != nil {
		return partneraccess.Grant{}, err
	}
	s.log.InfoContext(ctx, "partner invited", "grantId", g.ID, "customerId", customer.ID, "partnerAccountId", partner.ID, "via", via)
	return g, nil
}

// exists is the problem of a second live grant of a pair, naming the live one.
func (s *Service) exists(ctx context.Context, customerID, partnerID string) error {
	e := fault.New(fault.ErrConflict, "grant-exists",
		"This partner already has access to your account, or an invitation waiting for its answer.")
	if id, found, err := s.store.GrantPair(ctx, customerID, partnerID); err == nil && found {
		e = e.With("grantId", id)
	}
	return e
}
