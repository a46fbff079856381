package dynamo

// Conditional writes of user maintenance: the copies of user data that memberships keep, and the
// version-checked changes of roles and memberships, all built by listing.go's changeMember and dropMember. The
// use cases in package member add them to one Tx each, with their audit events, usually through the user's
// update seam (UpdateUser).

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func adminRole(m user.Membership) role.Name { return role.AdminFor(m.AccountKind) }

// RequireAdmin adds the check that userID's membership of accountID still holds the administrator role admin:
// removing or demoting another administrator commits only together with it. onFail is what it means if not.
func (t *Tx) RequireAdmin(userID, accountID string, admin role.Name, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(t.table),
		Key:                       table.MembershipKey(userID, accountID).AV(),
		ConditionExpression:       aws.String("attribute_exists(pk) AND contains(#roles, :admin)"),
		ExpressionAttributeNames:  map[string]string{"#roles": "roles"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":admin": S(string(admin))},
	}}, onFail)
}

// RequireNotMember adds the check that a user is not a member of an account; onFail is what it means if they are.
func (t *Tx) RequireNotMember(userID, accountID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:           aws.String(t.table),
		Key:                 table.MembershipKey(userID, accountID).AV(),
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}, onFail)
}

// MemberCheck is the transaction item that holds only while a membership exists.
func MemberCheck(tableName, userID, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:           aws.String(tableName),
		Key:                 table.MembershipKey(userID, accountID).AV(),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}
}

// MemberStatus is the write that copies a user's new status onto one of their memberships, read as m: the
// membership's update, held to the version read, and its role entries (see changeMember). Test harnesses that
// activate users without a request build it; use cases add it with Tx.MemberStatus.
func MemberStatus(tableName string, m user.Membership, st user.Status) ([]types.TransactWriteItem, error) {
	return changeMember(tableName, m, changeOf(m, func(n *user.Membership) { n.UserStatus = st }))
}

// MemberStatus adds the copy of a user's new status onto one of their memberships, read as m, which moves it to
// its new place in its account's user list; onFail is what it means if the membership is gone or changed since
// it was read.
func (t *Tx) MemberStatus(m user.Membership, st user.Status, onFail error) *Tx {
	items, err := MemberStatus(t.table, m, st)
	return t.addMemberItems(items, err, onFail)
}

// RenameMember adds the copy of a user's new name onto one of their memberships, read as m, which moves it to
// its new place in its account's user list; onFail is what it means if the membership is gone or changed since
// it was read.
func (t *Tx) RenameMember(m user.Membership, name string, onFail error) *Tx {
	items, err := changeMember(t.table, m, changeOf(m, func(n *user.Membership) { n.UserName = name }))
	return t.addMemberItems(items, err, onFail)
}

// CopyMemberContact adds the copies of a user's new name and address onto one of their memberships, read as m,
// which moves it to its new places in its account's user list; onFail is what it means if the membership is gone
// or changed since it was read.
func (t *Tx) CopyMemberContact(m user.Membership, name, email string, onFail error) *Tx {
	items, err := changeMember(t.table, m, changeOf(m, func(n *user.Membership) { n.UserName, n.UserEmail = name, email }))
	return t.addMemberItems(items, err, onFail)
}

// versionIs is the condition that an item's version is still v; an item written without a version is at 0.
func versionIs(v int) (string, map[string]types.AttributeValue) {
	if v == 0 {
		return "(attribute_not_exists(#version) OR #version = :v)", map[string]types.AttributeValue{":v": N(0)}
	}
	return "#version = :v", map[string]types.AttributeValue{":v": N(int64(v))}
}

// SetMemberRoles adds the update that gives a membership, read as m, new roles: it moves to its roles'
// partitions of the user list (role entries written and deleted) and on or off its account's list of
// administrators; onFail is what it means if the membership is gone or changed since it was read. A non-empty
// name also renames the member, as RenameMember would: one transaction may touch an item only once.
func (t *Tx) SetMemberRoles(m user.Membership, roles []role.Name, name string, onFail error) *Tx {
	items, err := changeMember(t.table, m, changeOf(m, func(n *user.Membership) {
		n.Roles = slices.Clone(roles)
		if name != "" {
			n.UserName = name
		}
	}))
	return t.addMemberItems(items, err, onFail)
}

// DeleteMember adds the deletion of a membership, read as m, and of its role entries; onFail is what it means if
// the membership is gone or changed since it was read.
func (t *Tx) DeleteMember(m user.Membership, onFail error) *Tx {
	return t.addMemberItems(dropMember(t.table, m), nil, onFail)
}
