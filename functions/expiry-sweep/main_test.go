package main

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

func scheduled(t *testing.T) events.EventBridgeEvent {
	t.Helper()
	raw, err := os.ReadFile("../../events/expiry-sweep.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatalf("decode fixture: %v", err)
	}
	return ev
}

func TestHandlerRunsOnTheFixture(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	name := env.NewTable(t)
	now := time.Date(2026, 1, 15, 12, 5, 0, 0, time.UTC)
	// A due item of a type nothing expires: the sweep reads it, leaves it, and still succeeds.
	key := table.Key{PK: "ODD#1", SK: "ODD"}
	item, err := dynamo.Record(struct{}{}, "odd", key, dynamo.DueAt(now.Add(-time.Hour), key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(name), Item: item}); err != nil {
		t.Fatal(err)
	}
	a, err := all.New(context.Background(), env.Config(name), app.WithClock(clock.NewFake(now)))
	if err != nil {
		t.Fatal(err)
	}
	handler, err := a.Sweep()
	if err != nil {
		t.Fatal(err)
	}
	if err := handler(context.Background(), scheduled(t)); err != nil {
		t.Fatalf("handler: %v", err)
	}
	got, err := env.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(name), Key: key.AV()})
	if err != nil || got.Item[table.AttrXSK] == nil {
		t.Fatalf("an item without an expirer was taken off the index (%v)", err)
	}
}

func TestHandlerReportsAFailedRun(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	a, err := all.New(context.Background(), env.Config("no-such-table"))
	if err != nil {
		t.Fatal(err)
	}
	handler, err := a.Sweep()
	if err != nil {
		t.Fatal(err)
	}
	if err := handler(context.Background(), scheduled(t)); err == nil {
		t.Fatal("a sweep that could not query its table returned no error, so the schedule would show success")
	}
}
