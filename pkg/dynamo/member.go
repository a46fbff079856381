package dynamo

// Reads and conditional writes of user maintenance: an account's user list, read from the memberships on gsi1;
// the sparse list of an account's administrators on gsi2; the copies of user data that memberships keep; and
// the version-checked changes of roles, names and user status. The use cases in package member put the writes
// into one TransactWriteItems each, with their audit events (see the access patterns in package table).

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// BatchGetter is the batch read the user list makes to fetch the users of one page in one request.
type BatchGetter interface {
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

var _ BatchGetter = (*dynamodb.Client)(nil)

// MemberRow is a membership as the user list reads it: what a row shows and what it is searched, filtered and
// sorted on.
type MemberRow struct {
	UserID      string      `dynamodbav:"userId"`
	Name        string      `dynamodbav:"userName"`
	Email       string      `dynamodbav:"userEmail"`
	Status      user.Status `dynamodbav:"userStatus"`
	LastLoginAt time.Time   `dynamodbav:"lastLoginAt"`
	Roles       []role.Name `dynamodbav:"roles"`
	// NameKey is the row's place in name order, its gsi1 sort key: the folded name, "#", the user id.
	NameKey string `dynamodbav:"gsi1sk"`
}

// memberRowAttrs are the attributes a MemberRow is read from; queries project nothing else.
var memberRowAttrs = []string{"userId", "userName", "userEmail", "userStatus", "lastLoginAt", "roles", table.AttrGSI1SK}

// projection is a ProjectionExpression of attrs with a placeholder name for each, so reserved words are safe.
func projection(attrs []string) (string, map[string]string) {
	names := make(map[string]string, len(attrs))
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		p := "#p" + strconv.Itoa(i)
		names[p] = a
		parts[i] = p
	}
	return strings.Join(parts, ", "), names
}

// membersQuery is the query of an account's user list on gsi1, projected to a MemberRow.
func (s Store) membersQuery(accountID string) *dynamodb.QueryInput {
	proj, names := projection(memberRowAttrs)
	names["#gpk"] = table.AttrGSI1PK
	return &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		IndexName:                 aws.String(table.GSI1),
		KeyConditionExpression:    aws.String("#gpk = :p"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(table.MembersPartition(accountID))},
		ProjectionExpression:      aws.String(proj),
	}
}

