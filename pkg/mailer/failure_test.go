package mailer_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// fakeSES is an SES endpoint that answers from a script, counting the calls.
type fakeSES struct {
	calls  atomic.Int32
	answer func(n int32, w http.ResponseWriter)
	bodies testenv.Buffer
}

func (f *fakeSES) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := f.calls.Add(1)
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		_, _ = f.bodies.Write(b.Bytes())
		w.Header().Set("Content-Type", "application/json")
		f.answer(n, w)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func apiError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q}`, message)
}

func sesClient(url string, retryer aws.Retryer) *sesv2.Client {
	return sesv2.New(sesv2.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		Retryer:      retryer,
	})
}

func TestSESFailureIsRetriedUntilMaxAttempts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	msg := activation(t)
	w.write(t, msg)
	ev := streamEvent(t, w.env, w.table)
	seq := ev.Records[0].Change.SequenceNumber
	ses := &fakeSES{answer: func(_ int32, w http.ResponseWriter) {
		apiError(w, http.StatusInternalServerError, "InternalFailure", "the service is unavailable")
	}}
	m := w.mailer(t, sesClient(ses.start(t), retry.AddWithMaxAttempts(retry.NewStandard(), 1)))
	token, _ := w.keys.Derive(context.Background(), msg.SecretRef)

	for attempt := 1; attempt < mailer.MaxAttempts; attempt++ {
		failed := handle(t, m, ev)
		if len(failed) != 1 || failed[0] != seq {
			t.Fatalf("attempt %d: BatchItemFailures = %v, want [%s]", attempt, failed, seq)
		}
		got := w.message(t, msg.ID)
		if got.Status != outbox.StatusPending || got.Attempts != attempt {
			t.Fatalf("attempt %d: status %q attempts %d, want pending with %d", attempt, got.Status, got.Attempts, attempt)
		}
		if !strings.Contains(got.LastError, "InternalFailure") || !strings.Contains(got.LastError, "500") {
			t.Errorf("lastError = %q, want the SES code and status", got.LastError)
		}
		if strings.Contains(got.LastError, token) || strings.Contains(got.LastError, "Ada") {
			t.Errorf("lastError = %q holds the body or the token", got.LastError)
		}
	}
	if failed := handle(t, m, ev); len(failed) != 0 {
		t.Fatalf("last attempt: BatchItemFailures = %v, want none (failed is final)", failed)
	}
	got := w.message(t, msg.ID)
	if got.Status != outbox.StatusFailed || got.Attempts != mailer.MaxAttempts {
		t.Fatalf("status %q attempts %d, want failed after %d", got.Status, got.Attempts, mailer.MaxAttempts)
	}
	if failed := handle(t, m, ev); len(failed) != 0 {
		t.Fatalf("after failing: BatchItemFailures = %v, want none", failed)
	}
	if n := ses.calls.Load(); n != mailer.MaxAttempts {
		t.Fatalf("SES was called %d times, want %d", n, mailer.MaxAttempts)
	}
	if !strings.Contains(ses.bodies.String(), token) {
		t.Fatal("the request to SES did not carry the token (the test would prove nothing)")
	}
}

func TestThrottlingIsRetriedBySESRetryer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	msg := activation(t)
	w.write(t, msg)
	ses := &fakeSES{answer: func(n int32, w http.ResponseWriter) {
		if n <= 2 {
			apiError(w, http.StatusTooManyRequests, "TooManyRequestsException", "Maximum sending rate exceeded.")
			return
		}
		fmt.Fprint(w, `{"MessageId":"ses-after-throttling"}`)
	}}
	m := w.mailer(t, sesClient(ses.start(t), mailer.SESRetryer(4, 10*time.Millisecond)))

	if failed := handle(t, m, streamEvent(t, w.env, w.table)); len(failed) != 0 {
		t.Fatalf("BatchItemFailures = %v, want none", failed)
	}
	got := w.message(t, msg.ID)
	if got.Status != outbox.StatusSent || got.SESMessageID != "ses-after-throttling" || got.Attempts != 1 {
		t.Fatalf("status %q sesMessageId %q attempts %d; want sent in 1 attempt", got.Status, got.SESMessageID, got.Attempts)
	}
	if n := ses.calls.Load(); n != 3 {
		t.Fatalf("SES was called %d times, want 3", n)
	}
}

func TestUndeliverableMessagesFailAtOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		change    func(m *outbox.Message)
		raw       bool // store the item with data as a number, which does not decode
		sesAnswer func(w http.ResponseWriter)
		wantError string
		wantCalls int32
	}{
		{name: "case=unknown-template", change: func(m *outbox.Message) { m.Template = "no-such-template" }, wantError: "unknown template"},
		{name: "case=missing-data", change: func(m *outbox.Message) { delete(m.Data, "roles") }, wantError: "roles"},
		{name: "case=bad-secret-ref", change: func(m *outbox.Message) { m.SecretRef = "bogus:x" }, wantError: "secret"},
		{name: "case=no-secret", change: func(m *outbox.Message) { m.SecretRef = "" }, wantError: "link token"},
		{name: "case=undecodable", raw: true, wantError: "undecodable"},
		{
			name: "case=ses-rejects", wantCalls: 1, wantError: "MessageRejected",
			sesAnswer: func(w http.ResponseWriter) {
				apiError(w, http.StatusBadRequest, "MessageRejected", "Email address is not verified.")
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			msg := activation(t)
			if tc.change != nil {
				tc.change(&msg)
			}
			if tc.raw {
				item, err := dynamo.MessageItem(msg)
				if err != nil {
					t.Fatal(err)
				}
				item["data"] = &types.AttributeValueMemberN{Value: "42"}
				w.putRaw(t, item)
			} else {
				w.write(t, msg)
			}
			ses := &fakeSES{answer: func(_ int32, w http.ResponseWriter) {
				if tc.sesAnswer != nil {
					tc.sesAnswer(w)
					return
				}
				fmt.Fprint(w, `{"MessageId":"x"}`)
			}}
			m := w.mailer(t, sesClient(ses.start(t), retry.AddWithMaxAttempts(retry.NewStandard(), 1)))
			ev := streamEvent(t, w.env, w.table)

			if failed := handle(t, m, ev); len(failed) != 0 {
				t.Fatalf("BatchItemFailures = %v, want none: the failure is final", failed)
			}
			out, err := w.env.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{
				TableName: aws.String(w.table), Key: table.OutboxKey(msg.ID).AV(), ConsistentRead: aws.Bool(true),
			})
			if err != nil {
				t.Fatal(err)
			}
			status := out.Item["status"].(*types.AttributeValueMemberS).Value
			lastError, _ := out.Item["lastError"].(*types.AttributeValueMemberS)
			if status != outbox.StatusFailed || lastError == nil || !strings.Contains(lastError.Value, tc.wantError) {
				t.Fatalf("status %q lastError %v; want failed mentioning %q", status, lastError, tc.wantError)
			}
			if n := ses.calls.Load(); n != tc.wantCalls {
				t.Fatalf("SES was called %d times, want %d", n, tc.wantCalls)
			}
			if failed := handle(t, m, ev); len(failed) != 0 || ses.calls.Load() != tc.wantCalls {
				t.Fatal("a failed message was tried again")
			}
		})
	}
}

// panicDB fails the test on any call: records the mailer must ignore need no reads.
type panicDB struct{ t *testing.T }

func (p panicDB) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	p.t.Error("GetItem called")
	return &dynamodb.GetItemOutput{}, nil
}

func (p panicDB) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	p.t.Error("UpdateItem called")
	return &dynamodb.UpdateItemOutput{}, nil
}

func TestRecordsOtherThanOutboxInsertsAreIgnored(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	m, err := mailer.NewMailer(mailer.Config{
		DB: panicDB{t}, SES: w.env.SES, Table: w.table, Clock: w.clock, Keys: w.keys,
		PortalURL: "http://localhost:3000", From: "no-reply@partnerhub.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	key := func(pk string) map[string]events.DynamoDBAttributeValue {
		return map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute(pk), "sk": events.NewStringAttribute("X")}
	}
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		{EventName: "MODIFY", Change: events.DynamoDBStreamRecord{Keys: key("OUTBOX#1"), SequenceNumber: "1"}},
		{EventName: "INSERT", Change: events.DynamoDBStreamRecord{Keys: key("USER#1"), SequenceNumber: "2"}},
		{EventName: "REMOVE", Change: events.DynamoDBStreamRecord{Keys: key("OUTBOX#2"), SequenceNumber: "3"}},
	}}
	if failed := handle(t, m, ev); len(failed) != 0 {
		t.Fatalf("BatchItemFailures = %v", failed)
	}
}

func TestRecordsAreLeftForRedeliveryWhenTimeRunsOut(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	m, err := mailer.NewMailer(mailer.Config{
		DB: panicDB{t}, SES: w.env.SES, Table: w.table, Clock: w.clock, Keys: w.keys,
		PortalURL: "http://localhost:3000", From: "no-reply@partnerhub.test", MinTimeLeft: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute("OUTBOX#1"), "sk": events.NewStringAttribute("OUTBOX")}
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		{EventName: "INSERT", Change: events.DynamoDBStreamRecord{Keys: keys, SequenceNumber: "7"}},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // less than MinTimeLeft
	defer cancel()
	resp, err := m.Handle(ctx, ev)
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "7" {
		t.Fatalf("Handle = %+v, %v; want record 7 left for redelivery", resp, err)
	}
}
