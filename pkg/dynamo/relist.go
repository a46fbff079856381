package dynamo

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Relisted counts what a Relist did.
type Relisted struct {
	Accounts, Members, Rewritten int
}

// errRelistMoved says a membership changed between Relist's read and its rewrite: the change put it in place.
var errRelistMoved = errors.New("membership changed during relisting")

// Relist puts every membership of the account rootID and of the accounts below it in its places in the user
// list's indexes, with its role entries: a membership written before those indexes (a local database from
// before them, a live table at their first deploy) carries none of their keys, so the list's pages would miss
// it until its next change. It walks the tree a level at a time (children and members on gsi1, Query only) and
// rewrites each membership whose index keys are not what they should be, in a transaction of its own held to
// the version read; one that changed meanwhile was put in place by that change. Running it again rewrites
// nothing.
func (s Store) Relist(ctx context.Context, rootID string) (Relisted, error) {
	var done Relisted
	for level := []string{rootID}; len(level) > 0; {
		var next []string
		for _, id := range level {
			members, err := s.gsi1Items(ctx, table.MembersPartition(id))
			if err != nil {
				return done, err
			}
			for _, item := range members {
				rewritten, err := s.relist(ctx, item)
				if err != nil {
					return done, err
				}
				if rewritten {
					done.Rewritten++
				}
			}
			children, err := s.gsi1Items(ctx, table.ChildrenPartition(id))
			if err != nil {
				return done, err
			}
			for _, c := range children {
				if cid, ok := c["id"].(*types.AttributeValueMemberS); ok {
					next = append(next, cid.Value)
				}
			}
			done.Accounts++
			done.Members += len(members)
		}
		level = next
	}
	return done, nil
}

// relist rewrites a membership item whose list keys are not what its row makes them, and says whether it did.
func (s Store) relist(ctx context.Context, item map[string]types.AttributeValue) (bool, error) {
	var m user.Membership
	if err := attributevalue.UnmarshalMap(item, &m); err != nil {
		return false, fmt.Errorf("relist: decode membership: %w", err)
	}
	want, err := memberItem(m)
	if err != nil {
		return false, fmt.Errorf("relist: encode membership: %w", err)
	}
	stale := false
	for _, attr := range rowAttrs {
		stale = stale || !reflect.DeepEqual(item[attr], want[attr])
	}
	if !stale {
		return false, nil
	}
	items, err := changeMember(s.Table, m, m)
	switch err := s.Commit(ctx, s.Tx().addMemberItems(items, err, errRelistMoved)); {
	case errors.Is(err, errRelistMoved):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("relist %s in %s: %w", m.UserID, m.AccountID, err)
	}
	return true, nil
}

// gsi1Items reads every item of a gsi1 partition.
func (s Store) gsi1Items(ctx context.Context, partition string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		IndexName:                 aws.String(table.GSI1),
		KeyConditionExpression:    aws.String("#pk = :p"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.AttrGSI1PK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(partition)},
	}
	var items []map[string]types.AttributeValue
	for {
		out, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, Unavailable("relist: query "+partition, err)
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
