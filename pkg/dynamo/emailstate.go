package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// emailStateTries bounds the re-reads when reports about one address race each other.
const emailStateTries = 4

// errEmailStateMoved is a write of an email state that found the user's address or state changed since it read them.
var errEmailStateMoved = errors.New("email state changed since it was read")

// UpdateEmailState applies decide, a pure rule (user.ApplyFeedback), to a user's email state and writes the result
// to the user's emailState attribute, nothing else: the user's version does not move, so an email report never
// makes an administrator's edit stale. The write holds only while the user's address and email state are still the
// ones decide saw; if another report or an address change got there first, the user is read again and decide asked
// again. It reports whether it wrote anything; an unknown user is fault.ErrNotFound.
//
// The state's time is stored as a table.Timestamp (fixed width), so that the condition compares what was read.
func (s Store) UpdateEmailState(ctx context.Context, userID string, decide func(user.User) (*user.EmailState, bool)) (bool, error) {
	return s.RecordEmailState(ctx, userID, func(u user.User, _ *Tx) (*user.EmailState, bool) { return decide(u) })
}

// RecordEmailState is UpdateEmailState with a transaction beside the write: what decide adds to tx (the audit
// record of a bounce, say) is written with the new state, all or nothing. Without such items the state is one
// conditional UpdateItem.
func (s Store) RecordEmailState(ctx context.Context, userID string, decide func(u user.User, tx *Tx) (*user.EmailState, bool)) (bool, error) {
	for range emailStateTries {
		u, err := s.User(ctx, userID)
		if err != nil {
			return false, err
		}
		also := s.Tx()
		next, changed := decide(u, also)
		if !changed || next == nil {
			return false, nil
		}
		switch err := s.writeEmailState(ctx, u, *next, also); {
		case errors.Is(err, errEmailStateMoved):
			continue
		case err != nil:
			return false, err
		}
		return true, nil
	}
	return false, fmt.Errorf("email state of user %s: %w", userID, fault.ErrConflict)
}

// writeEmailState sets a user's email state, on condition that their address and state are still those of u,
// with the items of also in the same transaction when it has any.
func (s Store) writeEmailState(ctx context.Context, u user.User, st user.EmailState, also *Tx) error {
	state := map[string]types.AttributeValue{"state": S(st.State), "at": S(table.Timestamp(st.At))}
	if st.Reason != "" {
		state["reason"] = S(st.Reason)
	}
	cond := "attribute_exists(pk) AND #email = :email AND attribute_not_exists(#state)"
	values := map[string]types.AttributeValue{":email": S(u.Email), ":next": &types.AttributeValueMemberM{Value: state}}
	names := map[string]string{"#email": "email", "#state": "emailState"}
	if u.EmailState != nil {
		cond = "attribute_exists(pk) AND #email = :email AND #state.#at = :was"
		names["#at"] = "at"
		values[":was"] = S(table.Timestamp(u.EmailState.At))
	}
	update := &types.Update{
		TableName:                 aws.String(s.Table),
		Key:                       table.UserKey(u.ID).AV(),
		UpdateExpression:          aws.String("SET #state = :next"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
	if also.Len() > 0 || also.err != nil {
		tx := s.Tx().Add(types.TransactWriteItem{Update: update}, errEmailStateMoved)
		tx.append(also)
		return s.Commit(ctx, tx)
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 update.TableName,
		Key:                       update.Key,
		UpdateExpression:          update.UpdateExpression,
		ConditionExpression:       update.ConditionExpression,
		ExpressionAttributeNames:  update.ExpressionAttributeNames,
		ExpressionAttributeValues: update.ExpressionAttributeValues,
	})
	if ConditionFailed(err) {
		return errEmailStateMoved
	}
	if err != nil {
		return Unavailable("write email state", err)
	}
	return nil
}
