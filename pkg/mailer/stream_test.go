package mailer_test

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// streamEvent reads everything the table's stream holds and returns the records the mailer's event source
// mapping would deliver (table.OutboxInserts), as the Lambda event.
func streamEvent(t *testing.T, env *testenv.Env, tableName string) events.DynamoDBEvent {
	t.Helper()
	ctx := context.Background()
	streams, err := env.Streams.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String(tableName)})
	if err != nil || len(streams.Streams) == 0 {
		t.Fatalf("list streams of %s: %v (%d streams)", tableName, err, len(streams.Streams))
	}
	arn := streams.Streams[0].StreamArn
	desc, err := env.Streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil {
		t.Fatalf("describe stream: %v", err)
	}
	var ev events.DynamoDBEvent
	for _, sh := range desc.StreamDescription.Shards {
		it, err := env.Streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
			StreamArn: arn, ShardId: sh.ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			t.Fatalf("shard iterator: %v", err)
		}
		for iter := it.ShardIterator; iter != nil; {
			out, err := env.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatalf("get records: %v", err)
			}
			for _, r := range out.Records {
				rec := lambdaRecord(r, aws.ToString(arn))
				if table.OutboxInserts.Match(rec) {
					ev.Records = append(ev.Records, rec)
				}
			}
			if len(out.Records) == 0 {
				break // an open shard never ends; an empty read means we have read all there is
			}
			iter = out.NextShardIterator
		}
	}
	return ev
}

func lambdaRecord(r streamtypes.Record, arn string) events.DynamoDBEventRecord {
	d := r.Dynamodb
	return events.DynamoDBEventRecord{
		AWSRegion:      "us-east-1",
		EventID:        aws.ToString(r.EventID),
		EventName:      string(r.EventName),
		EventSource:    "aws:dynamodb",
		EventVersion:   aws.ToString(r.EventVersion),
		EventSourceArn: arn,
		Change: events.DynamoDBStreamRecord{
			Keys:           lambdaImage(d.Keys),
			NewImage:       lambdaImage(d.NewImage),
			OldImage:       lambdaImage(d.OldImage),
			SequenceNumber: aws.ToString(d.SequenceNumber),
			SizeBytes:      aws.ToInt64(d.SizeBytes),
			StreamViewType: string(d.StreamViewType),
		},
	}
}

func lambdaImage(item map[string]streamtypes.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if item == nil {
		return nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(item))
	for k, v := range item {
		out[k] = lambdaValue(v)
	}
	return out
}

func lambdaValue(av streamtypes.AttributeValue) events.DynamoDBAttributeValue {
	switch v := av.(type) {
	case *streamtypes.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *streamtypes.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *streamtypes.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *streamtypes.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *streamtypes.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *streamtypes.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *streamtypes.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	case *streamtypes.AttributeValueMemberL:
		list := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, el := range v.Value {
			list[i] = lambdaValue(el)
		}
		return events.NewListAttribute(list)
	case *streamtypes.AttributeValueMemberM:
		return events.NewMapAttribute(lambdaImage(v.Value))
	default:
		return events.NewNullAttribute()
	}
}
