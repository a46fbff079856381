package onboarding_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// hookDB calls before ahead of each transaction, so a test can land another writer's change between a use
// case's reads and its write, or fail the call.
type hookDB struct {
	dynamo.DB
	before func(n int) error
	calls  atomic.Int32
}

func (h *hookDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if err := h.before(int(h.calls.Add(1))); err != nil {
		return nil, err
	}
	return h.DB.TransactWriteItems(ctx, in, opts...)
}

// serviceWith builds the fixture's service on a hooked client.
func (f *fixture) serviceWith(h *hookDB) *onboarding.Service {
	f.t.Helper()
	h.DB = f.env.Dynamo
	s, err := onboarding.New(onboarding.Deps{DB: h, Table: f.table, Keys: f.keys, Clock: f.clock})
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) setStatus(accountID string, s account.Status) {
	f.t.Helper()
	_, err := f.env.Dynamo.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName:                 aws.String(f.table),
		Key:                       table.AccountKey(accountID).AV(),
		UpdateExpression:          aws.String("SET #s = :s"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": dynamo.S(string(s))},
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func TestCreateBelowADisabledParent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	parent := f.create(f.super, account.MSP, f.providerID, "Soon Disabled MSP")
	superActor := f.auth[f.super]
	req := func(name string) onboarding.CreateAccountRequest {
		return onboarding.CreateAccountRequest{Kind: "customer", ParentID: parent.ID,
			Company: field.Company{Name: name, Address: "1 Road", Country: "US", City: "Austin"},
			Contact: onboarding.ContactInput{Name: "Pat", Email: testenv.UniqueEmail(t, "pat")}}
	}

	t.Run("case=disabled between the read and the write", func(t *testing.T) {
		before := f.Snapshot()
		h := &hookDB{before: func(n int) error {
			if n == 1 {
				f.setStatus(parent.ID, account.Disabled)
			}
			return nil
		}}
		_, err := f.serviceWith(h).Create(context.Background(), superActor, req("Racing Customer"))
		assertProblem(t, err, "parent-disabled")
		if n := len(f.Snapshot()); n != len(before) {
			t.Fatalf("%d items, want %d", n, len(before))
		}
	})
	t.Run("case=already disabled", func(t *testing.T) {
		before := f.Snapshot()
		_, err := f.svc.Create(context.Background(), superActor, req("Late Customer"))
		assertProblem(t, err, "parent-disabled")
		f.Unchanged(before, "a create below a disabled parent")
	})
}

func TestContendedTransactionsAreRetried(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := &hookDB{before: func(n int) error {
		if n <= 2 {
			return &types.TransactionCanceledException{Message: aws.String("conflict"),
				CancellationReasons: []types.CancellationReason{{Code: aws.String("None")}, {Code: aws.String("TransactionConflict")}}}
		}
		return nil
	}}
	s := f.serviceWith(h)
	created, err := s.Create(context.Background(), f.auth[f.super], onboarding.CreateAccountRequest{Kind: "partner", ParentID: f.providerID,
		Company: field.Company{Name: "Persistent Partner", Address: "2 Road", Country: "US", City: "Boise"},
		Contact: onboarding.ContactInput{Name: "Sam", Email: testenv.UniqueEmail(t, "sam")}})
	if err != nil || h.calls.Load() != 3 {
		t.Fatalf("create after two conflicts: %+v %v (%d calls)", created, err, h.calls.Load())
	}
}

func assertProblem(t *testing.T, err error, slug string) {
	t.Helper()
	r := problemOf(err)
	if r != slug {
		t.Fatalf("error %v, want problem %s", err, slug)
	}
}
