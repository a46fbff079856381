package dynamo

// Records, reads and conditional writes of partner access (package grant): Partner IDs and their guards, grants
// with their pair guards and lists, the staff memberships a grant owns, and partners' share links. Package grant
// puts the writes into one TransactWriteItems each, with their audit events and outbox messages (see the access
// patterns in package table).

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
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
	AcceptedAt       string        `dynamodbav:"acceptedAt,omitempty"`
	AcceptedBy       string        `dynamodbav:"acceptedBy,omitempty"`
	EndedAt          string        `dynamodbav:"endedAt,omitempty"`
	EndedBy          string        `dynamodbav:"endedBy,omitempty"`
	EndReason        string        `dynamodbav:"endReason,omitempty"`
	Staff            []StaffRecord `dynamodbav:"staff"`
	StaffChangedAt   string        `dynamodbav:"staffChangedAt,omitempty"`
	// Due names what the expiry sweep does at DueAt (invitation expiry, a reminder, the end); empty when nothing
	// is due, and then the grant is off the expiry index.
	Due     string `dynamodbav:"due,omitempty"`
	DueAt   string `dynamodbav:"dueAt,omitempty"`
	Version int    `dynamodbav:"version"`
}

// GrantListing is where a grant sits in its two lists, and how long an ended grant stays.
type GrantListing struct {
	Stage int // table.GrantStagePending, GrantStageActive or GrantStageEnded
	// EndedAt orders ended grants; Retain is when TTL may collect an ended grant (zero for live ones).
	EndedAt, Retain time.Time
}

// GrantItem encodes a grant: on its customer's list (gsi1), its partner's list (gsi2) and, while something is
// due, on the expiry index.
func GrantItem(g GrantRecord, l GrantListing) (map[string]types.AttributeValue, error) {
	key := table.GrantKey(g.ID)
	ix := []Index{
		OnGSI1(table.CustomerGrantsGSI1(g.CustomerID, table.GrantListKey(l.Stage, g.PartnerName, l.EndedAt, g.ID))),
		OnGSI2(table.PartnerGrantsGSI2(g.PartnerAccountID, table.GrantListKey(l.Stage, g.CustomerName, l.EndedAt, g.ID))),
	}
	if g.Due != "" {
		due, err := time.Parse(stampLayout, g.DueAt)
		if err != nil {
			return nil, fmt.Errorf("grant %s due at %q: %w", g.ID, g.DueAt, err)
		}
		ix = append(ix, DueAt(due, key))
	}
	item, err := Record(g, table.TypeGrant, key, ix...)
	if err != nil {
		return nil, err
	}
	if !l.Retain.IsZero() {
		item = WithTTL(item, l.Retain)
	}
	return item, nil
}

// stampLayout parses table.Timestamp strings.
const stampLayout = "2006-01-02T15:04:05.000000000Z"

// Grant reads a grant by id, consistently; found is false if there is none.
func (s Store) Grant(ctx context.Context, id string) (g GrantRecord, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.GrantKey(id), &g)
	return g, found, err
}

// PutGrantAt is the transaction item that replaces a grant read at version in status from with its next state.
// It fails its condition if anything changed the grant since it was read: of two changes decided on the same
// reading, one commits.
func PutGrantAt(tableName string, item map[string]types.AttributeValue, version int, from string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName:                aws.String(tableName),
		Item:                     item,
		ConditionExpression:      aws.String("#version = :v AND #status = :from"),
		ExpressionAttributeNames: map[string]string{"#version": table.AttrVersion, "#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":v": N(int64(version)), ":from": S(from),
		},
	}}
}

// grantPair is the guard that names a customer's live grant to a partner.
type grantPair struct {
	GrantID string `dynamodbav:"grantId"`
}

// GrantPairItem is the guard of a customer's live grant to a partner: a Put of it with attribute_not_exists
// fails while another grant of the pair is pending or active.
func GrantPairItem(customerID, partnerAccountID, grantID string) (map[string]types.AttributeValue, error) {
	return Record(grantPair{GrantID: grantID}, table.TypeGuard, table.GrantPairGuard(customerID, partnerAccountID))
}

// ReleaseGrantPair is the transaction item that deletes a pair guard, which must still name the grant.
func ReleaseGrantPair(tableName, customerID, partnerAccountID, grantID string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(tableName),
		Key:                       table.GrantPairGuard(customerID, partnerAccountID).AV(),
		ConditionExpression:       aws.String("grantId = :g"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": S(grantID)},
	}}
}

// AccountOpen is the transaction item that holds only while an account exists and is not disabled.
func AccountOpen(tableName, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(tableName),
		Key:                       table.AccountKey(accountID).AV(),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #status <> :disabled"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":disabled": S(string(account.Disabled))},
	}}
}