// MembersPage reads up to limit rows of an account's user list in name order (descending if desc), whose name
// key starts with prefix ("" for all: the A–Z filter is a prefix of collated names), starting after the row whose
// name key is after ("" for the first page). more reports whether rows follow. It reads one row more than it
// returns to know that, and no more.
func (s Store) MembersPage(ctx context.Context, accountID, prefix, after string, desc bool, limit int) (rows []MemberRow, more bool, err error) {
	in := s.membersQuery(accountID)
	in.ScanIndexForward = aws.Bool(!desc)
	if prefix != "" {
		in.KeyConditionExpression = aws.String("#gpk = :p AND begins_with(#gsk, :prefix)")
		in.ExpressionAttributeNames["#gsk"] = table.AttrGSI1SK
		in.ExpressionAttributeValues[":prefix"] = S(prefix)
	}
	if after != "" {
		i := strings.LastIndexByte(after, '#')
		if i < 0 {
			return nil, false, fmt.Errorf("members page: bad position")
		}
		k := table.MembershipKey(after[i+1:], accountID)
		in.ExclusiveStartKey = map[string]types.AttributeValue{
			table.AttrGSI1PK: S(table.MembersPartition(accountID)), table.AttrGSI1SK: S(after),
			table.AttrPK: S(k.PK), table.AttrSK: S(k.SK),
		}
	}
	for {
		in.Limit = aws.Int32(int32(limit + 1 - len(rows)))
		page, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, false, Unavailable("query members", err)
		}
		var got []MemberRow
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &got); err != nil {
			return nil, false, fmt.Errorf("decode members: %w", err)
		}
		rows = append(rows, got...)
		if len(rows) > limit {
			return rows[:limit], true, nil
		}
		if len(page.LastEvaluatedKey) == 0 {
			return rows, false, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// Members reads every row of an account's user list, in name order: one Query per megabyte of memberships
// (about 2,500 of them).
func (s Store) Members(ctx context.Context, accountID string) ([]MemberRow, error) {
	in := s.membersQuery(accountID)
	var rows []MemberRow
	for {
		page, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, Unavailable("query members", err)
		}
		var got []MemberRow
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &got); err != nil {
			return nil, fmt.Errorf("decode members: %w", err)
		}
		rows = append(rows, got...)
		if len(page.LastEvaluatedKey) == 0 {
			return rows, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// batchGetMax is the most keys one BatchGetItem takes.
const batchGetMax = 100

// batchAttempts bounds the re-requests of keys DynamoDB left unprocessed (under throttling).
const batchAttempts = 5

// UsersByID reads users by id, up to 100 per request (eventually consistent: the details of a page of the
// user list). Users that do not exist are missing from the answer.
func UsersByID(ctx context.Context, db BatchGetter, tableName string, ids []string) (map[string]user.User, error) {
	out := make(map[string]user.User, len(ids))
	for chunk := range slices.Chunk(ids, batchGetMax) {
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = table.UserKey(id).AV()
		}
		req := map[string]types.KeysAndAttributes{tableName: {Keys: keys}}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == batchAttempts {
				return nil, Unavailable("batch get users", fmt.Errorf("keys left unprocessed"))
			}
			if attempt > 0 {
				select {
				case <-ctx.Done():
					return nil, Unavailable("batch get users", ctx.Err())
				case <-time.After(time.Duration(attempt*attempt) * 20 * time.Millisecond):
				}
			}
			res, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, Unavailable("batch get users", err)
			}
			for _, item := range res.Responses[tableName] {
				var u user.User
				if err := attributevalue.UnmarshalMap(item, &u); err != nil {
					return nil, fmt.Errorf("decode user: %w", err)
				}
				out[u.ID] = u
			}
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}

// Admins lists up to limit ids of the users whose membership of an account holds its administrator role, from
// gsi2 (eventually consistent: a transaction that relies on one of them checks it with AdminCheck).
func (s Store) Admins(ctx context.Context, accountID string, limit int) ([]string, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		IndexName:                 aws.String(table.GSI2),
		KeyConditionExpression:    aws.String("#pk = :p"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.AttrGSI2PK, "#sk": table.AttrGSI2SK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(table.AdminsPartition(accountID))},
		ProjectionExpression:      aws.String("#sk"),
		Limit:                     aws.Int32(int32(limit)),
	})
	if err != nil {
		return nil, Unavailable("query admins", err)
	}
	ids := make([]string, 0, len(out.Items))
	for _, item := range out.Items {
		if s, ok := item[table.AttrGSI2SK].(*types.AttributeValueMemberS); ok {
			ids = append(ids, s.Value)
		}
	}
	return ids, nil
}

// adminRole is the administrator role of a membership's account.
func adminRole(m user.Membership) role.Name { return role.AdminFor(m.AccountKind) }

// memberIndexes places a membership on its account's user list and, if it holds the account's administrator
// role, on its account's list of administrators.
func memberIndexes(m user.Membership) []Index {
	ix := []Index{OnGSI1(table.MembersGSI1(m.AccountID, m.UserName, m.UserID))}
	if slices.Contains(m.Roles, adminRole(m)) {
		ix = append(ix, OnGSI2(table.AdminsGSI2(m.AccountID, m.UserID)))
	}
	return ix
}

// AdminCheck is the transaction item that holds only while userID's membership of accountID still holds the
// administrator role admin. Removing or demoting another administrator commits only together with it.
func AdminCheck(tableName, userID, accountID string, admin role.Name) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(tableName),
		Key:                       table.MembershipKey(userID, accountID).AV(),
		ConditionExpression:       aws.String("attribute_exists(pk) AND contains(#roles, :admin)"),
		ExpressionAttributeNames:  map[string]string{"#roles": "roles"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":admin": S(string(admin))},
	}}
}

// MemberCheck is the transaction item that holds only while a membership exists.
func MemberCheck(tableName, userID, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:           aws.String(tableName),
		Key:                 table.MembershipKey(userID, accountID).AV(),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}
}

// memberUpdate is an update of a membership that still exists: it never recreates one removed meanwhile.
func memberUpdate(tableName, userID, accountID, set string, values map[string]types.AttributeValue) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.MembershipKey(userID, accountID).AV(),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: values,
	}}
}

// MemberStatus is the transaction item that copies a user's new status onto one of their memberships.
func MemberStatus(tableName, userID, accountID string, st user.Status) types.TransactWriteItem {
	return memberUpdate(tableName, userID, accountID, "SET userStatus = :s", map[string]types.AttributeValue{":s": S(string(st))})
}

// MemberLogin is the transaction item that copies a user's last sign-in onto one of their memberships. at is
// encoded as the user's own lastLoginAt is.
func MemberLogin(tableName, userID, accountID string, at types.AttributeValue) types.TransactWriteItem {
	return memberUpdate(tableName, userID, accountID, "SET lastLoginAt = :at", map[string]types.AttributeValue{":at": at})
}

