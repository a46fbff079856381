package dynamo

// Records, reads and conditional writes of partner access (package grant, rules in package partneraccess):
// grants with their pair guards and lists, and the staff memberships a grant owns (share links: sharelink.go; the
// administrators told about a grant: contact.go). Package grant puts the writes into one transaction each
// (UpdateGrant for a change of a grant), with their audit events and outbox messages (see the access patterns in
// package table).

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// IsKey reports whether an encoded item has the key k.
func IsKey(item map[string]types.AttributeValue, k table.Key) bool {
	pk, _ := item[table.AttrPK].(*types.AttributeValueMemberS)
	sk, _ := item[table.AttrSK].(*types.AttributeValueMemberS)
	return pk != nil && sk != nil && pk.Value == k.PK && sk.Value == k.SK
}

// StaffRecord is one member of a partner's staff assigned to a grant, as the grant keeps them.
type StaffRecord struct {
	UserID string `dynamodbav:"userId"`
	Name   string `dynamodbav:"name"`
	Email  string `dynamodbav:"email"`
	// Roles narrows the member to some of the grant's roles; absent means all of them.
	Roles []string `dynamodbav:"roles,omitempty"`
}

// AssignedGroupRecord is a staff group assigned to a grant, as the grant keeps it.
type AssignedGroupRecord struct {
	ID    string   `dynamodbav:"id"`
	Roles []string `dynamodbav:"roles"`
}

// GrantRecord is a partner access grant as stored. Times are table.Timestamp strings, so that conditions can
// compare them; empty means unset.
type GrantRecord struct {
	ID               string        `dynamodbav:"id"`
	CustomerID       string        `dynamodbav:"customerId"`
	CustomerName     string        `dynamodbav:"customerName"`
	PartnerAccountID string        `dynamodbav:"partnerAccountId"`
	PartnerName      string        `dynamodbav:"partnerName"`
	PartnerID        string        `dynamodbav:"partnerId"` // the partner's Partner ID, as shown
	Status           string        `dynamodbav:"status"`
	Via              string        `dynamodbav:"via"` // how the customer invited: partner-id or share-link
	InvitedAt        string        `dynamodbav:"invitedAt"`
	InvitedBy        string        `dynamodbav:"invitedBy"`
	InvitedByName    string        `dynamodbav:"invitedByName"`
	ExpiresAt        string        `dynamodbav:"expiresAt"` // the invitation's answer deadline
	EndsAt           string        `dynamodbav:"endsAt,omitempty"`
	TermDays         int           `dynamodbav:"termDays,omitempty"`   // the term from acceptance, in days
	AutoExtend       bool          `dynamodbav:"autoExtend,omitempty"` // extends at its end date
	AcceptedAt       string        `dynamodbav:"acceptedAt,omitempty"`
	AcceptedBy       string        `dynamodbav:"acceptedBy,omitempty"`
	EndedAt          string        `dynamodbav:"endedAt,omitempty"`
	EndedBy          string        `dynamodbav:"endedBy,omitempty"`
	EndReason        string        `dynamodbav:"endReason,omitempty"`
	Staff            []StaffRecord `dynamodbav:"staff"`
	// Groups are the partner's staff groups assigned to the grant, with their roles.
	Groups         []AssignedGroupRecord `dynamodbav:"groups,omitempty"`
	StaffChangedAt string                `dynamodbav:"staffChangedAt,omitempty"`
	// Due names what the expiry sweep does at DueAt (invitation expiry, a reminder, the end); empty when nothing
	// is due, and then the grant is off the expiry index.
	Due     string `dynamodbav:"due,omitempty"`
	DueAt   string `dynamodbav:"dueAt,omitempty"`
	Version int    `dynamodbav:"version"`
	// Roles are what the customer granted; absent on a grant made before roles (the administrator).
	Roles          []string `dynamodbav:"roles,omitempty"`
	RolesChangedAt string   `dynamodbav:"rolesChangedAt,omitempty"`
	// RequestedRoles is the partner's pending request for other roles, made at RequestedAt by RequestedBy.
	RequestedRoles  []string `dynamodbav:"requestedRoles,omitempty"`
	RequestedAt     string   `dynamodbav:"requestedAt,omitempty"`
	RequestedBy     string   `dynamodbav:"requestedBy,omitempty"`
	RequestedByName string   `dynamodbav:"requestedByName,omitempty"`
}