// PutStaffMember is the transaction item that writes a staff membership of a grant (m.GrantID set). It fails
// its condition if the user already has a membership in the account, of their own or through another grant.
func PutStaffMember(tableName string, m user.Membership) (types.TransactWriteItem, error) {
	if m.GrantID == "" {
		return types.TransactWriteItem{}, fmt.Errorf("staff membership of %s without a grant", m.UserID)
	}
	item, err := MembershipItem(m)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return PutNew(tableName, item), nil
}

// DropStaffMember is the transaction item that deletes a grant's staff membership. A membership that is gone
// already (a customer administrator removed it) is no failure; one that is not the grant's is left alone and
// fails the transaction.
func DropStaffMember(tableName, userID, accountID, grantID string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(tableName),
		Key:                       table.MembershipKey(userID, accountID).AV(),
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR grantId = :g"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": S(grantID)},
	}}
}

// GrantsPage reads one page of a customer's (gsi1) or a partner's (gsi2) grants in list order, starting after
// start (nil for the first page); next is nil on the last page.
func (s Store) GrantsPage(ctx context.Context, customer bool, accountID string, limit int, start map[string]types.AttributeValue) (page []GrantRecord, next map[string]types.AttributeValue, err error) {
	index, pkAttr, skAttr, partition := table.GSI1, table.AttrGSI1PK, table.AttrGSI1SK, table.CustomerGrantsPartition(accountID)
	if !customer {
		index, pkAttr, skAttr, partition = table.GSI2, table.AttrGSI2PK, table.AttrGSI2SK, table.PartnerGrantsPartition(accountID)
	}
	items, next, err := s.QueryPage(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#p = :p"),
		ExpressionAttributeNames:  map[string]string{"#p": pkAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(partition)},
		ExclusiveStartKey:         start,
	}, limit, table.AttrPK, table.AttrSK, pkAttr, skAttr)
	if err != nil {
		return nil, nil, err
	}
	if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
		return nil, nil, fmt.Errorf("decode grants: %w", err)
	}
	return page, next, nil
}

// Contact is someone to email about an account: one of its administrators.
type Contact struct {
	UserID string      `dynamodbav:"userId"`
	Name   string      `dynamodbav:"userName"`
	Email  string      `dynamodbav:"userEmail"`
	Status user.Status `dynamodbav:"userStatus"`
}

// AdminContacts lists up to limit administrators of an account who are not disabled, with the name and email
// their memberships copy, from the sparse administrators list on gsi2.
func (s Store) AdminContacts(ctx context.Context, accountID string, limit int) ([]Contact, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		IndexName:                 aws.String(table.GSI2),
		KeyConditionExpression:    aws.String("#pk = :p"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.AttrGSI2PK, "#u": "userId", "#n": "userName", "#e": "userEmail", "#s": "userStatus"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(table.AdminsPartition(accountID))},
		ProjectionExpression:      aws.String("#u, #n, #e, #s"),
	}
	var out []Contact
	for {
		page, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, Unavailable("query admin contacts", err)
		}
		var got []Contact
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &got); err != nil {
			return nil, fmt.Errorf("decode admin contacts: %w", err)
		}
		for _, c := range got {
			if c.Status != user.Disabled && c.Email != "" {
				out = append(out, c)
			}
			if len(out) == limit {
				return out, nil
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// ShareLinkRecord is a partner's share link as stored: its id (the link's token is derived from it with the HMAC
// key and is stored nowhere), the partner it names and its deadline.
type ShareLinkRecord struct {
	ID               string    `dynamodbav:"id"`
	PartnerAccountID string    `dynamodbav:"partnerAccountId"`
	CreatedBy        string    `dynamodbav:"createdBy"`
	CreatedAt        time.Time `dynamodbav:"createdAt"`
	ExpiresAt        time.Time `dynamodbav:"expiresAt"`
}

// shareLinkRetention keeps an expired share link a while, so that a late click learns it expired.
const shareLinkRetention = 30 * 24 * time.Hour

// PutShareLink is the transaction item that writes a new share link.
func PutShareLink(tableName string, l ShareLinkRecord) (types.TransactWriteItem, error) {
	item, err := Record(l, table.TypeShareLink, table.ShareLinkKey(l.ID))
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return PutNew(tableName, WithTTL(item, l.ExpiresAt.Add(shareLinkRetention))), nil
}

// ShareLink reads a share link by id; found is false if there is none.
func (s Store) ShareLink(ctx context.Context, id string) (l ShareLinkRecord, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.ShareLinkKey(id), &l)
	return l, found, err
}
