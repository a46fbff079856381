package indexer_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/indexer"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func membership(userID, accountID, name, email string) user.Membership {
	return user.Membership{UserID: userID, AccountID: accountID, Roles: []role.Name{role.ReadOnly}, UserName: name,
		UserEmail: email, AccountKind: string(account.Partner), CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func TestDiffWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	ada := membership("u1", "a1", "Ada Lovelace", "ada@example.com")
	signedIn := ada
	signedIn.LastLoginAt, signedIn.UserStatus = time.Now(), user.Active
	if put, del := indexer.Diff(dynamo.MemberFinds(ada), dynamo.MemberFinds(signedIn)); len(put)+len(del) != 0 {
		t.Fatalf("a sign-in writes %d puts and %d deletes", len(put), len(del))
	}
	renamed := ada
	renamed.UserName = "Ada King"
	was, is := dynamo.MemberFinds(ada), dynamo.MemberFinds(renamed)
	put, del := indexer.Diff(was, is)
	if len(put) != len(is) || len(del) != len(was) {
		t.Fatalf("a rename puts %d of %d and deletes %d of %d", len(put), len(is), len(del), len(was))
	}
	if put, del := indexer.Diff(nil, is); len(put) != len(is) || len(del) != 0 {
		t.Fatalf("an insert puts %d, deletes %d", len(put), len(del))
	}
	if put, del := indexer.Diff(is, nil); len(put) != 0 || len(del) != len(is) {
		t.Fatalf("a removal puts %d, deletes %d", len(put), len(del))
	}
	acc := account.Account{ID: "c1", Kind: account.Customer, Status: account.Pending, Ancestors: []string{"root", "m1"}, Company: account.Company{Name: "Northwind"}}
	active := acc
	active.Status = account.Active
	put, del = indexer.Diff(dynamo.AccountFinds(acc), dynamo.AccountFinds(active))
	if len(put) != len(dynamo.AccountFinds(acc)) || len(del) != 0 {
		t.Fatalf("a status change puts %d and deletes %d, want every entry put in place", len(put), len(del))
	}
}

// TestEntriesFollowAMembership creates, renames and removes a membership through the store: after each, the
// account's partition of the index holds exactly the entries of what the table holds.
func TestEntriesFollowAMembership(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	m := membership(secret.NewID(), secret.NewID(), "Ada Lovelace", "ada@example.com")
	partition := table.FindUsersPartition(m.AccountID)
	want := func(step string, m *user.Membership) {
		t.Helper()
		w.stream.Flush()
		var sks []string
		if m != nil {
			for _, e := range dynamo.MemberFinds(*m) {
				sks = append(sks, e.Key.SK)
			}
		}
		slices.Sort(sks)
		if got := w.entries(partition); !slices.Equal(got, sks) {
			t.Fatalf("%s: entries %q\nwant %q", step, suffixesOf(got), suffixesOf(sks))
		}
	}
	w.commit(func(tx *dynamo.Tx) {
		item, err := dynamo.MembershipItem(m)
		tx.Fail(err)
		tx.PutItem(item, nil)
	})
	want("created", &m)
	if !slices.Contains(suffixesOf(w.entries(partition)), "lovelace") {
		t.Fatal("no entry for the last name")
	}

	m.UserName = "Ada King"
	w.commit(func(tx *dynamo.Tx) {
		item, err := dynamo.MembershipItem(m)
		tx.Fail(err)
		tx.Replace(item)
	})
	want("renamed", &m)

	w.commit(func(tx *dynamo.Tx) { tx.Delete(table.MembershipKey(m.UserID, m.AccountID)) })
	want("removed", nil)
}

// TestFiftyMembershipsInOneTransaction: staff assignment writes up to fifty memberships in one transaction, two
// thousand entries that no transaction could hold; the stream brings every one of them into the index.
func TestFiftyMembershipsInOneTransaction(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	customer := secret.NewID()
	var ms []user.Membership
	for i := range 50 {
		ms = append(ms, membership(secret.NewID(), customer, "Staff Member "+string(rune('A'+i%26))+string(rune('a'+i/26)), secret.NewID()[:8]+"@partner.example"))
	}
	w.commit(func(tx *dynamo.Tx) {
		for _, m := range ms {
			item, err := dynamo.MembershipItem(m)
			tx.Fail(err)
			tx.PutItem(item, nil)
		}
	})
	w.stream.Flush()
	want := 0
	for _, m := range ms {
		want += len(dynamo.MemberFinds(m))
	}
	if got := len(w.entries(table.FindUsersPartition(customer))); got != want || want < 50*30 {
		t.Fatalf("%d entries, want %d", got, want)
	}
}

