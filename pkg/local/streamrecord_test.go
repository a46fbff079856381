package local

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

func TestAttributeValueConvertsEveryType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   types.AttributeValue
		want string // DynamoDB JSON, as Lambda sends it
	}{
		{"S", &types.AttributeValueMemberS{Value: "héllo"}, `{"S":"héllo"}`},
		{"S empty", &types.AttributeValueMemberS{Value: ""}, `{"S":""}`},
		{"N", &types.AttributeValueMemberN{Value: "-12.50"}, `{"N":"-12.50"}`},
		{"B", &types.AttributeValueMemberB{Value: []byte{0, 1, 0xff}}, `{"B":"AAH/"}`},
		{"BOOL true", &types.AttributeValueMemberBOOL{Value: true}, `{"BOOL":true}`},
		{"BOOL false", &types.AttributeValueMemberBOOL{Value: false}, `{"BOOL":false}`},
		{"NULL", &types.AttributeValueMemberNULL{Value: true}, `{"NULL":true}`},
		{"SS", &types.AttributeValueMemberSS{Value: []string{"a", "b"}}, `{"SS":["a","b"]}`},
		{"NS", &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}}, `{"NS":["1","2.5"]}`},
		{"BS", &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}}}, `{"BS":["AQ==","AgM="]}`},
		{"L empty", &types.AttributeValueMemberL{Value: []types.AttributeValue{}}, `{"L":[]}`},
		{"M empty", &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}, `{"M":{}}`},
		{"nested", &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"list": &types.AttributeValueMemberL{Value: []types.AttributeValue{
				&types.AttributeValueMemberN{Value: "1"},
				&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"deep": &types.AttributeValueMemberBOOL{Value: true}}},
				&types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberNULL{Value: true}}},
			}},
			"bin": &types.AttributeValueMemberB{Value: []byte("x")},
		}}, `{"M":{"bin":{"B":"eA=="},"list":{"L":[{"N":"1"},{"M":{"deep":{"BOOL":true}}},{"L":[{"NULL":true}]}]}}}`},
	}
	for _, tc := range tests {
		t.Run("case="+tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := attributeValue(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Fatalf("got %s, want %s", b, tc.want)
			}
			// What Lambda would decode from that JSON is what the function gets locally.
			var back events.DynamoDBAttributeValue
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, got) {
				t.Fatalf("round trip: %#v, want %#v", back, got)
			}
		})
	}
}

func TestAttributeValueRejectsWhatItCannotConvert(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]types.AttributeValue{
		"nil":            nil,
		"unknown member": &types.UnknownUnionMember{Tag: "X"},
		"nil in a list":  &types.AttributeValueMemberL{Value: []types.AttributeValue{nil}},
		"unknown in map": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": &types.UnknownUnionMember{Tag: "X"}}},
	} {
		if _, err := attributeValue(in); err == nil {
			t.Errorf("case=%s: no error", name)
		}
	}
}

func TestAttributeValueCopiesBytes(t *testing.T) {
	t.Parallel()
	b := []byte{1, 2}
	got, err := attributeValue(&types.AttributeValueMemberB{Value: b})
	if err != nil {
		t.Fatal(err)
	}
	b[0] = 9
	if got.Binary()[0] != 1 {
		t.Fatal("the event shares its bytes with the SDK's response")
	}
}

func TestLambdaRecordHasTheShapeLambdaSends(t *testing.T) {
	t.Parallel()
	at := time.Unix(1480642020, 0)
	in := types.Record{
		AwsRegion:    aws.String("dynoxide"),
		EventID:      aws.String("e1"),
		EventName:    types.OperationTypeModify,
		EventSource:  aws.String("aws:dynamodb"),
		EventVersion: aws.String("1.1"),
		UserIdentity: &types.Identity{Type: aws.String("Service"), PrincipalId: aws.String("dynamodb.amazonaws.com")},
		Dynamodb: &types.StreamRecord{
			ApproximateCreationDateTime: &at,
			Keys:                        map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "OUTBOX#1"}},
			NewImage:                    map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "OUTBOX#1"}, "n": &types.AttributeValueMemberN{Value: "2"}},
			OldImage:                    map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "OUTBOX#1"}, "n": &types.AttributeValueMemberN{Value: "1"}},
			SequenceNumber:              aws.String("000042"),
			SizeBytes:                   aws.Int64(54),
			StreamViewType:              types.StreamViewTypeNewAndOldImages,
		},
	}
	got, err := lambdaRecord(in, "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/1", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	want := `{"awsRegion":"us-east-1","dynamodb":{"ApproximateCreationDateTime":1480642020,"Keys":{"pk":{"S":"OUTBOX#1"}},` +
		`"NewImage":{"n":{"N":"2"},"pk":{"S":"OUTBOX#1"}},"OldImage":{"n":{"N":"1"},"pk":{"S":"OUTBOX#1"}},` +
		`"SequenceNumber":"000042","SizeBytes":54,"StreamViewType":"NEW_AND_OLD_IMAGES"},"eventID":"e1","eventName":"MODIFY",` +
		`"eventSource":"aws:dynamodb","eventVersion":"1.1","eventSourceARN":"arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/1",` +
		`"userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"}}`
	if string(b) != want {
		t.Fatalf("record\n%s\nwant\n%s", b, want)
	}

	if _, err := lambdaRecord(types.Record{EventID: aws.String("e2")}, "", ""); err == nil {
		t.Fatal("a record without its dynamodb part converted")
	}
	bad := in
	bad.Dynamodb = &types.StreamRecord{NewImage: map[string]types.AttributeValue{"x": nil}}
	if _, err := lambdaRecord(bad, "", ""); err == nil || !strings.Contains(err.Error(), "new image") {
		t.Fatalf("err = %v, want one naming the new image", err)
	}
}
