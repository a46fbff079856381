package dynamo

// Where a membership sits in its account's user list (table.ListIndexes). This file is the one place that turns
// a membership's copies of its user (name, email, status, last sign-in) and its roles into its index keys and
// role entries: every writer of memberships — new ones, copies of the user's changes, roles, removals — goes
// through memberItem, changeMember or dropMember, so none can leave an index key or an entry behind.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Attributes of list items (memberships and role entries) that a second filter reads: a page is one facet's
// partition, and a FilterExpression on these narrows it to the other facet's rows.
const (
	attrListStatus  = "listStatus"
	attrListInitial = "listInitial"
)

// onList places a record in a user list index.
func onList(ix table.ListIndex, k table.Key) Index {
	return Index{ix.PartitionKey, ix.SortKey, k}
}

// listRowOf is the row of a membership in its account's user list.
func listRowOf(m user.Membership) table.ListRow {
	return table.ListRow{
		AccountID: m.AccountID, UserID: m.UserID, Name: m.UserName, Email: m.UserEmail,
		Status: m.UserStatus.Registration(), LastLoginAt: m.LastLoginAt,
	}
}

// distinctRoles are a membership's roles, each once, sorted.
func distinctRoles(m user.Membership) []role.Name {
	return slices.Compact(slices.Sorted(slices.Values(m.Roles)))
}

// entryRoles are the roles a membership is listed under by role entries: all of them when it holds several,
// none when it holds one (it sits in that role's partitions itself) or none.
func entryRoles(m user.Membership) []role.Name {
	if rs := distinctRoles(m); len(rs) > 1 {
		return rs
	}
	return nil
}

// memberIndexes places a membership on its account's user list — gsi1 in name order, which MemberUserIDs also
// reads, and the list's other indexes in its status's and initial's partitions, and in its role's if it holds
// exactly one — and, if it holds the account's administrator role, on its account's list of administrators.
func memberIndexes(m user.Membership) []Index {
	r := listRowOf(m)
	roles := distinctRoles(m)
	var ix []Index
	for _, li := range table.ListIndexes {
		switch li.Facet {
		case table.FacetAll:
			ix = append(ix, onList(li, r.Key(li, "")))
		case table.FacetStatus:
			ix = append(ix, onList(li, r.Key(li, r.Status)))
		case table.FacetInitial:
			ix = append(ix, onList(li, r.Key(li, r.Initial())))
		case table.FacetRole:
			if len(roles) == 1 {
				ix = append(ix, onList(li, r.Key(li, string(roles[0]))))
			}
		}
	}
	if slices.Contains(m.Roles, adminRole(m)) {
		ix = append(ix, OnGSI2(table.AdminsGSI2(m.AccountID, m.UserID)))
	}
	return ix
}

// withListAttrs adds the row's status and initial, which second filters read, to a list item.
func withListAttrs(item map[string]types.AttributeValue, r table.ListRow) map[string]types.AttributeValue {
	item[attrListStatus] = S(r.Status)
	item[attrListInitial] = S(r.Initial())
	return item
}

// memberItem encodes a membership with its index keys.
func memberItem(m user.Membership) (map[string]types.AttributeValue, error) {
	item, err := Record(m, table.TypeMember, table.MembershipKey(m.UserID, m.AccountID), memberIndexes(m)...)
	if err != nil {
		return nil, err
	}
	return withListAttrs(item, listRowOf(m)), nil
}

// roleEntry lists a membership that holds several roles under one of them: it copies what the row shows and
// sits in that role's partitions of the user list's role indexes.
type roleEntry struct {
	UserID      string      `dynamodbav:"userId"`
	AccountID   string      `dynamodbav:"accountId"`
	Role        role.Name   `dynamodbav:"role"`
	UserName    string      `dynamodbav:"userName"`
	UserEmail   string      `dynamodbav:"userEmail"`
	UserStatus  user.Status `dynamodbav:"userStatus,omitempty"`
	LastLoginAt time.Time   `dynamodbav:"lastLoginAt,omitempty"`
	Roles       []role.Name `dynamodbav:"roles"`
}

// roleEntryItem encodes the role entry of membership m under role r.
func roleEntryItem(m user.Membership, r role.Name) (map[string]types.AttributeValue, error) {
	row := listRowOf(m)
	var ix []Index
	for _, li := range table.ListIndexes {
		if li.Facet == table.FacetRole {
			ix = append(ix, onList(li, row.Key(li, string(r))))
		}
	}
	item, err := Record(roleEntry{
		UserID: m.UserID, AccountID: m.AccountID, Role: r, UserName: m.UserName, UserEmail: m.UserEmail,
		UserStatus: m.UserStatus, LastLoginAt: m.LastLoginAt, Roles: m.Roles,
	}, table.TypeMemberRole, table.MemberRoleKey(m.UserID, m.AccountID, string(r)), ix...)
	if err != nil {
		return nil, err
	}
	return withListAttrs(item, row), nil
}

