package mailer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// DB is the part of the DynamoDB client the mailer uses; dynamo.DB has it.
type DB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

var _ DB = (*dynamodb.Client)(nil)

// errNotClaimable means a conditional write found the message in another state than it expected: someone else
// claimed, sent or failed it in the meantime.
var errNotClaimable = errors.New("outbox message changed by another delivery")

// store makes the mailer's conditional writes on one message. Every write is conditional on the state the
// mailer believes the message is in, so concurrent deliveries cannot overwrite each other's results.
type store struct {
	db    DB
	table string
	key   table.Key
}

// names are the attribute names the writes use ("status" is a reserved word).
var names = map[string]string{
	"#status":     "status",
	"#attempts":   "attempts",
	"#claimId":    "claimId",
	"#claimUntil": "claimUntil",
	"#lastError":  "lastError",
	"#sentAt":     "sentAt",
	"#sesId":      "sesMessageId",
}

func (s store) get(ctx context.Context) (map[string]types.AttributeValue, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            s.key.AV(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("get outbox message: %w", err)
	}
	return out.Item, nil
}

// claim takes a pending message, or one whose claim has lapsed, for this delivery, and counts the attempt.
func (s store) claim(ctx context.Context, now time.Time, d time.Duration) (claim string, attempts int, err error) {
	claim = secret.NewID()
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      s.key.AV(),
		UpdateExpression:         aws.String("SET #status = :sending, #claimId = :claim, #claimUntil = :until, #attempts = if_not_exists(#attempts, :zero) + :one"),
		ConditionExpression:      aws.String("#status = :pending OR (#status = :sending AND #claimUntil < :now)"),
		ExpressionAttributeNames: pick(names, "#status", "#claimId", "#claimUntil", "#attempts"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":sending": av(outbox.StatusSending),
			":pending": av(outbox.StatusPending),
			":claim":   av(claim),
			":until":   av(table.Timestamp(now.Add(d))),
			":now":     av(table.Timestamp(now)),
			":zero":    &types.AttributeValueMemberN{Value: "0"},
			":one":     &types.AttributeValueMemberN{Value: "1"},
		},
		ReturnValues: types.ReturnValueUpdatedNew,
	})
	if conditionFailed(err) {
		return "", 0, errNotClaimable
	}
	if err != nil {
		return "", 0, fmt.Errorf("claim outbox message: %w", err)
	}
	if n, ok := out.Attributes["attempts"].(*types.AttributeValueMemberN); ok {
		attempts, _ = strconv.Atoi(n.Value)
	}
	return claim, attempts, nil
}

// sent records a successful send by the holder of the claim.
func (s store) sent(ctx context.Context, claim string, at time.Time, sesID string) error {
	return s.settle(ctx, claim, "SET #status = :sent, #sentAt = :at, #sesId = :id", map[string]types.AttributeValue{
		":sent": av(outbox.StatusSent),
		":at":   av(at.UTC().Format(time.RFC3339Nano)), // how attributevalue encodes outbox.Message.SentAt
		":id":   av(sesID),
	}, "#sentAt", "#sesId")
}

// release records a failed send by the holder of the claim: pending to be retried, or failed for good.
func (s store) release(ctx context.Context, claim, status, reason string) error {
	return s.settle(ctx, claim, "SET #status = :next, #lastError = :err", map[string]types.AttributeValue{
		":next": av(status),
		":err":  av(reason),
	}, "#lastError")
}

func (s store) settle(ctx context.Context, claim, set string, values map[string]types.AttributeValue, attrs ...string) error {
	values[":sending"] = av(outbox.StatusSending)
	values[":claim"] = av(claim)
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       s.key.AV(),
		UpdateExpression:          aws.String(set + " REMOVE #claimId, #claimUntil"),
		ConditionExpression:       aws.String("#status = :sending AND #claimId = :claim"),
		ExpressionAttributeNames:  pick(names, append(attrs, "#status", "#claimId", "#claimUntil")...),
		ExpressionAttributeValues: values,
	})
	if conditionFailed(err) {
		return errNotClaimable
	}
	if err != nil {
		return fmt.Errorf("record outbox result: %w", err)
	}
	return nil
}

// failUnclaimed marks a message failed without sending it, unless it is already sent or failed.
func (s store) failUnclaimed(ctx context.Context, now time.Time, reason string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      s.key.AV(),
		UpdateExpression:         aws.String("SET #status = :failed, #lastError = :err REMOVE #claimId, #claimUntil"),
		ConditionExpression:      aws.String("attribute_exists(pk) AND NOT (#status IN (:sent, :failed))"),
		ExpressionAttributeNames: pick(names, "#status", "#lastError", "#claimId", "#claimUntil"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":failed": av(outbox.StatusFailed),
			":sent":   av(outbox.StatusSent),
			":err":    av(reason),
		},
	})
	if conditionFailed(err) {
		return errNotClaimable
	}
	if err != nil {
		return fmt.Errorf("fail outbox message: %w", err)
	}
	return nil
}

// pick returns the entries of m named by keys: DynamoDB rejects unused expression attribute names.
func pick(m map[string]string, keys ...string) map[string]string {
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

func av(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func conditionFailed(err error) bool {
	var cc *types.ConditionalCheckFailedException
	return errors.As(err, &cc)
}