// MemberName is the transaction item that copies a user's new name onto one of their memberships and moves it
// to its new place in its account's name order.
func MemberName(tableName, userID, accountID, name string) types.TransactWriteItem {
	return memberUpdate(tableName, userID, accountID, "SET userName = :n, gsi1sk = :k", map[string]types.AttributeValue{
		":n": S(name), ":k": S(table.MembersGSI1(accountID, name, userID).SK),
	})
}

// versionIs is the condition that an item's version is still v; an item written without a version is at 0.
func versionIs(v int) (string, map[string]types.AttributeValue) {
	if v == 0 {
		return "(attribute_not_exists(#version) OR #version = :v)", map[string]types.AttributeValue{":v": N(0)}
	}
	return "#version = :v", map[string]types.AttributeValue{":v": N(int64(v))}
}

// MemberRoles is the transaction item that gives a membership, read at m.Version, new roles, and puts it on or
// takes it off its account's list of administrators.
func MemberRoles(tableName string, m user.Membership, roles []role.Name) (types.TransactWriteItem, error) {
	list, err := attributevalue.Marshal(roles)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	cond, values := versionIs(m.Version)
	values[":roles"] = list
	values[":next"] = N(int64(m.Version + 1))
	names := map[string]string{"#roles": "roles", "#version": table.AttrVersion, "#apk": table.AttrGSI2PK, "#ask": table.AttrGSI2SK}
	update := "SET #roles = :roles, #version = :next"
	if slices.Contains(roles, adminRole(m)) {
		k := table.AdminsGSI2(m.AccountID, m.UserID)
		update += ", #apk = :apk, #ask = :ask"
		values[":apk"], values[":ask"] = S(k.PK), S(k.SK)
	} else {
		update += " REMOVE #apk, #ask"
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.MembershipKey(m.UserID, m.AccountID).AV(),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(pk) AND " + cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}, nil
}

// DeleteMember is the transaction item that deletes a membership, which must still exist.
func DeleteMember(tableName, userID, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName:           aws.String(tableName),
		Key:                 table.MembershipKey(userID, accountID).AV(),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}
}

// UserContact is what an administrator edits on a user: the name and the phone numbers (empty removes one).
type UserContact struct {
	Name, Phone, Mobile string
}

// EditUser is the transaction item that sets a user's name and phone numbers if the user is still at the
// version read.
func EditUser(tableName string, u user.User, c UserContact) types.TransactWriteItem {
	values := map[string]types.AttributeValue{":v": N(int64(u.Version)), ":one": N(1), ":name": S(c.Name)}
	names := map[string]string{"#name": "name", "#version": table.AttrVersion}
	set := []string{"#name = :name", "#version = #version + :one"}
	var remove []string
	for attr, value := range map[string]string{"phone": c.Phone, "mobile": c.Mobile} {
		names["#"+attr] = attr
		if value == "" {
			remove = append(remove, "#"+attr)
			continue
		}
		values[":"+attr] = S(value)
		set = append(set, "#"+attr+" = :"+attr)
	}
	slices.Sort(set)
	slices.Sort(remove)
	update := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(u.ID).AV(),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}
}

// UserUnchanged is the transaction item that holds only while a user is still at the version read, and moves
// the version on, so that two changes decided on the same reading (a removal that found no other account, an
// accepted invitation) cannot both commit.
func UserUnchanged(tableName string, u user.User) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(u.ID).AV(),
		UpdateExpression:          aws.String("SET #version = #version + :one"),
		ConditionExpression:       aws.String("#version = :v AND #status <> :disabled"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion, "#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": N(int64(u.Version)), ":one": N(1), ":disabled": S(string(user.Disabled))},
	}}
}

// DisableUser is the transaction item that disables a user, read at u.Version, whose last access is removed.
func DisableUser(tableName string, u user.User) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(u.ID).AV(),
		UpdateExpression:          aws.String("SET #status = :disabled, #version = #version + :one"),
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion, "#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": N(int64(u.Version)), ":one": N(1), ":disabled": S(string(user.Disabled))},
	}}
}

// Invitation is a pending invitation of an existing login into an account: the roles it grants, who sent it,
// and the current link token. There is at most one per user and account.
type Invitation struct {
	UserID           string      `dynamodbav:"userId"`
	AccountID        string      `dynamodbav:"accountId"`
	Roles            []role.Name `dynamodbav:"roles"`
	TokenID          string      `dynamodbav:"tokenId"`
	InvitedBy        string      `dynamodbav:"invitedBy"`
	InviterAccountID string      `dynamodbav:"inviterAccountId"`
	SentAt           time.Time   `dynamodbav:"sentAt"`
	ExpiresAt        time.Time   `dynamodbav:"expiresAt"`
	MessageID        string      `dynamodbav:"messageId"`
}

