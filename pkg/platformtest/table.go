package platformtest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Table is one test's table on the emulator, written and read directly: it seeds records as the product would
// have left them and reads them back for the tests' checks. Only tests scan it; the product never does.
type Table struct {
	T    testing.TB
	DB   *dynamodb.Client
	Name string
}

// TableOf is a test's table in an environment.
func TableOf(t testing.TB, env *testenv.Env, name string) Table {
	return Table{T: t, DB: env.Dynamo, Name: name}
}

// Store is the product's store on the table.
func (tb Table) Store() dynamo.Store { return dynamo.Store{DB: tb.DB, Table: tb.Name} }

// Seed writes an account, a user, the user's email guard and a membership in one transaction, as onboarding and
// activation would leave them.
func (tb Table) Seed(acct account.Account, u user.User, m user.Membership) {
	tb.T.Helper()
	tx := tb.Store().Tx()
	put := func(item map[string]types.AttributeValue, err error) {
		if err != nil {
			tb.T.Fatal(err)
		}
		tx.Replace(item)
	}
	put(dynamo.Record(acct, table.TypeAccount, table.AccountKey(acct.ID)))
	put(dynamo.Record(u, table.TypeUser, table.UserKey(u.ID)))
	put(dynamo.EmailGuardItem(u.Email, u.ID))
	items, err := dynamo.MembershipItems(m)
	if err != nil {
		tb.T.Fatal(err)
	}
	for _, item := range items {
		put(item, nil)
	}
	if err := tb.Store().Commit(tb.T.Context(), tx); err != nil {
		tb.T.Fatalf("seed %s: %v", u.Email, err)
	}
}

// Put writes an item, failing the test on an error in making it or writing it.
func (tb Table) Put(item map[string]types.AttributeValue, err error) {
	tb.T.Helper()
	if err != nil {
		tb.T.Fatal(err)
	}
	if _, err := tb.DB.PutItem(tb.T.Context(), &dynamodb.PutItemInput{TableName: aws.String(tb.Name), Item: item}); err != nil {
		tb.T.Fatal(err)
	}
}

// Session writes a session of a user acting in an account through the real sign-in transaction, as a
// successful sign-in writes it, and returns its cookie value.
func (tb Table) Session(keys *secret.Keyring, userID, accountID string, at time.Time) string {
	tb.T.Helper()
	token, hash := keys.NewSession()
	ss := session.New(hash, userID, accountID, at)
	reach, err := tb.Store().SessionReach(tb.T.Context(), userID, accountID)
	if err != nil {
		tb.T.Fatalf("session of %s in %s: %v", userID, accountID, err)
	}
	ss.Reach = reach
	if err := tb.Store().SignIn(tb.T.Context(), dynamo.SignIn{Session: ss, At: at}); err != nil {
		tb.T.Fatalf("session of %s in %s: %v", userID, accountID, err)
	}
	return token
}

// Account reads an account.
func (tb Table) Account(id string) account.Account {
	tb.T.Helper()
	a, err := tb.Store().Account(tb.T.Context(), id)
	if err != nil {
		tb.T.Fatalf("account %s: %v", id, err)
	}
	return a
}

// User reads a user.
func (tb Table) User(id string) user.User {
	tb.T.Helper()
	u, err := tb.Store().User(tb.T.Context(), id)
	if err != nil {
		tb.T.Fatalf("user %s: %v", id, err)
	}
	return u
}

// Message reads an outbox message.
func (tb Table) Message(id string) outbox.Message {
	tb.T.Helper()
	var m outbox.Message
	found, err := dynamo.Get(tb.T.Context(), tb.DB, tb.Name, table.OutboxKey(id), &m)
	if err != nil || !found {
		tb.T.Fatalf("outbox message %s: found=%v %v", id, found, err)
	}
	return m
}

