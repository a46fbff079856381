package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

var (
	errFirstTaken  = errors.New("first taken")
	errSecondTaken = errors.New("second taken")
)

// TestCommitAnswersWithTheFailedItemsMeaning: a cancelled transaction answers the error its failing item was
// added with, whatever its position, and writes nothing.
func TestCommitAnswersWithTheFailedItemsMeaning(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	store := dynamo.Store{DB: env.Dynamo, Table: env.NewTable(t)}
	ctx := context.Background()
	item := func(name string) (table.Key, map[string]any) {
		return table.Key{PK: "TEST#" + name, SK: "TEST"}, map[string]any{"name": name}
	}
	put := func(tx *dynamo.Tx, name string, onFail error) {
		k, v := item(name)
		rec, err := dynamo.Record(v, "test", k)
		if err != nil {
			t.Fatal(err)
		}
		tx.PutItem(rec, onFail)
	}
	exists := func(name string) bool {
		k, _ := item(name)
		var v map[string]any
		found, err := dynamo.Get(ctx, store.DB, store.Table, k, &v)
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	tx := store.Tx()
	put(tx, "taken", nil)
	if err := store.Commit(ctx, tx); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name  string
		build func(tx *dynamo.Tx)
		want  error
	}{
		{"case=the second item fails", func(tx *dynamo.Tx) { put(tx, "a1", errFirstTaken); put(tx, "taken", errSecondTaken) }, errSecondTaken},
		{"case=the first item fails", func(tx *dynamo.Tx) { put(tx, "taken", errFirstTaken); put(tx, "a2", errSecondTaken) }, errFirstTaken},
		{"case=an item without a meaning is a conflict", func(tx *dynamo.Tx) { put(tx, "a3", errFirstTaken); put(tx, "taken", nil) }, fault.ErrConflict},
		{"case=an item that could not be built", func(tx *dynamo.Tx) { put(tx, "a4", nil); tx.Fail(errFirstTaken) }, errFirstTaken},
		{"case=too many items", func(tx *dynamo.Tx) {
			for i := range dynamo.MaxTxItems + 1 {
				put(tx, fmt.Sprintf("many%d", i), nil)
			}
		}, dynamo.ErrTxTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx := store.Tx()
			c.build(tx)
			if err := store.Commit(ctx, tx); !errors.Is(err, c.want) {
				t.Fatalf("Commit = %v, want %v", err, c.want)
			}
			for _, n := range []string{"a1", "a2", "a3", "a4", "many0"} {
				if exists(n) {
					t.Fatalf("%s was written by a failed transaction", n)
				}
			}
		})
	}
	t.Run("case=an empty transaction", func(t *testing.T) {
		if err := store.Commit(ctx, store.Tx()); err != nil {
			t.Fatal(err)
		}
	})
}
