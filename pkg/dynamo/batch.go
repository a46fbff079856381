package dynamo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// batchGetMax is the most keys one BatchGetItem takes.
const batchGetMax = 100

// batchAttempts bounds the re-requests of keys DynamoDB left unprocessed (under throttling).
const batchAttempts = 5

// batchGet reads items by key, up to 100 per request, and hands each one found to each. It asks again for the
// keys DynamoDB leaves unprocessed (under throttling), a few times with a short backoff.
func batchGet(ctx context.Context, db BatchGetter, tableName string, keys []table.Key, consistent bool, each func(map[string]types.AttributeValue) error) error {
	for chunk := range slices.Chunk(keys, batchGetMax) {
		avs := make([]map[string]types.AttributeValue, len(chunk))
		for i, k := range chunk {
			avs[i] = k.AV()
		}
		req := map[string]types.KeysAndAttributes{tableName: {Keys: avs, ConsistentRead: aws.Bool(consistent)}}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == batchAttempts {
				return Unavailable("batch get", fmt.Errorf("keys left unprocessed"))
			}
			if attempt > 0 {
				select {
				case <-ctx.Done():
					return Unavailable("batch get", ctx.Err())
				case <-time.After(time.Duration(attempt*attempt) * 20 * time.Millisecond):
				}
			}
			res, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return Unavailable("batch get", err)
			}
			for _, item := range res.Responses[tableName] {
				if err := each(item); err != nil {
					return err
				}
			}
			req = res.UnprocessedKeys
		}
	}
	return nil
}
