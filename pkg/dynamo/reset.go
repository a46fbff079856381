package dynamo

// Records and conditional writes of password resets. A reset link is a token item like every link
// (TOKEN#<id>, purpose reset, on the expiry index until its deadline, so the sweep's token expirer handles it),
// plus one item under the user that names the current reset token: a new request replaces it, so only the
// latest link works.

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// resetPointer names a user's current reset token.
type resetPointer struct {
	UserID  string    `dynamodbav:"userId"`
	TokenID string    `dynamodbav:"tokenId"`
	At      time.Time `dynamodbav:"requestedAt"`
}

// ResetTokenOf returns the id of the user's current reset token, or "" if none was ever asked for.
func (s Store) ResetTokenOf(ctx context.Context, userID string) (string, error) {
	var p resetPointer
	if _, err := Get(ctx, s.DB, s.Table, table.ResetKey(userID), &p); err != nil {
		return "", err
	}
	return p.TokenID, nil
}

// PointResetAt adds the write that makes tokenID the user's current reset token, replacing any earlier one.
// Its TTL follows the token's.
func (t *Tx) PointResetAt(userID, tokenID string, at, garbageAfter time.Time) *Tx {
	item, err := Record(resetPointer{UserID: userID, TokenID: tokenID, At: at}, table.TypeReset, table.ResetKey(userID))
	if err != nil {
		t.Fail(fmt.Errorf("encode reset pointer: %w", err))
		return t
	}
	return t.Replace(WithTTL(item, garbageAfter))
}

// RequireCurrentReset adds the check that tokenID is still the user's current reset token; onFail is what it
// means if not.
func (t *Tx) RequireCurrentReset(userID, tokenID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(t.table),
		Key:                       table.ResetKey(userID).AV(),
		ConditionExpression:       aws.String("tokenId = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": S(tokenID)},
	}}, onFail)
}

// SetPassword adds the write that gives an active user a new password hash at at, and clears the sign-in
// failure budget (the user just proved who they are). It holds only while the user is active; onFail is what
// it means if not.
func (t *Tx) SetPassword(userID, hash string, at time.Time, onFail error) *Tx {
	when, err := attributevalue.Marshal(at)
	if err != nil {
		t.Fail(fmt.Errorf("encode time: %w", err))
		return t
	}
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(t.table),
		Key:       table.UserKey(userID).AV(),
		UpdateExpression: aws.String("SET passwordHash = :pw, passwordChangedAt = :at, failures = :zero, " +
			"#version = if_not_exists(#version, :zero) + :one REMOVE failuresSince, lockedUntil"),
		ConditionExpression:      aws.String("#status = :active"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pw": S(hash), ":at": when, ":zero": N(0), ":one": N(1), ":active": S(string(user.Active)),
		},
	}}, onFail)
}

// EndSessions adds the deletes of the given sessions, so a password change and the end of the sessions it ends
// commit together. Deleting a session that is already gone is not an error.
func (t *Tx) EndSessions(hashes []string) *Tx {
	for _, h := range hashes {
		t.Delete(table.SessionKey(h))
	}
	return t
}

// CountResetAttempt spends one security-answer attempt of a pending reset token and returns how many have been
// spent, this one included. It runs before the answer is compared, so concurrent guesses with one link are all
// counted. A token that is no longer pending answers fault.ErrConflict (the caller re-reads it to say why).
func (s Store) CountResetAttempt(ctx context.Context, tokenID string) (int, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.Table),
		Key:                      table.TokenKey(tokenID).AV(),
		UpdateExpression:         aws.String("ADD attempts :one"),
		ConditionExpression:      aws.String("#status = :pending AND purpose = :purpose"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": N(1), ":pending": S("pending"), ":purpose": S(secret.PurposeReset),
		},
		ReturnValues: types.ReturnValueUpdatedNew,
	})
	if err != nil {
		if ConditionFailed(err) {
			return 0, fmt.Errorf("reset token %s is no longer pending: %w", tokenID, fault.ErrConflict)
		}
		return 0, Unavailable("count reset attempt", err)
	}
	n, _ := out.Attributes["attempts"].(*types.AttributeValueMemberN)
	if n == nil {
		return 0, fmt.Errorf("count reset attempt: no count returned: %w", fault.ErrUnavailable)
	}
	return strconv.Atoi(n.Value)
}

// RequireActiveUser adds the check that a user exists and is active; onFail is what it means if not. A reset
// request for an address that has no active user runs the same transaction against a user that does not exist,
// so it fails here and writes nothing, after the same work as a real one.
func (t *Tx) RequireActiveUser(userID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(t.table),
		Key:                       table.UserKey(userID).AV(),
		ConditionExpression:       aws.String("#status = :active"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":active": S(string(user.Active))},
	}}, onFail)
}
