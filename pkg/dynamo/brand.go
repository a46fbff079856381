package dynamo

// Records and conditional writes of partner branding: the branding item next to its account (enabled by the
// provider, set by the partner) and the logo in its own partition. Package brand adds them to transactions with
// their audit events; package branding reads them (Brands) to resolve an account's effective branding.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// brandItem is an account's branding item (pk=ACCOUNT#<id>, sk=BRAND). It exists once the provider first
// enabled branding for the account.
type brandItem struct {
	AccountID string `dynamodbav:"accountId"`
	// AccountName is the account's company name when the branding last changed.
	AccountName  string    `dynamodbav:"accountName,omitempty"`
	Enabled      bool      `dynamodbav:"enabled"`
	Name         string    `dynamodbav:"name,omitempty"`
	Color        string    `dynamodbav:"color,omitempty"`
	SupportEmail string    `dynamodbav:"supportEmail,omitempty"`
	SupportURL   string    `dynamodbav:"supportUrl,omitempty"`
	LogoHash     string    `dynamodbav:"logoHash,omitempty"`
	LogoType     string    `dynamodbav:"logoType,omitempty"`
	LogoSize     int       `dynamodbav:"logoSize,omitempty"`
	LogoColor    string    `dynamodbav:"logoColor,omitempty"`
	Version      int       `dynamodbav:"version"`
	UpdatedAt    time.Time `dynamodbav:"updatedAt"`
	UpdatedBy    string    `dynamodbav:"updatedBy,omitempty"`
}

// Logo is an account's logo image (pk=LOGO#<accountId>, sk=LOGO), served publicly.
type Logo struct {
	AccountID   string    `dynamodbav:"accountId"`
	ContentType string    `dynamodbav:"contentType"`
	Hash        string    `dynamodbav:"hash"`
	Data        []byte    `dynamodbav:"data"`
	UpdatedAt   time.Time `dynamodbav:"updatedAt"`
}

// record is the domain record of a stored branding item.
func (b brandItem) record() branding.Record {
	return branding.Record{
		AccountID:   b.AccountID,
		AccountName: b.AccountName,
		Enabled:     b.Enabled,
		Settings:    branding.Settings{Name: b.Name, Color: b.Color, SupportEmail: b.SupportEmail, SupportURL: b.SupportURL},
		LogoHash:    b.LogoHash,
		LogoType:    b.LogoType,
		LogoSize:    b.LogoSize,
		LogoColor:   b.LogoColor,
		Version:     b.Version,
		UpdatedAt:   b.UpdatedAt,
		UpdatedBy:   b.UpdatedBy,
	}
}

// Brand reads an account's branding; found is false when the provider never enabled it.
func (s Store) Brand(ctx context.Context, accountID string) (r branding.Record, found bool, err error) {
	var b brandItem
	found, err = Get(ctx, s.DB, s.Table, table.BrandKey(accountID), &b)
	return b.record(), found, err
}

// Brands reads the branding of several accounts in one consistent batch and returns those that exist, by account
// id. Callers pass a handful of ids: the MSPs and partners on one account's path.
func (s Store) Brands(ctx context.Context, accountIDs []string) (map[string]branding.Record, error) {
	keys := make([]table.Key, len(accountIDs))
	for i, id := range accountIDs {
		keys[i] = table.BrandKey(id)
	}
	out := make(map[string]branding.Record, len(accountIDs))
	err := batchGet(ctx, s.DB, s.Table, keys, true, func(item map[string]types.AttributeValue) error {
		var b brandItem
		if err := attributevalue.UnmarshalMap(item, &b); err != nil {
			return fmt.Errorf("decode branding: %w", err)
		}
		out[b.AccountID] = b.record()
		return nil
	})
	return out, err
}

// Logo reads an account's logo; found is false when it has none.
func (s Store) Logo(ctx context.Context, accountID string) (l Logo, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.LogoKey(accountID), &l)
	return l, found, err
}

// BrandChange is who changes an account's branding, and when.
type BrandChange struct {
	AccountID   string
	AccountName string
	By          string
	At          time.Time
}

