package dynamo

// Conditional writes of user maintenance: the copies of user data that memberships keep, and the
// version-checked changes of roles and memberships. The use cases in package member add them to one Tx each,
// with their audit events, usually through the user's update seam (UpdateUser).

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

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

// MemberStatus adds the copy of a user's new status onto one of their memberships; onFail is what it means if
// the membership is gone.
func (t *Tx) MemberStatus(userID, accountID string, st user.Status, onFail error) *Tx {
	return t.Add(MemberStatus(t.table, userID, accountID, st), onFail)
}

// MemberLogin is the transaction item that copies a user's last sign-in onto one of their memberships. at is
// encoded as the user's own lastLoginAt is.
func MemberLogin(tableName, userID, accountID string, at types.AttributeValue) types.TransactWriteItem {
	return memberUpdate(tableName, userID, accountID, "SET lastLoginAt = :at", map[string]types.AttributeValue{":at": at})
}

// RenameMember adds the copy of a user's new name onto one of their memberships, which moves it to its new place
// in its account's name order; onFail is what it means if the membership is gone.
func (t *Tx) RenameMember(userID, accountID, name string, onFail error) *Tx {
	return t.Add(memberUpdate(t.table, userID, accountID, "SET userName = :n, gsi1sk = :k", map[string]types.AttributeValue{
		":n": S(name), ":k": S(table.MembersGSI1(accountID, name, userID).SK),
	}), onFail)
}

// versionIs is the condition that an item's version is still v; an item written without a version is at 0.
func versionIs(v int) (string, map[string]types.AttributeValue) {
	if v == 0 {
		return "(attribute_not_exists(#version) OR #version = :v)", map[string]types.AttributeValue{":v": N(0)}
	}
	return "#version = :v", map[string]types.AttributeValue{":v": N(int64(v))}
}

// SetMemberRoles adds the update that gives a membership, read at m.Version, new roles, and puts it on or takes
// it off its account's list of administrators; onFail is what it means if the membership is gone or changed
// since it was read. A non-empty name also renames the member, as RenameMember would: one transaction may touch
// an item only once.
func (t *Tx) SetMemberRoles(m user.Membership, roles []role.Name, name string, onFail error) *Tx {
	list, err := attributevalue.Marshal(roles)
	if err != nil {
		t.Fail(err)
		return t
	}
	cond, values := versionIs(m.Version)
	values[":roles"] = list
	values[":next"] = N(int64(m.Version + 1))
	names := map[string]string{"#roles": "roles", "#version": table.AttrVersion, "#apk": table.AttrGSI2PK, "#ask": table.AttrGSI2SK}
	update := "SET #roles = :roles, #version = :next"
	if name != "" {
		update += ", userName = :n, gsi1sk = :k"
		values[":n"], values[":k"] = S(name), S(table.MembersGSI1(m.AccountID, name, m.UserID).SK)
	}
	if slices.Contains(roles, adminRole(m)) {
		k := table.AdminsGSI2(m.AccountID, m.UserID)
		update += ", #apk = :apk, #ask = :ask"
		values[":apk"], values[":ask"] = S(k.PK), S(k.SK)
	} else {
		update += " REMOVE #apk, #ask"
	}
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.MembershipKey(m.UserID, m.AccountID).AV(),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(pk) AND " + cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}, onFail)
}

// DeleteMember adds the deletion of a membership, which must still exist; onFail is what it means if it does not.
func (t *Tx) DeleteMember(userID, accountID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:           aws.String(t.table),
		Key:                 table.MembershipKey(userID, accountID).AV(),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}, onFail)
}
