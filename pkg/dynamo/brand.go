package dynamo

// Records and conditional writes of partner branding: the branding item next to its account (enabled by the
// provider, set by the partner) and the logo in its own partition. Package brand adds them to transactions with
// their audit events; package branding reads them to resolve an account's effective branding.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
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

// Brands reads the branding of several accounts at once (one GetItem each, in parallel) and returns those that
// exist, by account id. Callers pass a handful of ids: the MSPs and partners on one account's path.
func (s Store) Brands(ctx context.Context, accountIDs []string) (map[string]branding.Record, error) {
	var (
		wg    sync.WaitGroup
		out   = make(map[string]branding.Record, len(accountIDs))
		errs  = make([]error, len(accountIDs))
		found = make([]bool, len(accountIDs))
		items = make([]branding.Record, len(accountIDs))
	)
	for i, id := range accountIDs {
		wg.Go(func() { items[i], found[i], errs[i] = s.Brand(ctx, id) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, id := range accountIDs {
		if found[i] {
			out[id] = items[i]
		}
	}
	return out, nil
}

// Logo reads an account's logo; found is false when it has none.
func (s Store) Logo(ctx context.Context, accountID string) (l Logo, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.LogoKey(accountID), &l)
	return l, found, err
}

// AccountExists is a transaction condition that the account is still there.
func AccountExists(tableName, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:           aws.String(tableName),
		Key:                 table.AccountKey(accountID).AV(),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}
}

// BrandChange is who changes an account's branding, and when.
type BrandChange struct {
	AccountID   string
	AccountName string
	By          string
	At          time.Time
}

// SetBrandEnabled creates the branding item or switches it on or off. It fails its condition when the branding
// is already in that state, so of two identical concurrent requests only one writes (and audits) the change.
func SetBrandEnabled(tableName string, c BrandChange, enabled bool) (types.TransactWriteItem, error) {
	at, err := attributevalue.Marshal(c.At)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(tableName),
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
	}}, nil
}

// BrandSettings are the partner's choices, already validated. An empty field is removed.
type BrandSettings struct {
	Name, Color, SupportEmail, SupportURL string
}

// SetBrandSettings replaces the partner's settings. It fails its condition unless the provider has enabled
// branding for the account.
func SetBrandSettings(tableName string, c BrandChange, s BrandSettings) (types.TransactWriteItem, error) {
	at, err := attributevalue.Marshal(c.At)
	if err != nil {
		return types.TransactWriteItem{}, err
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
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.BrandKey(c.AccountID).AV(),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("enabled = :true"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion, "#n": "name"},
		ExpressionAttributeValues: values,
	}}, nil
}

// SetBrandLogo points the branding at a new logo. It fails its condition unless branding is enabled.
func SetBrandLogo(tableName string, c BrandChange, hash, contentType string, size int) (types.TransactWriteItem, error) {
	at, err := attributevalue.Marshal(c.At)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(tableName),
		Key:       table.BrandKey(c.AccountID).AV(),
		UpdateExpression: aws.String("SET accountName = :name, logoHash = :hash, logoType = :ct, logoSize = :size, " +
			"updatedAt = :at, updatedBy = :by, #version = #version + :one"),
		ConditionExpression:      aws.String("enabled = :true"),
		ExpressionAttributeNames: map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":name": S(c.AccountName), ":hash": S(hash), ":ct": S(contentType), ":size": N(int64(size)),
			":at": at, ":by": S(c.By), ":one": N(1), ":true": &types.AttributeValueMemberBOOL{Value: true},
		},
	}}, nil
}

// PutLogo writes (or replaces) an account's logo image.
func PutLogo(tableName string, l Logo) (types.TransactWriteItem, error) {
	item, err := Record(l, table.TypeLogo, table.LogoKey(l.AccountID))
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode logo: %w", err)
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(tableName), Item: item}}, nil
}

func trimHash(s string) string { return strings.TrimPrefix(s, "#") }
