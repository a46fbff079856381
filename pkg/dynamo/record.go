package dynamo

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// Index places a record on a secondary index.
type Index struct {
	PKAttr, SKAttr string
	Key            table.Key
}

// OnGSI1 places a record on gsi1.
func OnGSI1(k table.Key) Index { return Index{table.AttrGSI1PK, table.AttrGSI1SK, k} }

// OnGSI2 places a record on gsi2.
func OnGSI2(k table.Key) Index { return Index{table.AttrGSI2PK, table.AttrGSI2SK, k} }

// DueAt places a record on the sparse expiry index, due at t.
func DueAt(t time.Time, item table.Key) Index {
	return Index{table.AttrXPK, table.AttrXSK, table.ExpiryIndexKey(t, item)}
}

// Record encodes v (a struct with dynamodbav tags) as an item with its key, type and index keys.
func Record(v any, typ string, key table.Key, indexes ...Index) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return nil, err
	}
	item[table.AttrPK] = S(key.PK)
	item[table.AttrSK] = S(key.SK)
	item[table.AttrType] = S(typ)
	for _, ix := range indexes {
		item[ix.PKAttr] = S(ix.Key.PK)
		item[ix.SKAttr] = S(ix.Key.SK)
	}
	return item, nil
}

// WithTTL sets the TTL attribute, after which DynamoDB may delete the item. Reads never rely on it.
func WithTTL(item map[string]types.AttributeValue, at time.Time) map[string]types.AttributeValue {
	item[table.AttrTTL] = N(at.Unix())
	return item
}

// S is a string attribute value.
func S(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// N is a number attribute value.
func N(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// Get reads one item into v. found is false if there is no item.
func Get(ctx context.Context, db DB, tableName string, key table.Key, v any) (found bool, err error) {
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(tableName),
		Key:            key.AV(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, Unavailable("get "+key.PK, err)
	}
	if out.Item == nil {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(out.Item, v)
}