// roleStrings is roles as stored.
func roleStrings(roles []role.Name) []string {
	if len(roles) == 0 {
		return nil
	}
	out := make([]string, len(roles))
	for i, n := range roles {
		out[i] = string(n)
	}
	return out
}

// roleNames is stored roles as names.
func roleNames(roles []string) []role.Name {
	if len(roles) == 0 {
		return nil
	}
	out := make([]role.Name, len(roles))
	for i, n := range roles {
		out[i] = role.Name(n)
	}
	return out
}

// grantRecordOf is g as stored.
func grantRecordOf(g partneraccess.Grant) GrantRecord {
	r := GrantRecord{
		ID: g.ID, CustomerID: g.Customer.ID, CustomerName: g.Customer.Name,
		PartnerAccountID: g.Partner.ID, PartnerName: g.Partner.Name, PartnerID: g.PartnerID,
		Status: string(g.Status), Via: g.Via,
		InvitedAt: grantStamp(g.InvitedAt), InvitedBy: g.InvitedBy, InvitedByName: g.InvitedByName,
		ExpiresAt: grantStamp(g.ExpiresAt), EndsAt: grantStamp(g.EndsAt),
		TermDays: int(g.Term / partneraccess.Day), AutoExtend: g.AutoExtend,
		AcceptedAt: grantStamp(g.AcceptedAt), AcceptedBy: g.AcceptedBy,
		EndedAt: grantStamp(g.EndedAt), EndedBy: g.EndedBy, EndReason: g.EndReason,
		Staff: make([]StaffRecord, 0, len(g.Staff)), StaffChangedAt: grantStamp(g.StaffChangedAt),
		Due: g.Due.Event, DueAt: grantStamp(g.Due.At), Version: g.Version,
		Roles: roleStrings(g.Roles), RolesChangedAt: grantStamp(g.RolesChangedAt),
		RequestedRoles: roleStrings(g.RoleRequest.Roles), RequestedAt: grantStamp(g.RoleRequest.At),
		RequestedBy: g.RoleRequest.By, RequestedByName: g.RoleRequest.ByName,
	}
	for _, s := range g.Staff {
		r.Staff = append(r.Staff, StaffRecord{UserID: s.UserID, Name: s.Name, Email: s.Email, Roles: roleStrings(s.Roles)})
	}
	for _, a := range g.Groups {
		r.Groups = append(r.Groups, AssignedGroupRecord{ID: a.ID, Roles: roleStrings(a.Roles)})
	}
	return r
}

// Grant is the grant a stored record holds.
func (r GrantRecord) Grant() (partneraccess.Grant, error) {
	var errs []error
	t := func(s string) time.Time {
		v, err := parseGrantStamp(s)
		errs = append(errs, err)
		return v
	}
	g := partneraccess.Grant{
		ID: r.ID, Customer: partneraccess.Party{ID: r.CustomerID, Name: r.CustomerName},
		Partner:   partneraccess.Party{ID: r.PartnerAccountID, Name: r.PartnerName},
		PartnerID: r.PartnerID, Status: partneraccess.Status(r.Status), Via: r.Via,
		InvitedAt: t(r.InvitedAt), InvitedBy: r.InvitedBy, InvitedByName: r.InvitedByName,
		ExpiresAt: t(r.ExpiresAt), EndsAt: t(r.EndsAt),
		Term: time.Duration(r.TermDays) * partneraccess.Day, AutoExtend: r.AutoExtend,
		AcceptedAt: t(r.AcceptedAt), AcceptedBy: r.AcceptedBy,
		EndedAt: t(r.EndedAt), EndedBy: r.EndedBy, EndReason: r.EndReason,
		StaffChangedAt: t(r.StaffChangedAt),
		Due:            partneraccess.Due{Event: r.Due, At: t(r.DueAt)}, Version: r.Version,
		Roles: roleNames(r.Roles), RolesChangedAt: t(r.RolesChangedAt),
		RoleRequest: partneraccess.RoleRequest{Roles: roleNames(r.RequestedRoles), At: t(r.RequestedAt),
			By: r.RequestedBy, ByName: r.RequestedByName},
	}
	for _, s := range r.Staff {
		g.Staff = append(g.Staff, partneraccess.Staff{UserID: s.UserID, Name: s.Name, Email: s.Email, Roles: roleNames(s.Roles)})
	}
	for _, a := range r.Groups {
		g.Groups = append(g.Groups, partneraccess.AssignedGroup{ID: a.ID, Roles: roleNames(a.Roles)})
	}
	for _, err := range errs {
		if err != nil {
			return partneraccess.Grant{}, fmt.Errorf("decode grant %s: %w", r.ID, err)
		}
	}
	return g, nil
}

