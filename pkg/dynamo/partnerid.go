package dynamo

// Partner IDs (package partnerid): the guard that reserves one for an account, the account's attribute, and the
// lookup of the account an ID names.

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// partnerIDGuard reserves a Partner ID and names its account.
type partnerIDGuard struct {
	AccountID string `dynamodbav:"accountId"`
	PartnerID string `dynamodbav:"partnerId"`
}

// partnerIDGuardItem reserves id for an account. A Put of it with attribute_not_exists fails if the ID is taken.
func partnerIDGuardItem(id partnerid.ID, accountID string) (map[string]types.AttributeValue, error) {
	return Record(partnerIDGuard{AccountID: accountID, PartnerID: id.String()}, table.TypeGuard, table.PartnerIDGuard(string(id)))
}

// ReservePartnerID adds the guard that reserves id for an account; onFail is what it means if the ID is taken.
// The account item itself carries id.String() in its partnerId attribute (see SetPartnerID for an account that
// exists already).
func (t *Tx) ReservePartnerID(id partnerid.ID, accountID string, onFail error) *Tx {
	item, err := partnerIDGuardItem(id, accountID)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(item, onFail)
}

// SetPartnerID adds the update that gives an existing account without a Partner ID its id; onFail is what it
// means if the account is gone or has one already (another request allocated it first). It leaves the version
// alone: no edit of the account conflicts with it.
func (t *Tx) SetPartnerID(accountID string, id partnerid.ID, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.AccountKey(accountID).AV(),
		UpdateExpression:          aws.String("SET partnerId = :p"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND attribute_not_exists(partnerId)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(id.String())},
	}}, onFail)
}

// AccountByPartnerID reads the account a Partner ID names; found is false if none does.
func (s Store) AccountByPartnerID(ctx context.Context, id partnerid.ID) (account.Account, bool, error) {
	var g partnerIDGuard
	found, err := Get(ctx, s.DB, s.Table, table.PartnerIDGuard(string(id)), &g)
	if err != nil || !found || g.AccountID == "" {
		return account.Account{}, false, err
	}
	var acc account.Account
	if found, err = Get(ctx, s.DB, s.Table, table.AccountKey(g.AccountID), &acc); err != nil {
		return acc, false, err
	}
	return acc, found, nil
}