// SetBrandEnabled adds the creation of the branding item or its switch on or off. It fails its condition when
// the branding is already in that state (onUnchanged), so of two identical concurrent requests only one writes
// (and audits) the change.
func (t *Tx) SetBrandEnabled(c BrandChange, enabled bool, onUnchanged error) *Tx {
	at, err := attributevalue.Marshal(c.At)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(t.table),
		Key:       table.BrandKey(c.AccountID).AV(),
		UpdateExpression: aws.String("SET #type = :type, accountId = :id, accountName = :name, enabled = :enabled, " +
			"updatedAt = :at, updatedBy = :by, #version = if_not_exists(#version, :zero) + :one"),
		ConditionExpression:      aws.String("attribute_not_exists(enabled) OR enabled <> :enabled"),
		ExpressionAttributeNames: map[string]string{"#type": table.AttrType, "#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":type": S(table.TypeBrand), ":id": S(c.AccountID), ":name": S(c.AccountName),
			":enabled": &types.AttributeValueMemberBOOL{Value: enabled},
			":at":      at, ":by": S(c.By), ":zero": N(0), ":one": N(1),
		},
	}}, onUnchanged)
}

// SetBrandSettings adds the replacement of the partner's settings, already validated (an empty field is
// removed). It fails its condition unless the provider has enabled branding for the account (onNotEnabled).
func (t *Tx) SetBrandSettings(c BrandChange, s branding.Settings, onNotEnabled error) *Tx {
	at, err := attributevalue.Marshal(c.At)
	if err != nil {
		t.Fail(err)
		return t
	}
	values := map[string]types.AttributeValue{
		":name": S(c.AccountName), ":at": at, ":by": S(c.By), ":one": N(1), ":true": &types.AttributeValueMemberBOOL{Value: true},
	}
	set := "SET accountName = :name, updatedAt = :at, updatedBy = :by, #version = #version + :one"
	var remove []string
	for attr, v := range map[string]string{"#n": s.Name, "color": s.Color, "supportEmail": s.SupportEmail, "supportUrl": s.SupportURL} {
		if v == "" {
			remove = append(remove, attr)
			continue
		}
		ph := ":" + trimHash(attr)
		set += ", " + attr + " = " + ph
		values[ph] = S(v)
	}
	expr := set
	if len(remove) > 0 {
		slices.Sort(remove) // a stable expression reads better in logs
		expr += " REMOVE " + strings.Join(remove, ", ")
	}
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.BrandKey(c.AccountID).AV(),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("enabled = :true"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion, "#n": "name"},
		ExpressionAttributeValues: values,
	}}, onNotEnabled)
}

// BrandLogo is what the branding item keeps of its current logo.
type BrandLogo struct {
	Hash        string
	ContentType string
	Size        int
	// Color is the logo's main colour; "" when unknown, which removes the one of the previous logo.
	Color string
}

// SetBrandLogo adds the pointer of the branding to a new logo. It fails its condition unless branding is
// enabled (onNotEnabled).
func (t *Tx) SetBrandLogo(c BrandChange, l BrandLogo, onNotEnabled error) *Tx {
	at, err := attributevalue.Marshal(c.At)
	if err != nil {
		t.Fail(err)
		return t
	}
	values := map[string]types.AttributeValue{
		":name": S(c.AccountName), ":hash": S(l.Hash), ":ct": S(l.ContentType), ":size": N(int64(l.Size)),
		":at": at, ":by": S(c.By), ":one": N(1), ":true": &types.AttributeValueMemberBOOL{Value: true},
	}
	expr := "SET accountName = :name, logoHash = :hash, logoType = :ct, logoSize = :size, " +
		"updatedAt = :at, updatedBy = :by, #version = #version + :one"
	if l.Color != "" {
		expr += ", logoColor = :color"
		values[":color"] = S(l.Color)
	} else {
		expr += " REMOVE logoColor"
	}
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.BrandKey(c.AccountID).AV(),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("enabled = :true"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: values,
	}}, onNotEnabled)
}

// PutLogo adds the write (or replacement) of an account's logo image.
func (t *Tx) PutLogo(l Logo) *Tx {
	item, err := Record(l, table.TypeLogo, table.LogoKey(l.AccountID))
	if err != nil {
		t.Fail(fmt.Errorf("encode logo: %w", err))
		return t
	}
	return t.Replace(item)
}

func trimHash(s string) string { return strings.TrimPrefix(s, "#") }

var _ branding.Store = Store{}