// Item reads an item by key; nil if there is none.
func (tb Table) Item(k table.Key) map[string]types.AttributeValue {
	tb.T.Helper()
	out, err := tb.DB.GetItem(tb.T.Context(), &dynamodb.GetItemInput{TableName: aws.String(tb.Name), Key: k.AV(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		tb.T.Fatal(err)
	}
	return out.Item
}

// Items lists every item of the table. It is the one Scan in the repository, and it is test support: tests
// compare whole-table snapshots to prove a refused request wrote nothing. Product code never scans.
func (tb Table) Items() []map[string]types.AttributeValue {
	tb.T.Helper()
	var (
		out  []map[string]types.AttributeValue
		from map[string]types.AttributeValue
	)
	for {
		page, err := tb.DB.Scan(tb.T.Context(), &dynamodb.ScanInput{TableName: aws.String(tb.Name), ExclusiveStartKey: from, ConsistentRead: aws.Bool(true)})
		if err != nil {
			tb.T.Fatal(err)
		}
		out = append(out, page.Items...)
		if from = page.LastEvaluatedKey; len(from) == 0 {
			return out
		}
	}
}

// ItemsOf lists the items of one record type (table.TypeOutbox, table.TypeAudit...).
func (tb Table) ItemsOf(typ string) []map[string]types.AttributeValue {
	tb.T.Helper()
	var out []map[string]types.AttributeValue
	for _, item := range tb.Items() {
		if Str(item[table.AttrType]) == typ {
			out = append(out, item)
		}
	}
	return out
}

// Messages lists the outbox messages, oldest first.
func (tb Table) Messages() []outbox.Message {
	tb.T.Helper()
	var out []outbox.Message
	for _, item := range tb.ItemsOf(table.TypeOutbox) {
		m, err := dynamo.MessageFromItem(item)
		if err != nil {
			tb.T.Fatal(err)
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b outbox.Message) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// Snapshot is the whole table as comparable text, one line an item, sorted.
func (tb Table) Snapshot() []string {
	tb.T.Helper()
	var out []string
	for _, item := range tb.Items() {
		out = append(out, Render(item))
	}
	slices.Sort(out)
	return out
}

// Unchanged fails the test if the table differs from a snapshot.
func (tb Table) Unchanged(before []string, what string) {
	tb.T.Helper()
	if after := tb.Snapshot(); !slices.Equal(before, after) {
		tb.T.Fatalf("%s changed the table: %d items before, %d after", what, len(before), len(after))
	}
}

// Audit lists the actions of the audit events written on an account, oldest first (events of one instant in
// no particular order).
func (tb Table) Audit(accountID string) []string {
	tb.T.Helper()
	out, err := tb.DB.Query(tb.T.Context(), &dynamodb.QueryInput{
		TableName:              aws.String(tb.Name),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(table.AccountKey(accountID).PK), ":sk": dynamo.S(table.AuditPrefix),
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		tb.T.Fatal(err)
	}
	var actions []string
	for _, item := range out.Items {
		if a := Str(item["action"]); a != "" {
			actions = append(actions, a)
		}
	}
	return actions
}

// AuditAbout lists the actions of the audit events about a target (a user, a grant...), sorted.
func (tb Table) AuditAbout(targetID string) []string {
	tb.T.Helper()
	var out []string
	for _, item := range tb.ItemsOf(table.TypeAudit) {
		if Str(item["targetId"]) == targetID {
			out = append(out, Str(item["action"]))
		}
	}
	slices.Sort(out)
	return out
}

// Str is a string attribute's value, or "" if v is not a string.
func Str(v types.AttributeValue) string {
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// Render prints an item deterministically, as Snapshot lists it: keys sorted, strings quoted.
func Render(item map[string]types.AttributeValue) string {
	return render(&types.AttributeValueMemberM{Value: item})
}

// render prints an attribute value deterministically, with its type where two types print alike.
func render(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return fmt.Sprintf("%q", v.Value)
	case *types.AttributeValueMemberN:
		return v.Value
	case *types.AttributeValueMemberB:
		return fmt.Sprintf("B%x", v.Value)
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprint(v.Value)
	case *types.AttributeValueMemberNULL:
		return "null"
	case *types.AttributeValueMemberL:
		parts := make([]string, len(v.Value))
		for i, x := range v.Value {
			parts[i] = render(x)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case *types.AttributeValueMemberM:
		keys := slices.Sorted(maps.Keys(v.Value))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + render(v.Value[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	case *types.AttributeValueMemberSS:
		return "SS" + fmt.Sprint(slices.Sorted(slices.Values(v.Value)))
	case *types.AttributeValueMemberNS:
		return "NS" + fmt.Sprint(slices.Sorted(slices.Values(v.Value)))
	case *types.AttributeValueMemberBS:
		parts := make([]string, len(v.Value))
		for i, b := range v.Value {
			parts[i] = fmt.Sprintf("%x", b)
		}
		slices.Sort(parts)
		return "BS" + fmt.Sprint(parts)
	}
	return fmt.Sprintf("%T", v)
}
