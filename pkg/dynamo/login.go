package dynamo

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
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// RecordLoginError writes a user's last login error. For a user that does not exist it writes nothing (the
// write's condition fails) yet costs the same round trip, which sign-in uses to answer an unknown email in the
// same time as a known one.
func (s Store) RecordLoginError(ctx context.Context, userID, reason string, at time.Time) error {
	when, err := attributevalue.Marshal(at)
	if err != nil {
		return fmt.Errorf("encode time: %w", err)
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.Table),
		Key:                 table.UserKey(userID).AV(),
		UpdateExpression:    aws.String("SET lastLoginError = :e, lastLoginErrorAt = :at"),
		ConditionExpression: aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":e": S(reason), ":at": when,
		},
	})
	if err != nil && !ConditionFailed(err) {
		return Unavailable("record login error", err)
	}
	return nil
}

// loginStateTries bounds the re-reads when concurrent failures race on one user.
const loginStateTries = 8

// UpdateLoginState applies change, a pure rule such as the failure budget, to a user's sign-in state and writes
// the result: failures, failuresSince, lockedUntil, lastLoginError and lastLoginErrorAt, nothing else. The write
// holds only if the failure count is still the one change saw; if a concurrent request moved it first, the user
// is read again and change applied again, so no failure is lost. It returns the user as written.
func (s Store) UpdateLoginState(ctx context.Context, u user.User, change func(user.User) user.User) (user.User, error) {
	for range loginStateTries {
		next := change(u)
		err := s.writeLoginState(ctx, u.Failures, next)
		if err == nil {
			return next, nil
		}
		if !errors.Is(err, fault.ErrStaleVersion) {
			return u, err
		}
		if u, err = s.User(ctx, u.ID); err != nil {
			return u, err
		}
	}
	return u, fmt.Errorf("update login state of %s: %w", u.ID, fault.ErrUnavailable)
}

func (s Store) writeLoginState(ctx context.Context, oldFailures int, u user.User) error {
	values := map[string]types.AttributeValue{":f": N(int64(u.Failures)), ":old": N(int64(oldFailures)), ":e": S(u.LastLoginError)}
	for name, t := range map[string]time.Time{":fs": u.FailuresSince, ":lu": u.LockedUntil, ":ea": u.LastLoginErrAt} {
		av, err := attributevalue.Marshal(t) // the same encoding as the user record's own time fields
		if err != nil {
			return fmt.Errorf("encode time: %w", err)
		}
		values[name] = av
	}
	cond := "attribute_exists(pk) AND failures = :old"
	if oldFailures == 0 {
		cond = "attribute_exists(pk) AND (failures = :old OR attribute_not_exists(failures))"
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table),
		Key:       table.UserKey(u.ID).AV(),
		UpdateExpression: aws.String("SET failures = :f, failuresSince = :fs, lockedUntil = :lu, " +
			"lastLoginError = :e, lastLoginErrorAt = :ea"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeValues: values,
	})
	if err != nil {
		if ConditionFailed(err) {
			return fmt.Errorf("login state of %s: %w", u.ID, fault.ErrStaleVersion)
		}
		return Unavailable("update login state", err)
	}
	return nil
}