// grantStamp is a time as a grant stores it ("" for zero).
func grantStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return table.Timestamp(t)
}

// parseGrantStamp reads a time a grant stores (table.Timestamp); "" is the zero time.
func parseGrantStamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse("2006-01-02T15:04:05.000000000Z", s)
}

// grantItem encodes g: on its customer's list (gsi1) and its partner's list (gsi2) by its stage — pending, active,
// ended (newest first) —, on the expiry index while something is due, and, once ended, collected by TTL when it
// is no longer recent.
func grantItem(g partneraccess.Grant) (map[string]types.AttributeValue, error) {
	stage, endedAt := table.GrantStagePending, time.Time{}
	switch {
	case g.Status == partneraccess.Active:
		stage = table.GrantStageActive
	case !g.Status.Live():
		stage, endedAt = table.GrantStageEnded, g.EndedAt
	}
	key := table.GrantKey(g.ID)
	ix := []Index{
		OnGSI1(table.CustomerGrantsGSI1(g.Customer.ID, table.GrantListKey(stage, g.Partner.Name, endedAt, g.ID))),
		OnGSI2(table.PartnerGrantsGSI2(g.Partner.ID, table.GrantListKey(stage, g.Customer.Name, endedAt, g.ID))),
	}
	if g.Due.Event != "" {
		ix = append(ix, DueAt(g.Due.At, key))
	}
	item, err := Record(grantRecordOf(g), table.TypeGrant, key, ix...)
	if err != nil {
		return nil, err
	}
	if retain := g.RetainUntil(); !retain.IsZero() {
		item = WithTTL(item, retain)
	}
	return item, nil
}

// Grant reads a grant's record by id, consistently; found is false if there is none.
func (s Store) Grant(ctx context.Context, id string) (g GrantRecord, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.GrantKey(id), &g)
	return g, found, err
}

// ErrGrantNotFound is a grant that does not exist (or was collected).
var ErrGrantNotFound = fmt.Errorf("no such partner access grant: %w", fault.ErrNotFound)

// GrantByID reads a grant by id, consistently: ErrGrantNotFound if there is none.
func (s Store) GrantByID(ctx context.Context, id string) (partneraccess.Grant, error) {
	rec, found, err := s.Grant(ctx, id)
	if err != nil {
		return partneraccess.Grant{}, err
	}
	if !found {
		return partneraccess.Grant{}, ErrGrantNotFound
	}
	return rec.Grant()
}

// ErrGrantStale is a change of a grant decided on a reading that is no longer true: the grant, or another item
// the change read, changed since. UpdateGrant decides such a change again; it answers ErrGrantStale only after
// grantAttempts.
var ErrGrantStale = fmt.Errorf("partner access grant changed since it was read: %w", fault.ErrConflict)

// grantAttempts bounds how often UpdateGrant decides a change again after it lost a race.
const grantAttempts = 4

