package xray_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/partnerhub/partnerhub/pkg/xray"
)

// TestRecorderClassifiesTheOutcome drives a real DynamoDB client against a stand-in that answers each case's
// status and error: the subsegment carries the status, the retries the SDK made, the request id and the flags
// X-Ray's console colours calls by.
func TestRecorderClassifiesTheOutcome(t *testing.T) {
	t.Parallel()
	const header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	for _, tc := range []struct {
		name                   string
		status                 int
		errType                string
		attempts, wantRetries  int
		wantErr, wantThrottle  bool
		wantFault, wantSuccess bool
	}{
		{name: "case=ok", status: 200, attempts: 1, wantSuccess: true},
		{name: "case=condition failed", status: 400, errType: "ConditionalCheckFailedException", attempts: 1, wantErr: true},
		{name: "case=throttled", status: 400, errType: "ProvisionedThroughputExceededException", attempts: 1, wantErr: true, wantThrottle: true},
		{name: "case=server error retried", status: 500, errType: "InternalServerError", attempts: 3, wantRetries: 2, wantFault: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				calls.Add(1)
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				w.Header().Set("X-Amzn-Requestid", "REQ-42")
				w.WriteHeader(tc.status)
				if tc.errType != "" {
					_, _ = w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#` + tc.errType + `","message":"no"}`))
					return
				}
				_, _ = w.Write([]byte(`{}`))
			}))
			defer srv.Close()
			ln, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()

			rec := xray.Recorder{Daemon: xray.NewDaemon(ln.LocalAddr().String()), Header: func(context.Context) string { return header }}
			db := dynamodb.New(dynamodb.Options{
				Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL),
				Credentials: credentials.NewStaticCredentialsProvider("k", "s", ""),
				Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
					o.MaxAttempts = tc.attempts
					o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				}),
				APIOptions: []func(*middleware.Stack) error{rec.Register},
			})
			_, err = db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("tbl"), Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}}})
			if (err == nil) != tc.wantSuccess {
				t.Fatalf("GetItem error %v", err)
			}
			if int(calls.Load()) != tc.attempts {
				t.Fatalf("%d attempts, want %d", calls.Load(), tc.attempts)
			}

			_ = ln.SetReadDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 65536)
			n, _, err := ln.ReadFrom(buf)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Name string `json:"name"`
				HTTP struct {
					Response struct{ Status int } `json:"response"`
				} `json:"http"`
				Error, Throttle, Fault bool
			}
			_, body, _ := bytes.Cut(buf[:n], []byte("\n"))
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			var whole struct {
				AWS map[string]any `json:"aws"`
			}
			_ = json.Unmarshal(body, &whole)
			awsPart := whole.AWS
			if doc.Name != "DynamoDB" || awsPart["operation"] != "GetItem" || awsPart["table_name"] != "tbl" ||
				awsPart["request_id"] != "REQ-42" || awsPart["region"] != "eu-west-1" || awsPart["retries"] != float64(tc.wantRetries) {
				t.Errorf("subsegment %s", body)
			}
			if doc.HTTP.Response.Status != tc.status || doc.Error != tc.wantErr || doc.Throttle != tc.wantThrottle || doc.Fault != tc.wantFault {
				t.Errorf("outcome of %s: %s", tc.name, body)
			}
		})
	}
}
