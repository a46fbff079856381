package grant

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// A share link is how a partner invites itself: the partner's administrator makes one and sends it to a
// customer; a customer administrator opens it, signs in and confirms, which invites the partner exactly as its
// Partner ID would. The link is "<portal>/partner-invite#<token>": the token (secret.PurposeShare) names a share
// link item, which names the partner and the deadline; the table keeps only the item's id, and the token travels
// in the URL fragment, which no server logs. A link works for anyone who has it until it expires.

// ShareLink is the answer of POST /v1/accounts/{id}/share-links.
type ShareLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Roles are the roles the link asks the customer for.
	Roles []role.Name `json:"roles"`
}

// Problems of share links.
var (
	errNotPartner = fault.New(fault.ErrForbidden, "not-a-partner", "Only MSP and partner accounts make share links.")
	errLinkBad    = fault.New(fault.ErrNotFound, "link-invalid",
		"This partner link is not valid. Open it again from the partner's message, or ask the partner for a new one.")
	errLinkOld = fault.New(fault.ErrExpired, "link-expired", "This partner link has expired; ask the partner for a new one.")
)

// ShareLinkRequest is the body of POST /v1/accounts/{id}/share-links.
type ShareLinkRequest struct {
	// Roles are the roles the partner asks the customer for (role.Delegable); absent, the administrator.
	Roles []role.Name `json:"roles"`
}

// CreateShareLink makes a share link for the partner (or MSP) account the caller acts in, with
// role.PartnerAccessManage, valid for ShareLinkTTL, asking for the roles req names. The link item and the audit
// event commit together.
func (s *Service) CreateShareLink(ctx context.Context, a actor.Actor, partnerID string, req ShareLinkRequest) (ShareLink, error) {
	if err := need(a, role.PartnerAccessManage); err != nil {
		return ShareLink{}, err
	}
	v := &fault.ValidationError{}
	roles := partneraccess.CheckRoles(v, "roles", req.Roles)
	if err := v.Err(); err != nil {
		return ShareLink{}, err
	}
	acc, err := s.ownPartnerAccount(ctx, a, partnerID, errNotPartner)
	if err != nil {
		return ShareLink{}, err
	}
	now := s.clock.Now()
	l := dynamo.ShareLinkRecord{ID: secret.NewID(), PartnerAccountID: acc.ID, CreatedBy: a.UserID, CreatedAt: now, ExpiresAt: now.Add(ShareLinkTTL),
		Roles: roleStrings(roles)}
	tx := s.store.Tx().PutShareLink(l, nil).Audit(audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
		Action: audit.GrantShareLinkCreated, TargetType: audit.TargetShareLink, TargetID: l.ID,
		Details: map[string]string{"expiresAt": stamp(l.ExpiresAt), "roles": joinRoles(roles)}})
	if err := s.store.Commit(ctx, tx); err != nil {
		return ShareLink{}, err
	}
	s.log.InfoContext(ctx, "share link created", "accountId", acc.ID, "shareLinkId", l.ID)
	return ShareLink{URL: s.portal + "/partner-invite#" + s.keys.LinkToken(secret.PurposeShare, l.ID), ExpiresAt: l.ExpiresAt, Roles: roles}, nil
}