// UpdateGrant is the one way a grant changes. It reads grant id and calls change with it and a new transaction;
// change applies the rule to the grant in place (a partneraccess transition, which bumps its version) and adds
// what goes with it to tx. UpdateGrant then commits tx with the grant's replacement, on the condition that its
// version and status are still the ones read. If that condition fails — another change came first — or an item
// change added with the meaning ErrGrantStale fails, it reads again and calls change again, so the loser of a race
// answers what the winner left (the grant ended, already accepted, ...); ErrGrantStale after grantAttempts. A
// change that leaves the version as read writes nothing (and must add nothing). A grant that does not exist is
// ErrGrantNotFound; any other error of change or of the commit is answered as it is. It answers the grant as
// written.
func (s Store) UpdateGrant(ctx context.Context, id string, change func(g *partneraccess.Grant, tx *Tx) error) (partneraccess.Grant, error) {
	for range grantAttempts {
		read, err := s.GrantByID(ctx, id)
		if err != nil {
			return partneraccess.Grant{}, err
		}
		g, tx := read, s.Tx()
		if err := change(&g, tx); err != nil {
			return partneraccess.Grant{}, err
		}
		if g.Version == read.Version {
			if tx.Len() > 0 {
				return partneraccess.Grant{}, fmt.Errorf("grant %s: a change that keeps the version added %d items", id, tx.Len())
			}
			return g, nil
		}
		item, err := grantItem(g)
		if err != nil {
			return partneraccess.Grant{}, err
		}
		// The grant's own condition comes first: when it fails with others, the change is decided again.
		write := s.Tx().Add(types.TransactWriteItem{Put: &types.Put{
			TableName:                aws.String(s.Table),
			Item:                     item,
			ConditionExpression:      aws.String("#version = :v AND #status = :from"),
			ExpressionAttributeNames: map[string]string{"#version": table.AttrVersion, "#status": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":v": N(int64(read.Version)), ":from": S(string(read.Status)),
			},
		}}, ErrGrantStale).then(tx)
		err = s.Commit(ctx, write)
		if errors.Is(err, ErrGrantStale) {
			continue
		}
		if err != nil {
			return partneraccess.Grant{}, err
		}
		return g, nil
	}
	return partneraccess.Grant{}, ErrGrantStale
}

// then appends the items of o, and its building error, to t.
func (t *Tx) then(o *Tx) *Tx {
	t.items = append(t.items, o.items...)
	t.fails = append(t.fails, o.fails...)
	t.Fail(o.err)
	return t
}

// PutGrant adds the write of a new grant; onFail is what it means if its id is taken.
func (t *Tx) PutGrant(g partneraccess.Grant, onFail error) *Tx {
	item, err := grantItem(g)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(item, onFail)
}

// grantPair is the guard that names a customer's live grant to a partner.
type grantPair struct {
	GrantID string `dynamodbav:"grantId"`
}

// ClaimGrantPair adds the guard of a customer's live grant to a partner, which keeps one live grant per pair;
// onFail is what it means if another grant of the pair is pending or active.
func (t *Tx) ClaimGrantPair(customerID, partnerAccountID, grantID string, onFail error) *Tx {
	item, err := Record(grantPair{GrantID: grantID}, table.TypeGuard, table.GrantPairGuard(customerID, partnerAccountID))
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(item, onFail)
}

// ReleaseGrantPair adds the deletion of a pair guard, which must still name the grant; onFail is what it means
// if it does not.
func (t *Tx) ReleaseGrantPair(customerID, partnerAccountID, grantID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(t.table),
		Key:                       table.GrantPairGuard(customerID, partnerAccountID).AV(),
		ConditionExpression:       aws.String("grantId = :g"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": S(grantID)},
	}}, onFail)
}

// GrantPair reads the id of the customer's live grant to the partner; found is false if there is none.
func (s Store) GrantPair(ctx context.Context, customerID, partnerAccountID string) (grantID string, found bool, err error) {
	var p grantPair
	found, err = Get(ctx, s.DB, s.Table, table.GrantPairGuard(customerID, partnerAccountID), &p)
	return p.GrantID, found, err
}

// AccountOpen adds a check that holds only while an account exists and is not disabled; onFail is what it means
// if it does not.
func (t *Tx) AccountOpen(accountID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(t.table),
		Key:                       table.AccountKey(accountID).AV(),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #status <> :disabled"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":disabled": S(string(account.Disabled))},
	}}, onFail)
}

