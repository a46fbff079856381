package dynamo

// Records, reads and conditional writes of a partner's staff groups (package partneraccess has the rules, package
// grant the use cases): the group item in the partner account's partition, its name guard, and the group ids on
// its members' memberships of the partner account, which the request check of a staff member reads.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// ErrGroupNotFound is a staff group that does not exist.
var ErrGroupNotFound = fmt.Errorf("staff group: %w", fault.ErrNotFound)

// groupRecord is a staff group as stored.
type groupRecord struct {
	ID          string              `dynamodbav:"id"`
	AccountID   string              `dynamodbav:"accountId"`
	Name        string              `dynamodbav:"name"`
	Description string              `dynamodbav:"description,omitempty"`
	Members     []groupMemberRecord `dynamodbav:"members"`
	Grants      []groupGrantRecord  `dynamodbav:"grants"`
	CreatedAt   time.Time           `dynamodbav:"createdAt"`
	CreatedBy   string              `dynamodbav:"createdBy"`
	Version     int                 `dynamodbav:"version"`
}

type groupMemberRecord struct {
	UserID  string    `dynamodbav:"userId"`
	Name    string    `dynamodbav:"name"`
	Email   string    `dynamodbav:"email"`
	AddedAt time.Time `dynamodbav:"addedAt"`
}

type groupGrantRecord struct {
	GrantID      string `dynamodbav:"grantId"`
	CustomerID   string `dynamodbav:"customerId"`
	CustomerName string `dynamodbav:"customerName"`
}

func groupRecordOf(g partneraccess.Group) groupRecord {
	r := groupRecord{
		ID: g.ID, AccountID: g.AccountID, Name: g.Name, Description: g.Description,
		Members: make([]groupMemberRecord, len(g.Members)), Grants: make([]groupGrantRecord, len(g.Grants)),
		CreatedAt: g.CreatedAt, CreatedBy: g.CreatedBy, Version: g.Version,
	}
	for i, m := range g.Members {
		r.Members[i] = groupMemberRecord(m)
	}
	for i, a := range g.Grants {
		r.Grants[i] = groupGrantRecord(a)
	}
	return r
}

func (r groupRecord) group() partneraccess.Group {
	g := partneraccess.Group{
		ID: r.ID, AccountID: r.AccountID, Name: r.Name, Description: r.Description,
		CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, Version: r.Version,
	}
	for _, m := range r.Members {
		g.Members = append(g.Members, partneraccess.GroupMember(m))
	}
	for _, a := range r.Grants {
		g.Grants = append(g.Grants, partneraccess.GroupGrant(a))
	}
	return g
}

func groupItem(g partneraccess.Group) (map[string]types.AttributeValue, error) {
	return Record(groupRecordOf(g), table.TypeStaffGroup, table.StaffGroupKey(g.AccountID, g.ID))
}

// StaffGroup reads a partner account's staff group, consistently; ErrGroupNotFound if there is none.
func (s Store) StaffGroup(ctx context.Context, accountID, id string) (partneraccess.Group, error) {
	var r groupRecord
	found, err := Get(ctx, s.DB, s.Table, table.StaffGroupKey(accountID, id), &r)
	if err != nil {
		return partneraccess.Group{}, err
	}
	if !found {
		return partneraccess.Group{}, ErrGroupNotFound
	}
	return r.group(), nil
}

// StaffGroups reads all of a partner account's staff groups (at most partneraccess.MaxGroups), consistently, in
// the order of their ids.
func (s Store) StaffGroups(ctx context.Context, accountID string) ([]partneraccess.Group, error) {
	k := table.StaffGroupKey(accountID, "")
	var groups []partneraccess.Group
	var start map[string]types.AttributeValue
	for {
		out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
			TableName:              aws.String(s.Table),
			KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": S(k.PK), ":sk": S(table.StaffGroupPrefix),
			},
			ConsistentRead:    aws.Bool(true),
			ExclusiveStartKey: start,
		})
		if err != nil {
			return nil, Unavailable("query staff groups", err)
		}
		for _, item := range out.Items {
			var r groupRecord
			if err := attributevalue.UnmarshalMap(item, &r); err != nil {
				return nil, fmt.Errorf("decode staff group: %w", errors.Join(err, fault.ErrUnavailable))
			}
			groups = append(groups, r.group())
		}
		if start = out.LastEvaluatedKey; start == nil {
			return groups, nil
		}
	}
}

