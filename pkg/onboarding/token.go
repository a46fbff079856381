package onboarding

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
)

// ActivationTTL is how long an activation link works.
const ActivationTTL = 72 * time.Hour

// newActivationToken is a fresh activation token for a user, valid for ActivationTTL from now. Its deadline is
// whole seconds, as stored.
func newActivationToken(userID, accountID, invitedBy, inviterAccountID string, now time.Time) token.Token {
	return token.New(secret.NewID(), secret.PurposeActivation, userID, accountID, now, ActivationTTL).SentBy(invitedBy, inviterAccountID)
}

// tokenRetention keeps a token item after its deadline for the late click (see dynamo.PutToken).
const tokenRetention = 30 * 24 * time.Hour

// errLinkInvalid answers a token that does not verify or names no token: it may have been mistyped.
var errLinkInvalid = fault.New(fault.ErrNotFound, "link-invalid",
	"This link is not valid. Open it again from your email, or ask your administrator for a new one.")

// putToken is the transaction item that writes a new pending token, on the expiry index until its deadline.
func putToken(tableName string, t token.Token) (types.TransactWriteItem, error) {
	key := table.TokenKey(t.ID)
	item, err := dynamo.Record(t, table.TypeToken, key, dynamo.DueAt(t.ExpiresAt, key))
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return dynamo.PutNew(tableName, dynamo.WithTTL(item, t.ExpiresAt.Add(tokenRetention))), nil
}

// closeToken is the transaction item that ends a pending token with status (used or replaced) and takes it
// off the expiry index. Its condition is the single use: it holds only while the token is pending, so of two
// requests with one token at most one commits. With beforeDeadline it also holds only before the token's
// deadline (using a link); without, a resend can replace a link that lapsed before the sweep reached it.
func closeToken(tableName, id, status string, now time.Time, beforeDeadline bool) types.TransactWriteItem {
	cond := "#status = :pending"
	values := map[string]types.AttributeValue{
		":status":  dynamo.S(status),
		":pending": dynamo.S(token.Pending),
		":now":     dynamo.S(now.UTC().Format(time.RFC3339Nano)),
		":one":     dynamo.N(1),
	}
	if beforeDeadline {
		cond += " AND expiresAt > :nowUnix"
		values[":nowUnix"] = dynamo.N(now.Unix())
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.TokenKey(id).AV(),
		UpdateExpression:          aws.String("SET #status = :status, closedAt = :now, #version = #version + :one REMOVE #xpk, #xsk"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeNames:  map[string]string{"#status": "status", "#version": table.AttrVersion, "#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: values,
	}}
}

// token reads a token by id; a missing one is errLinkInvalid.
func (s *Service) token(ctx context.Context, id string) (token.Token, error) {
	var t token.Token
	found, err := dynamo.Get(ctx, s.db, s.table, table.TokenKey(id), &t)
	if err != nil {
		return t, err
	}
	if !found {
		return t, errLinkInvalid
	}
	return t, nil
}

// TokenExpirer expires tokens for the expiry sweep: it is registered for items of type table.TypeToken.
type TokenExpirer struct {
	DB    dynamo.DB
	Table string
}

// Expire marks a due token expired and takes it off the expiry index. It changes nothing if the token is no
// longer pending (used or replaced in the meantime) or not yet due, so a sweep that runs twice, or races with an
// activation, is harmless.
func (e TokenExpirer) Expire(ctx context.Context, item map[string]types.AttributeValue, now time.Time) error {
	var t token.Token
	if err := attributevalue.UnmarshalMap(item, &t); err != nil || t.ID == "" {
		return fmt.Errorf("expire token: not a token item")
	}
	_, err := e.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(e.Table),
		Key:                      table.TokenKey(t.ID).AV(),
		UpdateExpression:         aws.String("SET #status = :expired, closedAt = :now, #version = #version + :one REMOVE #xpk, #xsk"),
		ConditionExpression:      aws.String("#status = :pending AND expiresAt <= :nowUnix"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#version": table.AttrVersion, "#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":expired": dynamo.S(token.Expired),
			":pending": dynamo.S(token.Pending),
			":now":     dynamo.S(now.UTC().Format(time.RFC3339Nano)),
			":nowUnix": dynamo.N(now.Unix()),
			":one":     dynamo.N(1),
		},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return e.unlist(ctx, t.ID)
	}
	if err != nil {
		return dynamo.Unavailable("expire token", err)
	}
	return nil
}

// unlist takes a token that is no longer pending off the expiry index, should it still be there, so the sweep
// does not meet it again. A pending token that is not due yet stays.
func (e TokenExpirer) unlist(ctx context.Context, id string) error {
	_, err := e.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(e.Table),
		Key:                       table.TokenKey(id).AV(),
		UpdateExpression:          aws.String("REMOVE #xpk, #xsk"),
		ConditionExpression:       aws.String("attribute_exists(#xpk) AND #status <> :pending"),
		ExpressionAttributeNames:  map[string]string{"#status": "status", "#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pending": dynamo.S(token.Pending)},
	})
	var failed *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &failed) {
		return dynamo.Unavailable("unlist token", err)
	}
	return nil
}
