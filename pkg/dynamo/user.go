package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Store reads and writes PartnerHub's records in the table.
type Store struct {
	DB    DB
	Table string
}

// emailGuard is the item that reserves an email address and points to its user.
type emailGuard struct {
	UserID string `dynamodbav:"userId"`
}

// User reads a user by id.
func (s Store) User(ctx context.Context, id string) (user.User, error) {
	var u user.User
	found, err := Get(ctx, s.DB, s.Table, table.UserKey(id), &u)
	if err != nil {
		return u, err
	}
	if !found {
		return u, fmt.Errorf("user %s: %w", id, fault.ErrNotFound)
	}
	return u, nil
}

// UserByEmail reads a user by email address, case-insensitively.
func (s Store) UserByEmail(ctx context.Context, email string) (user.User, error) {
	var g emailGuard
	found, err := Get(ctx, s.DB, s.Table, table.EmailGuard(email), &g)
	if err != nil {
		return user.User{}, err
	}
	if !found || g.UserID == "" {
		return user.User{}, fmt.Errorf("user by email: %w", fault.ErrNotFound)
	}
	return s.User(ctx, g.UserID)
}

// EmailGuardItem is the guard that reserves an email for a user; a Put of it with attribute_not_exists fails if
// the email is taken.
func EmailGuardItem(email, userID string) (map[string]types.AttributeValue, error) {
	return Record(emailGuard{UserID: userID}, table.TypeGuard, table.EmailGuard(email))
}

// Memberships lists a user's memberships.
func (s Store) Memberships(ctx context.Context, userID string) ([]user.Membership, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(table.UserKey(userID).PK),
			":sk": S(table.MembershipPrefix),
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, Unavailable("memberships", err)
	}
	var ms []user.Membership
	return ms, attributevalue.UnmarshalListOfMaps(out.Items, &ms)
}

// Membership reads a user's membership in one account.
func (s Store) Membership(ctx context.Context, userID, accountID string) (user.Membership, error) {
	var m user.Membership
	found, err := Get(ctx, s.DB, s.Table, table.MembershipKey(userID, accountID), &m)
	if err != nil {
		return m, err
	}
	if !found {
		return m, fmt.Errorf("membership: %w", fault.ErrNotFound)
	}
	return m, nil
}

// Account reads an account by id.
func (s Store) Account(ctx context.Context, id string) (account.Account, error) {
	var a account.Account
	found, err := Get(ctx, s.DB, s.Table, table.AccountKey(id), &a)
	if err != nil {
		return a, err
	}
	if !found {
		return a, fmt.Errorf("account %s: %w", id, fault.ErrNotFound)
	}
	return a, nil
}
