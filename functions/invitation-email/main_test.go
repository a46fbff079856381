package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

const fixture = "../../events/invitation-email.json"

func readFixture(t *testing.T) ([]byte, events.DynamoDBEvent) {
	t.Helper()
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatalf("decode %s: %v", fixture, err)
	}
	return raw, ev
}

func TestFixtureRoundTrips(t *testing.T) {
	t.Parallel()
	raw, ev := readFixture(t)
	again, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal(raw, &want)
	_ = json.Unmarshal(again, &got)
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if !bytes.Equal(a, b) {
		t.Fatalf("the fixture does not survive a decode and encode:\n%s\n%s", a, b)
	}
}

// TestFixtureIsAnOutboxInsert keeps the fixture in step with the Message contract and the stream filter.
func TestFixtureIsAnOutboxInsert(t *testing.T) {
	t.Parallel()
	_, ev := readFixture(t)
	if len(ev.Records) != 1 || !table.OutboxInserts.Match(ev.Records[0]) {
		t.Fatal("the fixture is not one record the mailer's filter passes")
	}
	item := testenv.ItemOf(t, ev.Records[0].Change.NewImage)
	m, err := dynamo.MessageFromItem(item)
	if err != nil {
		t.Fatalf("the fixture's image is not a message: %v", err)
	}
	want, err := dynamo.MessageItem(m)
	if err != nil {
		t.Fatal(err)
	}
	for name := range want {
		if _, ok := item[name]; !ok {
			t.Errorf("the fixture lacks attribute %q that dynamo.MessageItem writes", name)
		}
	}
	for name := range item {
		if _, ok := want[name]; !ok {
			t.Errorf("the fixture has attribute %q that dynamo.MessageItem does not write", name)
		}
	}
}

func TestHandlerSendsTheFixturesMessage(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	name := env.NewTable(t)
	_, ev := readFixture(t)
	item := testenv.ItemOf(t, ev.Records[0].Change.NewImage)
	to := testenv.UniqueEmail(t, "ada") // the mailbox is shared by every test
	item["to"] = &types.AttributeValueMemberS{Value: to}
	if _, err := env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(name), Item: item}); err != nil {
		t.Fatal(err)
	}
	sentAt := time.Date(2026, 1, 15, 12, 0, 1, 0, time.UTC)
	a, err := all.New(context.Background(), env.Config(name), app.WithClock(clock.NewFake(sentAt)))
	if err != nil {
		t.Fatal(err)
	}
	handler, err := a.Mailer()
	if err != nil {
		t.Fatal(err)
	}

	for delivery := 1; delivery <= 2; delivery++ { // the second is a redelivery
		resp, err := handler(context.Background(), ev)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("delivery %d: %+v, %v", delivery, resp, err)
		}
	}
	mails := env.Emails(t, to)
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1", len(mails))
	}
	if mails[0].Subject != "Activate your PartnerHub account for Analytical Engines Ltd" {
		t.Errorf("subject = %q", mails[0].Subject)
	}
	link := regexp.MustCompile(`http://localhost:3000/activate#[A-Za-z0-9_.-]+`).FindString(mails[0].Text)
	_, token, _ := strings.Cut(link, "#")
	keys, _ := secret.NewKeyring(env.Key)
	if id, ok := keys.ParseLinkToken(context.Background(), secret.PurposeActivation, token); !ok || id != "Zk3q9vXbT0m2cR8yLw5aHg" {
		t.Fatalf("link %q does not carry the fixture's activation token", link)
	}
	out, err := env.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(name), Key: table.OutboxKey("01JHB6Q2V7W8X9Y0Z1A2B3C4D5").AV(), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := dynamo.MessageFromItem(out.Item)
	if err != nil || m.Status != outbox.StatusSent || !m.SentAt.Equal(sentAt) || m.SESMessageID != mails[0].MessageID {
		t.Fatalf("message = %+v, %v; want sent at %v", m, err, sentAt)
	}
}
