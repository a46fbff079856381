// Package table defines PartnerHub's one DynamoDB table: its keys, its indexes, its TTL attribute and its
// stream. The CDK stack, the local stack and the tests all build the table from Main, so there is exactly one
// definition of it.
package table

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Index is a global secondary index. Every key attribute is a string and every index projects all attributes.
type Index struct {
	Name         string
	PartitionKey string
	SortKey      string
}

// Definition describes the table independently of any tool that creates it.
type Definition struct {
	PartitionKey string
	SortKey      string
	Indexes      []Index
	// TTLAttribute holds an epoch-seconds deadline after which DynamoDB may delete the item. TTL only collects
	// garbage: every read checks expiry itself.
	TTLAttribute string
	// StreamView is the stream view type; NEW_AND_OLD_IMAGES lets the mailer see the inserted outbox item.
	StreamView types.StreamViewType
}

// Index names.
const (
	GSI1   = "gsi1"
	GSI2   = "gsi2"
	Expiry = "expiry"
)

// Attribute names shared by every record.
const (
	AttrPK      = "pk"
	AttrSK      = "sk"
	AttrGSI1PK  = "gsi1pk"
	AttrGSI1SK  = "gsi1sk"
	AttrGSI2PK  = "gsi2pk"
	AttrGSI2SK  = "gsi2sk"
	AttrXPK     = "xpk" // sparse expiry index: present only while the item is waiting to expire
	AttrXSK     = "xsk"
	AttrTTL     = "ttl"
	AttrType    = "type"
	AttrVersion = "version"
)

// Main is the PartnerHub table.
var Main = Definition{
	PartitionKey: AttrPK,
	SortKey:      AttrSK,
	// gsi1, gsi2, the user list's gsi3 to gsi14 (ListIndexes) and the expiry index: 15 of DynamoDB's 20.
	Indexes: append(append([]Index{
		{Name: GSI1, PartitionKey: AttrGSI1PK, SortKey: AttrGSI1SK},
		{Name: GSI2, PartitionKey: AttrGSI2PK, SortKey: AttrGSI2SK},
	}, listIndexesOnly()...),
		Index{Name: Expiry, PartitionKey: AttrXPK, SortKey: AttrXSK}),
	TTLAttribute: AttrTTL,
	StreamView:   types.StreamViewTypeNewAndOldImages,
}

// CreateTableInput is the CreateTable request for the definition, on-demand billing, stream enabled.
func (d Definition) CreateTableInput(name string) *dynamodb.CreateTableInput {
	attrs := []types.AttributeDefinition{
		{AttributeName: aws.String(d.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String(d.SortKey), AttributeType: types.ScalarAttributeTypeS},
	}
	var gsis []types.GlobalSecondaryIndex
	for _, ix := range d.Indexes {
		attrs = append(attrs,
			types.AttributeDefinition{AttributeName: aws.String(ix.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String(ix.SortKey), AttributeType: types.ScalarAttributeTypeS})
		gsis = append(gsis, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: attrs,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(d.PartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(d.SortKey), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: gsis,
		BillingMode:            types.BillingModePayPerRequest,
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: d.StreamView,
		},
	}
}

// Admin is the part of the DynamoDB client that Ensure uses.
type Admin interface {
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

var _ Admin = (*dynamodb.Client)(nil)

// Ensure creates the table if it is missing, waits until it is active and turns TTL on. It is for the local
// stack and the tests; in AWS the CDK stack owns the table. Calling it twice changes nothing.
func (d Definition) Ensure(ctx context.Context, db Admin, name string) error {
	_, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	var missing *types.ResourceNotFoundException
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &missing):
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	if _, err := db.CreateTable(ctx, d.CreateTableInput(name)); err != nil {
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return fmt.Errorf("create table %s: %w", name, err)
		}
	}
	for {
		out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err == nil && out.Table.TableStatus == types.TableStatusActive {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	_, err = db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(d.TTLAttribute),
			Enabled:       aws.Bool(true),
		},
	})
	if err != nil {
		return fmt.Errorf("enable ttl on %s: %w", name, err)
	}
	return nil
}
