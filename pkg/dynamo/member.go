package dynamo

// Conditional writes of user maintenance: the copies of user data that memberships keep, and the
// version-checked changes of roles, names and user status. The use cases in package member put them into one
// TransactWriteItems each, with their audit events.

import (
	"slices"
	"strings"

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
// A non-empty name also renames the member, as MemberName would.
func MemberRoles(tableName string, m user.Membership, roles []role.Name, name string) (types.TransactWriteItem, error) {
	list, err := attributevalue.Marshal(roles)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	cond, values := versionIs(m.Version)
	values[":roles"] = list
	values[":next"] = N(int64(m.Version + 1))
	names := map[string]string{"#roles": "roles", "#version": table.AttrVersion, "#apk": table.AttrGSI2PK, "#ask": table.AttrGSI2SK}
	update := "SET #roles = :roles, #version = :next"
	if name != "" { // one transaction may touch an item only once, so a rename of the same user rides along
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