// TestRedeliveryIsHarmless hands the indexer the records of a membership's creation and two renames in one
// batch, then again from the second record on (as the stream redelivers after a failure), then all of them
// again: the index ends as the table is every time.
func TestRedeliveryIsHarmless(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rec := &recorder{}
	captured := w.env.Stream(t, w.table, table.FindSources, rec.handle)
	m := membership(secret.NewID(), secret.NewID(), "Grace Hopper", "grace@navy.example")
	for i, name := range []string{"Grace Hopper", "Grace Brewster", "Amazing Grace"} {
		m.UserName = name
		w.commit(func(tx *dynamo.Tx) {
			item, err := dynamo.MembershipItem(m)
			tx.Fail(err)
			if i == 0 {
				tx.PutItem(item, nil)
			} else {
				tx.Replace(item)
			}
		})
	}
	captured.Flush()
	if len(rec.records) != 3 {
		t.Fatalf("%d records, want 3", len(rec.records))
	}
	var want []string
	for _, e := range dynamo.MemberFinds(m) {
		want = append(want, e.Key.SK)
	}
	slices.Sort(want)
	for _, batch := range [][]events.DynamoDBEventRecord{rec.records, rec.records[1:], rec.records, rec.records[2:]} {
		resp, err := w.idx.Handle(context.Background(), events.DynamoDBEvent{Records: batch})
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("%+v %v", resp, err)
		}
		if got := w.entries(table.FindUsersPartition(m.AccountID)); !slices.Equal(got, want) {
			t.Fatalf("after %d records: %q\nwant %q", len(batch), suffixesOf(got), suffixesOf(want))
		}
	}
}

// failing is a DB whose writes fail.
type failing struct{ calls atomic.Int64 }

func (f *failing) BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	f.calls.Add(1)
	return nil, errors.New("table unavailable")
}

// TestFailedWritesAreRedelivered: when the writes of an item fail, the batch reports that item's first record,
// so the stream delivers it (and what follows) again; records of other items and of other types are not named.
func TestFailedWritesAreRedelivered(t *testing.T) {
	t.Parallel()
	sample := sampleEvent(t)
	db := &failing{}
	idx, err := indexer.New(indexer.Config{DB: db, Table: "t"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := idx.Handle(context.Background(), sample)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range resp.BatchItemFailures {
		got = append(got, f.ItemIdentifier)
	}
	want := []string{sample.Records[0].Change.SequenceNumber, sample.Records[1].Change.SequenceNumber}
	if !slices.Equal(got, want) || db.calls.Load() == 0 {
		t.Fatalf("failures %q, want %q (%d calls)", got, want, db.calls.Load())
	}

	// A batch of records the index does not follow writes nothing and fails nothing.
	other := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{
		EventName: "INSERT",
		Change: events.DynamoDBStreamRecord{SequenceNumber: "1", Keys: map[string]events.DynamoDBAttributeValue{
			table.AttrPK: events.NewStringAttribute(table.UserKey("u1").PK), table.AttrSK: events.NewStringAttribute(table.UserKey("u1").SK),
		}},
	}}}
	db.calls.Store(0)
	if resp, err := idx.Handle(context.Background(), other); err != nil || len(resp.BatchItemFailures) != 0 || db.calls.Load() != 0 {
		t.Fatalf("%+v %v, %d calls", resp, err, db.calls.Load())
	}
}

func sampleEvent(t *testing.T) events.DynamoDBEvent {
	t.Helper()
	raw, err := os.ReadFile("../../events/search-index.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestSampleEvent drives the indexer with events/search-index.json, the event `make invoke` sends: Ada is found
// in her account's users, and the renamed, activated partner from its parent's partition and its own.
func TestSampleEvent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	resp, err := w.idx.Handle(context.Background(), sampleEvent(t))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("%+v %v", resp, err)
	}
	if got := suffixesOf(w.entries(table.FindUsersPartition("a-7b3d5e1f"))); !slices.Contains(got, "lovelace") || !slices.Contains(got, "ada.lovelace@example.com") {
		t.Fatalf("Ada's entries: %q", got)
	}
	for _, p := range []string{"a-root0001", "a-7b3d5e1f"} {
		got := suffixesOf(w.entries(table.FindAccountsPartition(p)))
		if !slices.Contains(got, "analytical engines ltd") || !slices.Contains(got, "7k3m-q2x9") || !slices.Contains(got, "ltd") {
			t.Fatalf("the partner's entries under %s: %q", p, got)
		}
	}
}
