package sweep

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Transition is the Expirer of records whose expiry is a status change, e.g. a grant invited → expired or a
// token pending → expired. In one conditional update it sets the status to To, stamps expiredAt, bumps the
// version and takes the item off the expiry index — if the item is still in one of the From statuses and still
// due at the time the sweep read (its xsk is unchanged: a resend that moved the deadline wins). An item that has
// left the From statuses (used, revoked) is only taken off the index; a rescheduled or deleted item is left alone.
type Transition struct {
	DB    dynamo.DB
	Table string
	From  []string
	To    string
	// Attr is the status attribute; "status" when empty.
	Attr string
}

var _ Expirer = Transition{}

// Expire expires the item.
func (t Transition) Expire(ctx context.Context, item map[string]types.AttributeValue, now time.Time) error {
	if len(t.From) == 0 || t.To == "" {
		return errors.New("transition without From or To")
	}
	xsk, ok := item[table.AttrXSK]
	if !ok {
		return nil // not on the index any more
	}
	key := map[string]types.AttributeValue{table.AttrPK: item[table.AttrPK], table.AttrSK: item[table.AttrSK]}
	attr := t.Attr
	if attr == "" {
		attr = "status"
	}
	names := map[string]string{"#st": attr, "#xpk": table.AttrXPK, "#xsk": table.AttrXSK, "#at": "expiredAt", "#v": table.AttrVersion}
	values := map[string]types.AttributeValue{
		":to":  dynamo.S(t.To),
		":xsk": xsk,
		":at":  dynamo.S(table.Timestamp(now)),
		":one": dynamo.N(1),
	}
	in := "("
	for i, f := range t.From {
		p := fmt.Sprintf(":from%d", i)
		values[p] = dynamo.S(f)
		if i > 0 {
			in += ", "
		}
		in += p
	}
	in += ")"
	_, err := t.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(t.Table),
		Key:                       key,
		UpdateExpression:          aws.String("SET #st = :to, #at = :at ADD #v :one REMOVE #xpk, #xsk"),
		ConditionExpression:       aws.String("#xsk = :xsk AND #st IN " + in),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	})
	if err == nil {
		return nil
	}
	if !dynamo.ConditionFailed(err) {
		return dynamo.Unavailable("expire "+str(item[table.AttrPK]), err)
	}
	// The item is no longer in a status that expires (or moved or vanished). If it is still on the index at
	// the same deadline, take it off so the sweep does not read it again.
	_, err = t.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(t.Table),
		Key:                       key,
		UpdateExpression:          aws.String("REMOVE #xpk, #xsk"),
		ConditionExpression:       aws.String("#xsk = :xsk"),
		ExpressionAttributeNames:  map[string]string{"#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":xsk": xsk},
	})
	if err == nil || dynamo.ConditionFailed(err) {
		return nil
	}
	return dynamo.Unavailable("unindex "+str(item[table.AttrPK]), err)
}
