// Package dynamo holds what every store shares: the slice of the DynamoDB client the stores use, and the
// translation of transaction cancellations into domain errors.
package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/partnerhub/partnerhub/pkg/fault"
)

// DB is the part of the DynamoDB client the stores use.
type DB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

var _ DB = (*dynamodb.Client)(nil)

// Reasons returns the cancellation reason code of each item of a cancelled transaction ("None" for items that
// did not fail), or nil if err is not a transaction cancellation.
func Reasons(err error) []string {
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		return nil
	}
	out := make([]string, len(tc.CancellationReasons))
	for i, r := range tc.CancellationReasons {
		out[i] = "None"
		if r.Code != nil {
			out[i] = *r.Code
		}
	}
	return out
}

// ConditionFailed reports whether err is a failed condition: of a single write, or of any item of a transaction.
func ConditionFailed(err error) bool {
	var cc *types.ConditionalCheckFailedException
	if errors.As(err, &cc) {
		return true
	}
	for _, r := range Reasons(err) {
		if r == "ConditionalCheckFailed" {
			return true
		}
	}
	return false
}

// Contended reports whether a transaction lost a race with another one; the caller may retry it.
func Contended(err error) bool {
	for _, r := range Reasons(err) {
		if r == "TransactionConflict" {
			return true
		}
	}
	var tc *types.TransactionConflictException
	return errors.As(err, &tc)
}

// Unavailable wraps an error from the table as fault.ErrUnavailable, keeping the cause for the log.
//
// A request DynamoDB refuses as malformed (a ValidationException, say) is not unavailability but a bug in the
// request: it stays a plain error, answered as a 500 and logged, so it is not mistaken for an outage.
func Unavailable(op string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorFault() == smithy.FaultClient && !retryableClientCodes[api.ErrorCode()] {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, fault.ErrUnavailable, err)
}

// retryableClientCodes are client-side errors that mean "not now" rather than "wrong request": throttling, and a
// table that is missing or still being created.
var retryableClientCodes = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"ThrottlingException":                    true,
	"RequestLimitExceeded":                   true,
	"ResourceNotFoundException":              true,
	"ResourceInUseException":                 true,
	"LimitExceededException":                 true,
}