// invitationRetention keeps a lapsed invitation a while for the late click, like tokens; TTL then collects it.
const invitationRetention = 30 * 24 * time.Hour

// Invitation reads a user's invitation into an account; found is false if there is none.
func (s Store) Invitation(ctx context.Context, userID, accountID string) (inv Invitation, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.InvitationKey(userID, accountID), &inv)
	return inv, found, err
}

// PutInvitation is the transaction item that writes an invitation. A first invitation needs no other; one that
// replaces prev holds only if prev is still the current one (a concurrent re-invitation makes it fail).
func PutInvitation(tableName string, inv Invitation, prev *Invitation) (types.TransactWriteItem, error) {
	item, err := Record(inv, table.TypeInvitation, table.InvitationKey(inv.UserID, inv.AccountID))
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	put := &types.Put{TableName: aws.String(tableName), Item: WithTTL(item, inv.ExpiresAt.Add(invitationRetention))}
	if prev == nil {
		put.ConditionExpression = aws.String("attribute_not_exists(pk)")
	} else {
		sent, err := attributevalue.Marshal(prev.SentAt)
		if err != nil {
			return types.TransactWriteItem{}, err
		}
		put.ConditionExpression = aws.String("tokenId = :tid AND sentAt = :sent")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":tid": S(prev.TokenID), ":sent": sent}
	}
	return types.TransactWriteItem{Put: put}, nil
}

// TakeInvitation is the transaction item that deletes an invitation while it still names tokenID: accepting
// it consumes it.
func TakeInvitation(tableName, userID, accountID, tokenID string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(tableName),
		Key:                       table.InvitationKey(userID, accountID).AV(),
		ConditionExpression:       aws.String("tokenId = :tid"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":tid": S(tokenID)},
	}}
}

// MemberAccounts lists the ids of the accounts a user is a member of (consistently).
func (s Store) MemberAccounts(ctx context.Context, userID string) ([]string, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(table.UserKey(userID).PK),
			":sk": S(table.MembershipPrefix),
		},
		ProjectionExpression: aws.String("accountId"),
		ConsistentRead:       aws.Bool(true),
	})
	if err != nil {
		return nil, Unavailable("member accounts", err)
	}
	ids := make([]string, 0, len(out.Items))
	for _, item := range out.Items {
		if s, ok := item["accountId"].(*types.AttributeValueMemberS); ok {
			ids = append(ids, s.Value)
		}
	}
	return ids, nil
}

// maxLoginCopies bounds how many other memberships a sign-in copies its time to in its transaction (which holds
// at most 100 items); a user with more memberships than that has the rest copied at their next sign-ins.
const maxLoginCopies = 50

// loginCopies are the transaction items of a sign-in that copy its time onto the user's memberships other than
// the one of the session's account, which the sign-in updates anyway. They are read consistently just before.
func (s Store) loginCopies(ctx context.Context, userID, sessionAccountID string, at types.AttributeValue) ([]types.TransactWriteItem, error) {
	ids, err := s.MemberAccounts(ctx, userID)
	if err != nil {
		return nil, err
	}
	var items []types.TransactWriteItem
	for _, id := range ids {
		if id != sessionAccountID && len(items) < maxLoginCopies {
			items = append(items, MemberLogin(s.Table, userID, id, at))
		}
	}
	return items, nil
}

// onlyCopiesFailed reports whether a cancelled transaction failed only on items from index from on: the
// copies to other memberships, one of which was removed meanwhile.
func onlyCopiesFailed(err error, from int) bool {
	reasons := Reasons(err)
	failed := false
	for i, r := range reasons {
		if r == "None" {
			continue
		}
		if i < from {
			return false
		}
		failed = true
	}
	return failed
}

// UserAt is the transaction item that holds only while a user is still at the version read.
func UserAt(tableName string, u user.User) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(u.ID).AV(),
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": N(int64(u.Version))},
	}}
}

// RehomeUser is the transaction item that moves a user, read at u.Version, to another home account (where
// their sessions start) and moves the version on. A removal includes it, with the same home when that stays,
// so that two removals decided on the same reading of the user's memberships cannot both commit.
func RehomeUser(tableName string, u user.User, home string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(u.ID).AV(),
		UpdateExpression:          aws.String("SET homeAccountId = :home, #version = #version + :one"),
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": N(int64(u.Version)), ":one": N(1), ":home": S(home)},
	}}
}