// groupName is the guard that keeps a group's name unique in its partner account.
type groupName struct {
	GroupID string `dynamodbav:"groupId"`
}

// PutGroup adds the write of a new group with its name guard, and counts it among its account's groups: onFail
// is what it means if the name is taken, full if the account has partneraccess.MaxGroups already.
func (t *Tx) PutGroup(g partneraccess.Group, onFail, full error) *Tx {
	item, err := groupItem(g)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(item, nil).ClaimGroupName(g.AccountID, g.Name, g.ID, onFail).countGroups(g.AccountID, 1, full)
}

// countGroups adds delta to the count of an account's staff groups; a count that would pass MaxGroups fails with
// onFail.
func (t *Tx) countGroups(accountID string, delta int, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                aws.String(t.table),
		Key:                      table.StaffGroupCountKey(accountID).AV(),
		UpdateExpression:         aws.String("ADD groups :d SET #type = :type"),
		ConditionExpression:      aws.String("attribute_not_exists(groups) OR groups < :max OR :d < :zero"),
		ExpressionAttributeNames: map[string]string{"#type": table.AttrType},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":d": N(int64(delta)), ":max": N(partneraccess.MaxGroups), ":zero": N(0), ":type": S(table.TypeStaffGroupCount),
		},
	}}, onFail)
}

// ClaimGroupName adds the write of a group's name guard; onFail is what it means if another group has the name.
func (t *Tx) ClaimGroupName(accountID, name, groupID string, onFail error) *Tx {
	item, err := Record(groupName{GroupID: groupID}, table.TypeGuard, table.GroupNameGuard(accountID, name))
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.Add(types.TransactWriteItem{Put: &types.Put{
		TableName:                 aws.String(t.table),
		Item:                      item,
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR groupId = :g"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": S(groupID)},
	}}, onFail)
}

// ReleaseGroupName adds the deletion of a group's name guard, if it still names the group.
func (t *Tx) ReleaseGroupName(accountID, name, groupID string) *Tx {
	return t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(t.table),
		Key:                       table.GroupNameGuard(accountID, name).AV(),
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR groupId = :g"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": S(groupID)},
	}}, nil)
}

// ReplaceGroup adds the write of a group read as read and changed to next, on the condition that it is still
// at the version read; onFail is what it means if it is not (or is gone).
func (t *Tx) ReplaceGroup(read, next partneraccess.Group, onFail error) *Tx {
	item, err := groupItem(next)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.Add(types.TransactWriteItem{Put: &types.Put{
		TableName:                 aws.String(t.table),
		Item:                      item,
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": N(int64(read.Version))},
	}}, onFail)
}

// DeleteGroup adds the deletion of a group read as g, on the condition that it is still at that version, with
// its name guard; onFail is what it means if it changed meanwhile.
func (t *Tx) DeleteGroup(g partneraccess.Group, onFail error) *Tx {
	t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(t.table),
		Key:                       table.StaffGroupKey(g.AccountID, g.ID).AV(),
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": N(int64(g.Version))},
	}}, onFail)
	return t.ReleaseGroupName(g.AccountID, g.Name, g.ID).countGroups(g.AccountID, -1, nil)
}

// JoinGroup adds a group's id to a user's membership of the partner account (a string set: adding it twice, or
// another group's at the same time, is no race); onFail is what it means if the membership is gone.
func (t *Tx) JoinGroup(userID, accountID, groupID string, onFail error) *Tx {
	return t.staffGroups("ADD", userID, accountID, groupID, onFail)
}

// LeaveGroup adds the removal of a group's id from a user's membership of the partner account, which must exist
// (a membership that is gone has no groups to leave: leave it out); onFail is what it means if it is gone.
func (t *Tx) LeaveGroup(userID, accountID, groupID string, onFail error) *Tx {
	return t.staffGroups("DELETE", userID, accountID, groupID, onFail)
}

// staffGroups adds the update that ADDs a group's id to, or DELETEs it from, the staffGroups set of an existing
// membership. (An update of an item that is gone would make one: the condition keeps it gone.)
func (t *Tx) staffGroups(op, userID, accountID, groupID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.MembershipKey(userID, accountID).AV(),
		UpdateExpression:          aws.String(op + " staffGroups :g"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": &types.AttributeValueMemberSS{Value: []string{groupID}}},
	}}, onFail)
}
