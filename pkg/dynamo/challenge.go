package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// challengeRecord is an OTP challenge as stored. Times are table.Timestamp strings, which sort like times, so
// conditions can compare them ("expiresAt > :now"). It holds no code: code n is derived from the id.
type challengeRecord struct {
	ID        string `dynamodbav:"id"`
	UserID    string `dynamodbav:"userId"`
	AccountID string `dynamodbav:"accountId"`
	Method    string `dynamodbav:"method"`
	Status    string `dynamodbav:"status"`
	Seq       int    `dynamodbav:"seq"`
	Attempts  int    `dynamodbav:"attempts"`
	Resends   int    `dynamodbav:"resends"`
	IssuedAt  string `dynamodbav:"issuedAt"`
	ExpiresAt string `dynamodbav:"expiresAt"`
	CreatedAt string `dynamodbav:"createdAt"`
	UsedAt    string `dynamodbav:"usedAt,omitempty"`
}

func challengeToRecord(c otp.Challenge) challengeRecord {
	r := challengeRecord{
		ID: c.ID, UserID: c.UserID, AccountID: c.AccountID, Method: c.Method, Status: string(c.Status),
		Seq: c.Seq, Attempts: c.Attempts, Resends: c.Resends,
		IssuedAt: table.Timestamp(c.IssuedAt), ExpiresAt: table.Timestamp(c.ExpiresAt), CreatedAt: table.Timestamp(c.CreatedAt),
	}
	if !c.UsedAt.IsZero() {
		r.UsedAt = table.Timestamp(c.UsedAt)
	}
	return r
}

func challengeFromItem(item map[string]types.AttributeValue) (otp.Challenge, error) {
	var r challengeRecord
	if err := attributevalue.UnmarshalMap(item, &r); err != nil {
		return otp.Challenge{}, fmt.Errorf("decode challenge: %w", err)
	}
	return otp.Challenge{
		ID: r.ID, UserID: r.UserID, AccountID: r.AccountID, Method: r.Method, Status: otp.Status(r.Status),
		Seq: r.Seq, Attempts: r.Attempts, Resends: r.Resends,
		IssuedAt: parseStamp(r.IssuedAt), ExpiresAt: parseStamp(r.ExpiresAt), CreatedAt: parseStamp(r.CreatedAt),
		UsedAt: parseStamp(r.UsedAt),
	}, nil
}

// parseStamp reads a table.Timestamp; an empty or malformed one is the zero time.
func parseStamp(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000000000Z", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ErrChallengeMoved says a conditional write on a challenge found it changed since it was read (a guess, a
// resend or a sign-in got there first). The caller re-reads the challenge and decides what to answer.
var ErrChallengeMoved = fmt.Errorf("challenge changed since it was read: %w", fault.ErrConflict)

// StartChallenge writes a new challenge together with mail, the outbox items (outbox.Put) of the messages that
// carry its first code (an email; for SMS sign-in a text too; none for an authenticator app), in one
// transaction: no code is ever sent for a challenge that does not exist, and no challenge exists whose code was
// not queued.
func (s Store) StartChallenge(ctx context.Context, c otp.Challenge, mail ...types.TransactWriteItem) error {
	item, err := Record(challengeToRecord(c), table.TypeChallenge, table.ChallengeKey(c.ID))
	if err != nil {
		return fmt.Errorf("encode challenge: %w", err)
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append([]types.TransactWriteItem{
		{Put: &types.Put{
			TableName:           aws.String(s.Table),
			Item:                WithTTL(item, c.GarbageAfter()),
			ConditionExpression: aws.String("attribute_not_exists(pk)"),
		}},
	}, mail...)})
	if err != nil {
		if ConditionFailed(err) { // a random 128-bit id collided: nothing was written
			return fmt.Errorf("start challenge: %w", fault.ErrConflict)
		}
		return Unavailable("start challenge", err)
	}
	return nil
}

// Challenge reads a challenge, consistently.
func (s Store) Challenge(ctx context.Context, id string) (otp.Challenge, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.Table),
		Key:            table.ChallengeKey(id).AV(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return otp.Challenge{}, Unavailable("get challenge", err)
	}
	if out.Item == nil {
		return otp.Challenge{}, fmt.Errorf("challenge: %w", fault.ErrNotFound)
	}
	return challengeFromItem(out.Item)
}

