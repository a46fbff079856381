package dynamo

// Records and conditional writes of passkeys: one item per credential in the user's partition, a guard that
// names a credential id's owner (passwordless sign-in finds the user by it, and one credential has one owner),
// and the begun ceremonies, keyed by the HMAC of their challenge and consumed by a conditional delete.

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/passkey"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Passkeys lists a user's passkeys, oldest first, in one consistent Query (a user has at most
// passkey.MaxPerUser).
func (s Store) Passkeys(ctx context.Context, userID string) ([]passkey.Credential, error) {
	k := table.PasskeyKey(userID, "")
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(k.PK), ":sk": S(table.PasskeyPrefix),
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, Unavailable("query passkeys", err)
	}
	creds := make([]passkey.Credential, 0, len(out.Items))
	for _, item := range out.Items {
		var c passkey.Credential
		if err := attributevalue.UnmarshalMap(item, &c); err != nil {
			return nil, fmt.Errorf("decode passkey: %w", fault.ErrUnavailable)
		}
		creds = append(creds, c)
	}
	return creds, nil
}

// passkeyOwner is the guard item of a credential id.
type passkeyOwner struct {
	UserID    string `dynamodbav:"userId"`
	PasskeyID string `dynamodbav:"passkeyId"`
}

// PasskeyOwner finds who holds a credential id: the user's id and the passkey's, or fault.ErrNotFound.
func (s Store) PasskeyOwner(ctx context.Context, credentialID string) (userID, passkeyID string, err error) {
	var o passkeyOwner
	found, err := Get(ctx, s.DB, s.Table, table.PasskeyCredentialGuard(credentialID), &o)
	switch {
	case err != nil:
		return "", "", err
	case !found:
		return "", "", fault.ErrNotFound
	}
	return o.UserID, o.PasskeyID, nil
}

// ceremonyRecord is a ceremony as stored: its expiry as a table.Timestamp, which conditions compare.
type ceremonyRecord struct {
	passkey.Ceremony
	Expires string `dynamodbav:"expires"`
}

// PutCeremony stores a begun ceremony under the HMAC of its challenge; TTL collects it after it expires.
func (s Store) PutCeremony(ctx context.Context, hash string, c passkey.Ceremony) error {
	item, err := Record(ceremonyRecord{Ceremony: c, Expires: table.Timestamp(c.ExpiresAt)}, table.TypeCeremony, table.CeremonyKey(hash))
	if err != nil {
		return fmt.Errorf("encode ceremony: %w", err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.Table), Item: WithTTL(item, c.ExpiresAt.Add(time.Hour)),
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	if err != nil {
		return Unavailable("put ceremony", err) // a fresh random challenge: a collision is not a meaning
	}
	return nil
}

// Ceremony reads a begun ceremony by the HMAC of its challenge, or fault.ErrNotFound.
func (s Store) Ceremony(ctx context.Context, hash string) (passkey.Ceremony, error) {
	var r ceremonyRecord
	found, err := Get(ctx, s.DB, s.Table, table.CeremonyKey(hash), &r)
	switch {
	case err != nil:
		return passkey.Ceremony{}, err
	case !found:
		return passkey.Ceremony{}, fault.ErrNotFound
	}
	return r.Ceremony, nil
}

// ConsumeCeremony adds the delete of the ceremony with this hash, held to its being there and live at now:
// a challenge answers once. onFail is what it means when it was consumed first or ran out.
func (t *Tx) ConsumeCeremony(hash string, now time.Time, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(t.table),
		Key:                       table.CeremonyKey(hash).AV(),
		ConditionExpression:       aws.String("attribute_exists(pk) AND expires > :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": S(table.Timestamp(now))},
	}}, onFail)
}

// AddPasskey adds the puts of a new passkey and of the guard naming its credential's owner; taken is what a
// credential already registered (to anyone) means.
func (t *Tx) AddPasskey(c passkey.Credential, taken error) *Tx {
	item, err := Record(c, table.TypePasskey, table.PasskeyKey(c.UserID, c.ID))
	if err != nil {
		t.Fail(fmt.Errorf("encode passkey: %w", err))
		return t
	}
	guard, err := Record(passkeyOwner{UserID: c.UserID, PasskeyID: c.ID}, table.TypeGuard, table.PasskeyCredentialGuard(c.CredentialID))
	if err != nil {
		t.Fail(fmt.Errorf("encode passkey guard: %w", err))
		return t
	}
	return t.PutItem(item, taken).PutItem(guard, taken)
}

// RemovePasskey adds the deletes of a passkey, held to its being there, and of its guard; gone is what a
// passkey already removed means.
func (t *Tx) RemovePasskey(c passkey.Credential, gone error) *Tx {
	t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(t.table), Key: table.PasskeyKey(c.UserID, c.ID).AV(),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}, gone)
	return t.Delete(table.PasskeyCredentialGuard(c.CredentialID))
}

// RenamePasskey adds the update of a passkey's name, held to its being there; gone is what a passkey removed
// meanwhile means.
func (t *Tx) RenamePasskey(c passkey.Credential, gone error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(t.table), Key: table.PasskeyKey(c.UserID, c.ID).AV(),
		UpdateExpression:          aws.String("SET #name = :name"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#name": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":name": S(c.Name)},
	}}, gone)
}

// UsePasskey adds the update of a passkey that signed in: its new sign count and last use, held to the sign
// count it was read with, so two sign-ins with one count (a cloned authenticator's) cannot both pass. moved is
// what a passkey used or removed meanwhile means.
func (t *Tx) UsePasskey(c passkey.Credential, count uint32, at time.Time, moved error) *Tx {
	at = at.UTC()
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(t.table), Key: table.PasskeyKey(c.UserID, c.ID).AV(),
		UpdateExpression:    aws.String("SET signCount = :next, lastUsedAt = :at"),
		ConditionExpression: aws.String("attribute_exists(pk) AND signCount = :was"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":next": N(int64(count)), ":was": N(int64(c.SignCount)), ":at": S(at.Format(time.RFC3339Nano)),
		},
	}}, moved)
}