// PutStaffMember adds the write of a staff membership of a grant (m.GrantID set); onFail is what it means if the
// user already has a membership in the account, of their own or through another grant. A staff membership holds
// exactly one role (the support-staff role; its roles are never edited), so it sits in its role's partitions of
// the user list itself, with no role entry: adding or dropping a staff member is one item of the grant's
// transaction, which keeps a grant's 50 staff within its 100 items.
func (t *Tx) PutStaffMember(m user.Membership, onFail error) *Tx {
	if m.GrantID == "" {
		t.Fail(fmt.Errorf("staff membership of %s without a grant", m.UserID))
		return t
	}
	if len(entryRoles(m)) > 0 {
		t.Fail(fmt.Errorf("staff membership of %s with several roles %v", m.UserID, m.Roles))
		return t
	}
	item, err := memberItem(m)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(item, onFail)
}

// DropStaffMember adds the deletion of a grant's staff membership. A membership that is gone already (a customer
// administrator removed it) is no failure; one that is not the grant's is left alone and fails the transaction
// with onFail.
func (t *Tx) DropStaffMember(userID, accountID, grantID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(t.table),
		Key:                       table.MembershipKey(userID, accountID).AV(),
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR grantId = :g"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": S(grantID)},
	}}, onFail)
}

// grantCursorAttrs are the key attributes of a page of a customer's (gsi1) or a partner's (gsi2) grants.
var grantCursorAttrs = map[bool][]string{
	true:  {table.AttrPK, table.AttrSK, table.AttrGSI1PK, table.AttrGSI1SK},
	false: {table.AttrPK, table.AttrSK, table.AttrGSI2PK, table.AttrGSI2SK},
}

// ParseGrantCursor reads a cursor of an account's list of grants, as a customer or as a partner: ok is false for
// one that is not a grant's key on either of the account's lists.
func ParseGrantCursor(raw, accountID string) (Cursor, bool) {
	valid := func(pkAttr, skAttr, partition string) func(map[string]string) bool {
		return func(k map[string]string) bool {
			_, isGrant := table.GrantIDOf(table.Key{PK: k[table.AttrPK], SK: k[table.AttrSK]})
			return isGrant && k[pkAttr] == partition && k[skAttr] != ""
		}
	}
	if c, ok := ParseCursor(raw, grantCursorAttrs[true], valid(table.AttrGSI1PK, table.AttrGSI1SK, table.CustomerGrantsPartition(accountID))); ok {
		return c, true
	}
	return ParseCursor(raw, grantCursorAttrs[false], valid(table.AttrGSI2PK, table.AttrGSI2SK, table.PartnerGrantsPartition(accountID)))
}

// GrantsPage reads one page of a customer's (gsi1) or a partner's (gsi2) grants in list order, starting at start
// (the zero Cursor for the first page); next is the zero Cursor on the last page.
func (s Store) GrantsPage(ctx context.Context, customer bool, accountID string, limit int, start Cursor) (page []partneraccess.Grant, next Cursor, err error) {
	index, partition := table.GSI1, table.CustomerGrantsPartition(accountID)
	if !customer {
		index, partition = table.GSI2, table.PartnerGrantsPartition(accountID)
	}
	attrs := grantCursorAttrs[customer]
	items, last, err := s.QueryPage(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#p = :p"),
		ExpressionAttributeNames:  map[string]string{"#p": attrs[2]},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(partition)},
		ExclusiveStartKey:         start.key,
	}, limit, attrs...)
	if err != nil {
		return nil, Cursor{}, err
	}
	var recs []GrantRecord
	if err := attributevalue.UnmarshalListOfMaps(items, &recs); err != nil {
		return nil, Cursor{}, fmt.Errorf("decode grants: %w", err)
	}
	page = make([]partneraccess.Grant, 0, len(recs))
	for _, r := range recs {
		g, err := r.Grant()
		if err != nil {
			return nil, Cursor{}, err
		}
		page = append(page, g)
	}
	return page, cursorOf(last), nil
}
