package local

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// lambdaRecord converts a record read from DynamoDB Streams into the record Lambda hands a function.
func lambdaRecord(r types.Record, streamARN, region string) (events.DynamoDBEventRecord, error) {
	if r.Dynamodb == nil {
		return events.DynamoDBEventRecord{}, errors.New("stream record without its dynamodb part")
	}
	d := r.Dynamodb
	out := events.DynamoDBEventRecord{
		AWSRegion:      region,
		EventID:        aws.ToString(r.EventID),
		EventName:      string(r.EventName),
		EventSource:    "aws:dynamodb",
		EventVersion:   aws.ToString(r.EventVersion),
		EventSourceArn: streamARN,
		Change: events.DynamoDBStreamRecord{
			SequenceNumber: aws.ToString(d.SequenceNumber),
			SizeBytes:      aws.ToInt64(d.SizeBytes),
			StreamViewType: string(d.StreamViewType),
		},
	}
	if d.ApproximateCreationDateTime != nil {
		out.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: *d.ApproximateCreationDateTime}
	}
	if r.UserIdentity != nil {
		out.UserIdentity = &events.DynamoDBUserIdentity{
			Type:        aws.ToString(r.UserIdentity.Type),
			PrincipalID: aws.ToString(r.UserIdentity.PrincipalId),
		}
	}
	var err error
	if out.Change.Keys, err = image(d.Keys); err != nil {
		return out, fmt.Errorf("keys: %w", err)
	}
	if out.Change.NewImage, err = image(d.NewImage); err != nil {
		return out, fmt.Errorf("new image: %w", err)
	}
	if out.Change.OldImage, err = image(d.OldImage); err != nil {
		return out, fmt.Errorf("old image: %w", err)
	}
	return out, nil
}

// image converts an item; nil stays nil, as Lambda leaves out an image the view type does not carry.
func image(item map[string]types.AttributeValue) (map[string]events.DynamoDBAttributeValue, error) {
	if item == nil {
		return nil, nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(item))
	for name, av := range item {
		v, err := attributeValue(av)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}

// attributeValue converts one value of every DynamoDB type. Byte slices and sets are copied, so the event
// shares no memory with the SDK's response.
func attributeValue(av types.AttributeValue) (events.DynamoDBAttributeValue, error) {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value), nil
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value), nil
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(slices.Clone(v.Value)), nil
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value), nil
	case *types.AttributeValueMemberNULL:
		return events.NewNullAttribute(), nil
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(slices.Clone(v.Value)), nil
	case *types.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(slices.Clone(v.Value)), nil
	case *types.AttributeValueMemberBS:
		set := make([][]byte, len(v.Value))
		for i, b := range v.Value {
			set[i] = slices.Clone(b)
		}
		return events.NewBinarySetAttribute(set), nil
	case *types.AttributeValueMemberL:
		list := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, el := range v.Value {
			c, err := attributeValue(el)
			if err != nil {
				return events.DynamoDBAttributeValue{}, fmt.Errorf("[%d]: %w", i, err)
			}
			list[i] = c
		}
		return events.NewListAttribute(list), nil
	case *types.AttributeValueMemberM:
		m, err := image(v.Value)
		if err != nil {
			return events.DynamoDBAttributeValue{}, err
		}
		if m == nil {
			m = map[string]events.DynamoDBAttributeValue{}
		}
		return events.NewMapAttribute(m), nil
	case nil:
		return events.DynamoDBAttributeValue{}, errors.New("missing value")
	default:
		return events.DynamoDBAttributeValue{}, fmt.Errorf("unknown attribute value type %T", av)
	}
}
