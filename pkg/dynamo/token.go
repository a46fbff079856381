package dynamo

// Link tokens (package token: activation, membership, reset): TOKEN#<id> items, on the expiry index until their
// deadline so the sweep's token expirer (ExpireToken) handles them, and kept a while after for the late click.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
)

// tokenRetention is how long a token item stays after it expired, so that a late click still learns that the
// link expired (rather than that it never existed); TTL then collects it.
const tokenRetention = 30 * 24 * time.Hour

// tokenItem encodes a token, on the expiry index at its deadline and collected by TTL tokenRetention after it.
func tokenItem(tok token.Token) (map[string]types.AttributeValue, error) {
	key := table.TokenKey(tok.ID)
	item, err := Record(tok, table.TypeToken, key, DueAt(tok.ExpiresAt, key))
	if err != nil {
		return nil, err
	}
	return WithTTL(item, tok.ExpiresAt.Add(tokenRetention)), nil
}

// PutToken adds the write of a new pending token; onFail is what it means if its id is taken (nil: a fresh
// random id does not collide).
func (t *Tx) PutToken(tok token.Token, onFail error) *Tx {
	item, err := tokenItem(tok)
	if err != nil {
		t.Fail(fmt.Errorf("encode token: %w", err))
		return t
	}
	return t.PutItem(item, onFail)
}

// UseToken adds the write that consumes a pending link token of purpose before its deadline: status used, off
// the expiry index. Its condition is the single use: of many requests with one token, at most one commits;
// onFail is what it means for the others (and for a token that is no longer pending or past its deadline).
func (t *Tx) UseToken(tokenID, purpose string, now time.Time, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:           aws.String(t.table),
		Key:                 table.TokenKey(tokenID).AV(),
		UpdateExpression:    aws.String("SET #status = :used, closedAt = :now, #version = #version + :one REMOVE #xpk, #xsk"),
		ConditionExpression: aws.String("#status = :pending AND purpose = :purpose AND expiresAt > :nowUnix"),
		ExpressionAttributeNames: map[string]string{
			"#status": "status", "#version": table.AttrVersion, "#xpk": table.AttrXPK, "#xsk": table.AttrXSK,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":used": S(token.Used), ":pending": S(token.Pending), ":purpose": S(purpose),
			":now": S(now.UTC().Format(time.RFC3339Nano)), ":nowUnix": N(now.Unix()), ":one": N(1),
		},
	}}, onFail)
}

// ReplaceToken adds the write that ends a pending token because a newer one replaces it: status replaced, off
// the expiry index. It holds while the token is pending, past its deadline or not (a resend can replace a link
// that lapsed before the sweep reached it); onFail is what it means if it is no longer pending.
func (t *Tx) ReplaceToken(tokenID string, now time.Time, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                aws.String(t.table),
		Key:                      table.TokenKey(tokenID).AV(),
		UpdateExpression:         aws.String("SET #status = :replaced, closedAt = :now, #version = #version + :one REMOVE #xpk, #xsk"),
		ConditionExpression:      aws.String("#status = :pending"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#version": table.AttrVersion, "#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":replaced": S(token.Replaced), ":pending": S(token.Pending),
			":now": S(now.UTC().Format(time.RFC3339Nano)), ":one": N(1),
		},
	}}, onFail)
}

// Token reads a token by id (consistently); a missing one is fault.ErrNotFound.
func (s Store) Token(ctx context.Context, id string) (token.Token, error) {
	var tok token.Token
	found, err := Get(ctx, s.DB, s.Table, table.TokenKey(id), &tok)
	if err != nil {
		return tok, err
	}
	if !found {
		return tok, fmt.Errorf("token: %w", fault.ErrNotFound)
	}
	return tok, nil
}

// ExpireToken is the expiry sweep's handler of token items (with sweep.ByID): it marks a due pending token
// expired and takes it off the expiry index. It changes nothing if the token is no longer pending (used or
// replaced in the meantime) or not yet due, so a sweep that runs twice, or races with an activation, is harmless.
func (s Store) ExpireToken(ctx context.Context, id string, now time.Time) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.Table),
		Key:                      table.TokenKey(id).AV(),
		UpdateExpression:         aws.String("SET #status = :expired, closedAt = :now, #version = #version + :one REMOVE #xpk, #xsk"),
		ConditionExpression:      aws.String("#status = :pending AND expiresAt <= :nowUnix"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#version": table.AttrVersion, "#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":expired": S(token.Expired),
			":pending": S(token.Pending),
			":now":     S(now.UTC().Format(time.RFC3339Nano)),
			":nowUnix": N(now.Unix()),
			":one":     N(1),
		},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return s.unlistToken(ctx, id)
	}
	if err != nil {
		return Unavailable("expire token", err)
	}
	return nil
}

// unlistToken takes a token that is no longer pending off the expiry index, should it still be there, so the
// sweep does not meet it again. A pending token that is not due yet stays.
func (s Store) unlistToken(ctx context.Context, id string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.Table),
		Key:                       table.TokenKey(id).AV(),
		UpdateExpression:          aws.String("REMOVE #xpk, #xsk"),
		ConditionExpression:       aws.String("attribute_exists(#xpk) AND #status <> :pending"),
		ExpressionAttributeNames:  map[string]string{"#status": "status", "#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pending": S(token.Pending)},
	})
	var failed *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &failed) {
		return Unavailable("unlist token", err)
	}
	return nil
}
