package dynamo

// Reads of user maintenance: an account's whole user list, read from the memberships on gsi1 (a page of it is
// memberpage.go's), the page's users, and the sparse list of an account's administrators on gsi2 (see the
// access patterns in package table).

import (
	"context"
	"errors"
	"fmt"
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
	// NameKey is the row's place in name order, which every order falls back on for ties: the collated name,
	// "#", the user id (table.ListRow.NameKey). A membership item holds it as its gsi1 sort key; the list's
	// queries do not project it but compute it (decodeRows), as role entries do not hold it.
	NameKey string `dynamodbav:"gsi1sk"`
}

// listRow is what places the row in its account's user list.
func (r MemberRow) listRow() table.ListRow {
	return table.ListRow{UserID: r.UserID, Name: r.Name, Email: r.Email, Status: r.Status.Registration(), LastLoginAt: r.LastLoginAt}
}

// memberRowAttrs are the attributes a MemberRow is read from; queries project nothing else.
var memberRowAttrs = []string{"userId", "userName", "userEmail", "userStatus", "lastLoginAt", "roles"}

// decodeRows decodes the items of the user list (memberships and role entries) as rows.
func decodeRows(items []map[string]types.AttributeValue) ([]MemberRow, error) {
	var rows []MemberRow
	if err := attributevalue.UnmarshalListOfMaps(items, &rows); err != nil {
		return nil, fmt.Errorf("decode members: %w", err)
	}
	for i := range rows {
		rows[i].NameKey = rows[i].listRow().NameKey()
	}
	return rows, nil
}

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
		got, err := decodeRows(page.Items)
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
		if len(page.LastEvaluatedKey) == 0 {
			return rows, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// UsersByID reads users by id, up to 100 per request (eventually consistent: the details of a page of the
// user list). Users that do not exist are missing from the answer. The store's client must also be a
// BatchGetter, as the DynamoDB client is.
func (s Store) UsersByID(ctx context.Context, ids []string) (map[string]user.User, error) {
	db, ok := s.DB.(BatchGetter)
	if !ok {
		return nil, errors.New("users by id: the store's client cannot read in batches")
	}
	return usersByID(ctx, db, s.Table, ids)
}

func usersByID(ctx context.Context, db BatchGetter, tableName string, ids []string) (map[string]user.User, error) {
	out := make(map[string]user.User, len(ids))
	keys := make([]table.Key, len(ids))
	for i, id := range ids {
		keys[i] = table.UserKey(id)
	}
	err := batchGet(ctx, db, tableName, keys, false, func(item map[string]types.AttributeValue) error {
		var u user.User
		if err := attributevalue.UnmarshalMap(item, &u); err != nil {
			return fmt.Errorf("decode user: %w", err)
		}
		out[u.ID] = u
		return nil
	})
	return out, err
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