// roleEntryPuts are the writes of a membership's role entries (none if it holds fewer than two roles). They
// carry no condition: they go with a write of the membership that has one.
func roleEntryPuts(tableName string, m user.Membership) ([]types.TransactWriteItem, error) {
	var out []types.TransactWriteItem
	for _, r := range entryRoles(m) {
		item, err := roleEntryItem(m, r)
		if err != nil {
			return nil, fmt.Errorf("encode role entry: %w", err)
		}
		out = append(out, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(tableName), Item: item}})
	}
	return out, nil
}

// roleEntryDeletes are the deletions of m's role entries under roles.
func roleEntryDeletes(tableName string, m user.Membership, roles []role.Name) []types.TransactWriteItem {
	out := make([]types.TransactWriteItem, 0, len(roles))
	for _, r := range roles {
		out = append(out, types.TransactWriteItem{Delete: &types.Delete{
			TableName: aws.String(tableName), Key: table.MemberRoleKey(m.UserID, m.AccountID, string(r)).AV(),
		}})
	}
	return out
}

// newMember is the write of a new membership, which must not exist yet, and of its role entries.
func newMember(tableName string, m user.Membership) ([]types.TransactWriteItem, error) {
	item, err := memberItem(m)
	if err != nil {
		return nil, fmt.Errorf("encode membership: %w", err)
	}
	entries, err := roleEntryPuts(tableName, m)
	if err != nil {
		return nil, err
	}
	return append([]types.TransactWriteItem{PutNew(tableName, item)}, entries...), nil
}

// rowAttrs are the attributes of a membership that its row in the user list is made of: the copies, the
// roles, the second filters' attributes and every index key that depends on them.
var rowAttrs = func() []string {
	attrs := []string{"userName", "userEmail", "userStatus", "lastLoginAt", "roles", attrListStatus, attrListInitial,
		table.AttrGSI2PK, table.AttrGSI2SK}
	for _, li := range table.ListIndexes {
		attrs = append(attrs, li.PartitionKey, li.SortKey)
	}
	return attrs
}()

// changeMember is the write that makes a membership read as m into next — new copies of the user, new roles —
// with every index key and role entry moved along. The membership's update holds only while it exists at the
// version read, and moves the version on: the entries and keys are computed from what was read (the name and
// roles a sign-in's copy keeps, the last sign-in a rename keeps), so two changes decided on the same reading
// cannot both commit. Its first item is the membership's, the one with a condition.
func changeMember(tableName string, m, next user.Membership) ([]types.TransactWriteItem, error) {
	now, err := memberItem(next)
	if err != nil {
		return nil, fmt.Errorf("encode membership: %w", err)
	}
	cond, values := versionIs(m.Version)
	values[":next"] = N(int64(m.Version + 1))
	names := map[string]string{"#version": table.AttrVersion}
	set := []string{"#version = :next"}
	var remove []string
	for i, attr := range rowAttrs {
		p := fmt.Sprintf("#r%d", i)
		names[p] = attr
		if v, ok := now[attr]; ok {
			values[":r"+p[2:]] = v
			set = append(set, p+" = :r"+p[2:])
		} else {
			remove = append(remove, p)
		}
	}
	update := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.MembershipKey(m.UserID, m.AccountID).AV(),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(pk) AND " + cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}}
	puts, err := roleEntryPuts(tableName, next)
	if err != nil {
		return nil, err
	}
	gone := slices.DeleteFunc(entryRoles(m), func(r role.Name) bool { return slices.Contains(entryRoles(next), r) })
	return append(append(items, puts...), roleEntryDeletes(tableName, m, gone)...), nil
}

// dropMember is the deletion of a membership read as m, which must still exist at the version read, with its
// role entries. Its first item is the membership's, the one with a condition.
func dropMember(tableName string, m user.Membership) []types.TransactWriteItem {
	cond, values := versionIs(m.Version)
	return append([]types.TransactWriteItem{{Delete: &types.Delete{
		TableName:                 aws.String(tableName),
		Key:                       table.MembershipKey(m.UserID, m.AccountID).AV(),
		ConditionExpression:       aws.String("attribute_exists(pk) AND " + cond),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: values,
	}}}, roleEntryDeletes(tableName, m, entryRoles(m))...)
}

// addMemberItems adds items built for one membership: the first, the membership's own, with onFail; the role
// entries, which have no condition, with none.
func (t *Tx) addMemberItems(items []types.TransactWriteItem, err error, onFail error) *Tx {
	if err != nil {
		t.Fail(err)
		return t
	}
	for i, item := range items {
		if i == 0 {
			t.Add(item, onFail)
		} else {
			t.Add(item, nil)
		}
	}
	return t
}

// changeOf is a membership read as m with the changes of change applied: what changeMember writes.
func changeOf(m user.Membership, change func(*user.Membership)) user.Membership {
	next := m
	next.Roles = slices.Clone(m.Roles)
	change(&next)
	return next
}
