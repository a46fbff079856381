// Package table defines PartnerHub's one DynamoDB table: its keys, its indexes, its TTL attribute and its
// stream. The CDK stack, the local stack and the tests all build the table from Main, so there is exactly one
// definition of it.
package table

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	UpdateTable(ctx context.Context, in *dynamodb.UpdateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error)
	UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

var _ Admin = (*dynamodb.Client)(nil)

// Ensure creates the table if it is missing, waits until it is active and turns TTL on; a table that exists
// gets the indexes it lacks (a local database from before they were added), one at a time as DynamoDB allows.
// It is for the local stack and the tests; in AWS the CDK stack owns the table. Calling it twice changes
// nothing.
func (d Definition) Ensure(ctx context.Context, db Admin, name string) error {
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	var missing *types.ResourceNotFoundException
	switch {
	case err == nil:
		return d.addIndexes(ctx, db, name, out.Table)
	case !errors.As(err, &missing):
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	if _, err := db.CreateTable(ctx, d.CreateTableInput(name)); err != nil {
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return fmt.Errorf("create table %s: %w", name, err)
		}
	}
	if err := active(ctx, db, name); err != nil {
		return err
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

// active waits until the table and every index of it are active.
func active(ctx context.Context, db Admin, name string) error {
	for {
		out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err == nil && out.Table.TableStatus == types.TableStatusActive && !slices.ContainsFunc(out.Table.GlobalSecondaryIndexes,
			func(ix types.GlobalSecondaryIndexDescription) bool { return ix.IndexStatus != types.IndexStatusActive }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// addIndexes adds to an existing table the indexes of the definition it lacks, one UpdateTable each (DynamoDB
// builds one new index at a time), waiting for each to be built. Items written before carry no keys of a new
// index, so they are not on it until rewritten (dynamo.Store.Relist does that for the user list's).
func (d Definition) addIndexes(ctx context.Context, db Admin, name string, desc *types.TableDescription) error {
	for _, ix := range d.Indexes {
		if slices.ContainsFunc(desc.GlobalSecondaryIndexes, func(g types.GlobalSecondaryIndexDescription) bool {
			return aws.ToString(g.IndexName) == ix.Name
		}) {
			continue
		}
		if err := active(ctx, db, name); err != nil {
			return err
		}
		_, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{
			TableName: aws.String(name),
			AttributeDefinitions: []types.AttributeDefinition{
				{AttributeName: aws.String(ix.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String(ix.SortKey), AttributeType: types.ScalarAttributeTypeS},
			},
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: aws.String(ix.Name),
				KeySchema: []types.KeySchemaElement{
					{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
					{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange},
				},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
			}}},
		})
		if err != nil {
			return fmt.Errorf("add index %s to %s: %w", ix.Name, name, err)
		}
	}
	return active(ctx, db, name)
}
