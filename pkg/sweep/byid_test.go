package sweep_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/sweep"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// TestByIDHandsOnTheItemsID checks the adapter of expirers by id: the due item's id reaches the use case, and an
// item without one is an error, not a call.
func TestByIDHandsOnTheItemsID(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	var got []string
	e := sweep.ByID(func(_ context.Context, id string, at time.Time) error {
		if !at.Equal(now) {
			t.Errorf("now = %v", at)
		}
		got = append(got, id)
		return nil
	})
	if err := e.Expire(context.Background(), map[string]types.AttributeValue{"id": dynamo.S("g1"), table.AttrType: dynamo.S(table.TypeGrant)}, now); err != nil {
		t.Fatal(err)
	}
	if err := e.Expire(context.Background(), map[string]types.AttributeValue{table.AttrType: dynamo.S(table.TypeGrant)}, now); err == nil {
		t.Fatal("an item without an id was handed on")
	}
	if len(got) != 1 || got[0] != "g1" {
		t.Fatalf("ids handed on: %v", got)
	}
}
