package indexer

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Reader is what a backfill reads the tree with: GetItem and Query, never Scan.
type Reader interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

var _ Reader = (*dynamodb.Client)(nil)

// Filled counts what a backfill indexed.
type Filled struct {
	Accounts, Members, Entries int
}

// Backfill writes the entries of the account rootID, of every account below it and of every membership in
// those accounts: what the index holds for rows the search-index function saw created. It is for a table whose
// rows predate the index (a deploy of the function onto a live table, a local database from before it). It
// walks the tree a level at a time (children on gsi1) and each account's members (gsi1), with Query only, and
// puts entries whatever is there, so running it again, or while the function runs, changes nothing but a row
// renamed between its read and its write, whose old entries stay until the row next changes.
func (x *Indexer) Backfill(ctx context.Context, db Reader, rootID string) (Filled, error) {
	var filled Filled
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(x.c.Table), Key: table.AccountKey(rootID).AV(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return filled, dynamo.Unavailable("backfill: read the root account", err)
	}
	if out.Item == nil {
		return filled, fmt.Errorf("backfill: no account %s", rootID)
	}
	level := []map[string]types.AttributeValue{out.Item}
	for len(level) > 0 {
		var next []map[string]types.AttributeValue
		for _, acc := range level {
			id, _ := acc["id"].(*types.AttributeValueMemberS)
			if id == nil {
				return filled, fmt.Errorf("backfill: an account item without its id")
			}
			members, err := x.partition(ctx, db, table.MembersPartition(id.Value))
			if err != nil {
				return filled, err
			}
			children, err := x.partition(ctx, db, table.ChildrenPartition(id.Value))
			if err != nil {
				return filled, err
			}
			n, err := x.put(ctx, append([]map[string]types.AttributeValue{acc}, members...))
			if err != nil {
				return filled, err
			}
			filled.Accounts++
			filled.Members += len(members)
			filled.Entries += n
			next = append(next, children...)
		}
		level = next
	}
	return filled, nil
}

// partition reads every item of a gsi1 partition.
func (x *Indexer) partition(ctx context.Context, db Reader, partition string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(x.c.Table),
		IndexName:                 aws.String(table.GSI1),
		KeyConditionExpression:    aws.String("#pk = :p"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.AttrGSI1PK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: partition}},
	}
	var items []map[string]types.AttributeValue
	for {
		out, err := db.Query(ctx, in)
		if err != nil {
			return nil, dynamo.Unavailable("backfill: query "+partition, err)
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// put writes the entries of items (accounts and memberships; other items have none) and says how many.
func (x *Indexer) put(ctx context.Context, items []map[string]types.AttributeValue) (int, error) {
	var writes []write
	for _, item := range items {
		es, err := dynamo.FindsOf(item)
		if err != nil {
			return 0, err
		}
		for _, e := range es {
			it, err := dynamo.FindItem(e)
			if err != nil {
				return 0, fmt.Errorf("encode search entry: %w", err)
			}
			writes = append(writes, write{req: types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}})
		}
	}
	if failed := x.apply(ctx, writes, 1); failed[0] {
		return 0, fmt.Errorf("backfill: writes failed")
	}
	return len(writes), nil
}

// Indexed reports whether the index holds anything under an account's partition of accounts: false for a table
// whose rows predate the index, which a Backfill then fills (the local stack checks its provider on start).
func (x *Indexer) Indexed(ctx context.Context, db Reader, accountID string) (bool, error) {
	out, err := db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(x.c.Table),
		KeyConditionExpression:    aws.String("#pk = :p"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.AttrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: table.FindAccountsPartition(accountID)}},
		Limit:                     aws.Int32(1),
	})
	if err != nil {
		return false, dynamo.Unavailable("look for search entries", err)
	}
	return len(out.Items) > 0, nil
}
