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
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/secret"
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
	// KeyVersion is absent in a challenge stored before keys had versions: version 1.
	KeyVersion int `dynamodbav:"keyVersion,omitempty"`
}

func challengeToRecord(c otp.Challenge) challengeRecord {
	r := challengeRecord{
		ID: c.ID, UserID: c.UserID, AccountID: c.AccountID, Method: c.Method, Status: string(c.Status),
		Seq: c.Seq, Attempts: c.Attempts, Resends: c.Resends, KeyVersion: int(c.KeyVersion),
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
		Seq: r.Seq, Attempts: r.Attempts, Resends: r.Resends, KeyVersion: secret.Version(r.KeyVersion),
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

// errChallengeMoved says a conditional write on a challenge found it changed since it was read (a guess, a
// resend or a sign-in got there first).
var errChallengeMoved = fmt.Errorf("challenge changed since it was read: %w", fault.ErrConflict)

// PutChallenge adds a new challenge to the transaction. With it go the outbox messages that carry its first
// code (tx.Send: an email; for SMS sign-in a text too; none for an authenticator app), so no code is ever sent
// for a challenge that does not exist, and no challenge exists whose code was not queued. Its id is random: a
// collision answers fault.ErrConflict.
func (t *Tx) PutChallenge(c otp.Challenge) *Tx {
	item, err := Record(challengeToRecord(c), table.TypeChallenge, table.ChallengeKey(c.ID))
	if err != nil {
		t.Fail(fmt.Errorf("encode challenge: %w", err))
		return t
	}
	return t.PutItem(WithTTL(item, c.GarbageAfter()), nil)
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

// challengeAttempts bounds the re-reads of a challenge that concurrent requests keep changing.
const challengeAttempts = 4

// CountAttempt spends one guess at the current code of c (as read), before the code is compared. rule says
// whether the code may still be guessed (otp.Challenge.Check at now); when it refuses, CountAttempt returns the
// challenge it refused with rule's error and writes nothing. The write holds only while the code is still
// guessable at now (pending, the same code, guesses left, not expired), so however many guesses race, at most
// otp.MaxAttempts of them get through; when a concurrent request changed the challenge first, it is read again
// and rule asked again. It returns the challenge after the write; one that no longer exists is
// fault.ErrNotFound, and one that keeps changing fault.ErrConflict.
func (s Store) CountAttempt(ctx context.Context, c otp.Challenge, now time.Time, rule func(otp.Challenge) error) (otp.Challenge, error) {
	for range challengeAttempts {
		if err := rule(c); err != nil {
			return c, err
		}
		counted, err := s.countAttempt(ctx, c, now)
		if !errors.Is(err, errChallengeMoved) {
			return counted, err
		}
		latest, err := s.Challenge(ctx, c.ID)
		if err != nil {
			return c, err
		}
		c = latest
	}
	return c, fmt.Errorf("count attempt on %s: %w", c.ID, fault.ErrConflict)
}

// countAttempt is one conditional write of CountAttempt: the challenge after it, or errChallengeMoved.
func (s Store) countAttempt(ctx context.Context, c otp.Challenge, now time.Time) (otp.Challenge, error) {
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
			return otp.Challenge{}, errChallengeMoved
		}
		return otp.Challenge{}, Unavailable("count attempt", err)
	}
	return challengeFromItem(out.Attributes)
}

// challengeGuessable is the condition under which the current code of a challenge may still be guessed or used.
const challengeGuessable = "attribute_exists(pk) AND #status = :pending AND seq = :seq AND attempts < :max AND expiresAt > :now"

// ResendChallenge adds the write that replaces the challenge's code by the next one (next, as
// otp.Challenge.Resend made it); the outbox messages with the new code go in the same transaction (tx.Send). It
// holds only if the challenge is still at prev's code, so of two racing resends one sends; onFail is what it
// means when the challenge moved.
func (t *Tx) ResendChallenge(prev, next otp.Challenge, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:           aws.String(t.table),
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
	}}, onFail)
}

// ConsumeChallenge adds the write that marks a challenge used at now. It holds only while its code c.Seq is
// still guessable, so of many requests holding the right code exactly one signs in; onFail is what it means
// when the challenge moved (used, resent or expired meanwhile).
func (t *Tx) ConsumeChallenge(c otp.Challenge, now time.Time, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:        aws.String(t.table),
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
	}}, onFail)
}