// CountAttempt spends one guess at the challenge's current code, before the code is compared. The write holds
// only while the code is still guessable at now (pending, the same code, guesses left, not expired), so however
// many guesses race, at most otp.MaxAttempts of them get through. It returns the challenge after the write, or
// ErrChallengeMoved.
func (s Store) CountAttempt(ctx context.Context, c otp.Challenge, now time.Time) (otp.Challenge, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.Table),
		Key:                 table.ChallengeKey(c.ID).AV(),
		UpdateExpression:    aws.String("ADD attempts :one"),
		ConditionExpression: aws.String(challengeGuessable),
		ExpressionAttributeNames: map[string]string{
			"#status": "status",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one":     N(1),
			":pending": S(string(otp.Pending)),
			":seq":     N(int64(c.Seq)),
			":max":     N(otp.MaxAttempts),
			":now":     S(table.Timestamp(now)),
		},
		ReturnValues: types.ReturnValueAllNew,
	})
	if err != nil {
		if ConditionFailed(err) {
			return otp.Challenge{}, ErrChallengeMoved
		}
		return otp.Challenge{}, Unavailable("count attempt", err)
	}
	return challengeFromItem(out.Attributes)
}

// challengeGuessable is the condition under which the current code of a challenge may still be guessed or used.
const challengeGuessable = "attribute_exists(pk) AND #status = :pending AND seq = :seq AND attempts < :max AND expiresAt > :now"

// ResendChallenge replaces the challenge's code by the next one (next, as otp.Challenge.Resend made it) and
// writes mail, the outbox items of the messages with the new code, in one transaction. It holds only if the
// challenge is still at prev's code, so two racing resends send one email; otherwise it returns
// ErrChallengeMoved and writes nothing.
func (s Store) ResendChallenge(ctx context.Context, prev, next otp.Challenge, mail ...types.TransactWriteItem) error {
	_, err := s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append([]types.TransactWriteItem{
		{Update: &types.Update{
			TableName:           aws.String(s.Table),
			Key:                 table.ChallengeKey(prev.ID).AV(),
			UpdateExpression:    aws.String("SET seq = :next, attempts = :zero, resends = :resends, issuedAt = :issued, expiresAt = :expires"),
			ConditionExpression: aws.String("attribute_exists(pk) AND #status = :pending AND seq = :seq"),
			ExpressionAttributeNames: map[string]string{
				"#status": "status",
			},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":next":    N(int64(next.Seq)),
				":zero":    N(0),
				":resends": N(int64(next.Resends)),
				":issued":  S(table.Timestamp(next.IssuedAt)),
				":expires": S(table.Timestamp(next.ExpiresAt)),
				":pending": S(string(otp.Pending)),
				":seq":     N(int64(prev.Seq)),
			},
		}},
	}, mail...)})
	if err != nil {
		if ConditionFailed(err) || Contended(err) {
			return ErrChallengeMoved
		}
		return Unavailable("resend challenge", err)
	}
	return nil
}

// consumeChallenge is the transaction item that marks a challenge used at now. It holds only while its code c.Seq
// is still guessable, so of many requests holding the right code exactly one signs in.
func (s Store) consumeChallenge(c otp.Challenge, now time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:        aws.String(s.Table),
		Key:              table.ChallengeKey(c.ID).AV(),
		UpdateExpression: aws.String("SET #status = :used, usedAt = :now"),
		// attempts <= max: the guess that got here was already counted.
		ConditionExpression: aws.String("attribute_exists(pk) AND #status = :pending AND seq = :seq AND attempts <= :max AND expiresAt > :now"),
		ExpressionAttributeNames: map[string]string{
			"#status": "status",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":used":    S(string(otp.Used)),
			":pending": S(string(otp.Pending)),
			":seq":     N(int64(c.Seq)),
			":max":     N(otp.MaxAttempts),
			":now":     S(table.Timestamp(now)),
		},
	}}
}