// ShareLinkInfo is the answer of GET /v1/share-links/{token}: whom the link invites, until when, and the
// customer account the caller would invite it to (the one it acts in, if it may), for the confirmation.
type ShareLinkInfo struct {
	Partner   PartyView `json:"partner"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Roles are the roles the partner asks for: the customer approves them, or fewer.
	Roles []role.Name `json:"roles"`
	// Customer is the account the caller acts in, if it is a customer whose support partners the caller
	// manages; null otherwise (the page asks the caller to switch accounts).
	Customer *PartyView `json:"customer"`
}

// linkPartner reads the partner a share link names, and the link: errLinkBad for a token this key did not make or
// that names no link, errLinkOld past its deadline, errNoPartner if the partner can no longer be invited.
func (s *Service) linkPartner(ctx context.Context, token string, now time.Time) (account.Account, dynamo.ShareLinkRecord, error) {
	id, ok := s.keys.ParseLinkToken(ctx, secret.PurposeShare, token)
	if !ok { // a token that verifies has a well-formed id
		return account.Account{}, dynamo.ShareLinkRecord{}, errLinkBad
	}
	l, found, err := s.store.ShareLink(ctx, id)
	if err != nil {
		return account.Account{}, l, err
	}
	if !found {
		return account.Account{}, l, errLinkBad
	}
	if !now.Before(l.ExpiresAt) {
		return account.Account{}, l, errLinkOld
	}
	partner, err := s.store.Account(ctx, l.PartnerAccountID)
	if errors.Is(err, fault.ErrNotFound) || err == nil && (!partnerid.Has(partner.Kind) || partner.Status == account.Disabled) {
		return account.Account{}, l, errNoPartner
	}
	return partner, l, err
}

// linkRoles are the roles a share link asks for: the administrator for a link made before roles.
func linkRoles(l dynamo.ShareLinkRecord) []role.Name {
	if len(l.Roles) == 0 {
		return slices.Clone(partneraccess.DefaultRoles)
	}
	out := make([]role.Name, len(l.Roles))
	for i, n := range l.Roles {
		out[i] = role.Name(n)
	}
	return out
}

// OpenShareLink tells the portal whom a share link invites, for the confirmation a signed-in customer
// administrator gives before the invitation is sent.
func (s *Service) OpenShareLink(ctx context.Context, a actor.Actor, token string) (ShareLinkInfo, error) {
	if a.Anonymous() {
		return ShareLinkInfo{}, fault.ErrUnauthorized
	}
	partner, l, err := s.linkPartner(ctx, token, s.clock.Now())
	if err != nil {
		return ShareLinkInfo{}, err
	}
	out := ShareLinkInfo{
		Partner:   PartyView{ID: partner.ID, Name: partner.Company.Name, PartnerID: partner.PartnerID},
		ExpiresAt: l.ExpiresAt, Roles: linkRoles(l),
	}
	if customer, err := s.customerOf(ctx, a, a.AccountID); err == nil {
		out.Customer = &PartyView{ID: customer.ID, Name: customer.Company.Name}
	}
	return out, nil
}

// ShareInviteRequest is the body of POST /v1/share-links/{token}.
type ShareInviteRequest struct {
	// CustomerID is the customer account that invites the partner: the one the caller acts in.
	CustomerID string `json:"customerId"`
	TermsRequest
}

// InviteByLink invites the partner a share link names to support the customer account the caller acts in,
// exactly as Invite does with its Partner ID, with the roles the link asks for or fewer (req.Roles; absent, all
// of them): a role the link did not ask for is refused.
func (s *Service) InviteByLink(ctx context.Context, a actor.Actor, token string, req ShareInviteRequest) (View, error) {
	if err := need(a, role.PartnerAccessManage); err != nil {
		return View{}, err
	}
	now := s.clock.Now()
	v := &fault.ValidationError{}
	if req.CustomerID == "" {
		v.Add("customerId", codeRequired, "Name the customer account that invites the partner.")
	}
	terms := req.TermsRequest.check(v, now)
	if err := v.Err(); err != nil {
		return View{}, err
	}
	customer, err := s.customerOf(ctx, a, req.CustomerID)
	if err != nil {
		return View{}, err
	}
	partner, l, err := s.linkPartner(ctx, token, now)
	if err != nil {
		return View{}, err
	}
	asked := linkRoles(l)
	if req.Roles == nil {
		terms.Roles = partneraccess.Ordered(asked)
	}
	for i, n := range req.Roles {
		if !slices.Contains(asked, n) {
			v.Add(fmt.Sprintf("roles[%d]", i), "not_requested", "The partner's link does not ask for this role.")
		}
	}
	if err := v.Err(); err != nil {
		return View{}, err
	}
	g, err := s.invite(ctx, a, customer, partner, terms, partneraccess.ViaShareLink)
	if err != nil {
		return View{}, err
	}
	return viewOf(g, CustomerSide), nil
}
