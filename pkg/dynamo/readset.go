package dynamo

// A request's read set: within one request, an item is read from the table at most once.
//
// Authentication reads the caller's user, membership and accounts in one batch (Store.ReadAhead); the endpoint
// then reads the same items again through the ordinary store methods (the account it acts on, the user it
// shows). Rather than thread every value through every use case, the DynamoDB client carries a middleware
// (ReadOnce) that remembers, per request, each item a GetItem or BatchGetItem returned, or found missing, and
// answers a later GetItem of it from memory. Reusing a value read earlier in the same request is exactly what
// passing it along would be; every write stays conditional, so nothing decided on it is weaker.
//
// What keeps it correct:
//   - only a request that started a read set has one (WithReadSet): the API adapter starts one per request;
//     stream batches, the sweep and tests without one read the table every time;
//   - a strongly consistent GetItem is only served from a strongly consistent read;
//   - a write of an item (Put, Update, Delete, a transaction or batch naming it, even one that fails) forgets
//     it, so a use case that writes and reads again, or retries a lost race, reads the table;
//   - reads with a projection are neither served nor remembered;
//   - a read made to see what another request changed meanwhile says so (Fresh).

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// readSet holds the items one request has read.
type readSet struct {
	mu    sync.Mutex
	items map[itemID]remembered
}

// itemID names an item across tables.
type itemID struct{ table, pk, sk string }

// remembered is one item as read: nil when it was found missing.
type remembered struct {
	item       map[string]types.AttributeValue
	consistent bool
}

type readSetKey struct{}

// WithReadSet starts a read set for one request: until ctx ends, a DynamoDB client with ReadOnce reads each item
// at most once. A ctx that has one keeps it.
func WithReadSet(ctx context.Context) context.Context {
	if readSetOf(ctx) != nil {
		return ctx
	}
	return context.WithValue(ctx, readSetKey{}, &readSet{items: map[itemID]remembered{}})
}

// Fresh is a context whose reads go to the table, whatever the request read before: for a read that looks for
// what another request changed meanwhile (an invitation gone since its token was read: accepted, or replaced?).
// A read that follows the request's own write needs nothing: the write already sent it to the table.
func Fresh(ctx context.Context) context.Context {
	return context.WithValue(ctx, readSetKey{}, (*readSet)(nil))
}

func readSetOf(ctx context.Context) *readSet {
	rs, _ := ctx.Value(readSetKey{}).(*readSet)
	return rs
}

// ReadOnce is the DynamoDB client option that serves repeated reads within a request from its read set (see
// WithReadSet). Pass it to dynamodb.NewFromConfig.
func ReadOnce(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("PartnerHubReadSet", readOnce), middleware.Before)
	})
}

func readOnce(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	rs := readSetOf(ctx)
	if rs == nil {
		return next.HandleInitialize(ctx, in)
	}
	switch p := in.Parameters.(type) {
	case *dynamodb.GetItemInput:
		if p.ProjectionExpression != nil || len(p.AttributesToGet) > 0 {
			break
		}
		id, ok := idOf(aws.ToString(p.TableName), p.Key)
		if !ok {
			break
		}
		consistent := aws.ToBool(p.ConsistentRead)
		if r, hit := rs.get(id); hit && (r.consistent || !consistent) {
			return middleware.InitializeOutput{Result: &dynamodb.GetItemOutput{Item: r.item}}, middleware.Metadata{}, nil
		}
		out, md, err := next.HandleInitialize(ctx, in)
		if err == nil {
			if res, ok := out.Result.(*dynamodb.GetItemOutput); ok {
				rs.put(id, remembered{item: res.Item, consistent: consistent})
			}
		}
		return out, md, err
	case *dynamodb.BatchGetItemInput:
		out, md, err := next.HandleInitialize(ctx, in)
		if err == nil {
			if res, ok := out.Result.(*dynamodb.BatchGetItemOutput); ok {
				rs.rememberBatch(p, res)
			}
		}
		return out, md, err
	default:
		rs.forget(writtenKeys(in.Parameters))
	}
	return next.HandleInitialize(ctx, in)
}

func (rs *readSet) get(id itemID) (remembered, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.items[id]
	return r, ok
}

// holds reports whether the set holds a strongly consistent read of each of the accounts.
func (rs *readSet) holds(tableName string, accountIDs []string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, id := range accountIDs {
		k := table.AccountKey(id)
		if r, ok := rs.items[itemID{tableName, k.PK, k.SK}]; !ok || !r.consistent {
			return false
		}
	}
	return true
}

func (rs *readSet) put(id itemID, r remembered) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.items[id] = r
}

func (rs *readSet) forget(ids []itemID) {
	if len(ids) == 0 {
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, id := range ids {
		delete(rs.items, id)
	}
}

// rememberBatch remembers what a batch read: the items it returned, and as missing the keys it neither returned
// nor left unprocessed.
func (rs *readSet) rememberBatch(in *dynamodb.BatchGetItemInput, out *dynamodb.BatchGetItemOutput) {
	for tableName, ka := range in.RequestItems {
		if ka.ProjectionExpression != nil || len(ka.AttributesToGet) > 0 {
			continue
		}
		consistent := aws.ToBool(ka.ConsistentRead)
		got := map[itemID]map[string]types.AttributeValue{}
		for _, item := range out.Responses[tableName] {
			if id, ok := idOf(tableName, item); ok {
				got[id] = item
			}
		}
		pending := map[itemID]bool{}
		for _, k := range out.UnprocessedKeys[tableName].Keys {
			if id, ok := idOf(tableName, k); ok {
				pending[id] = true
			}
		}
		for _, k := range ka.Keys {
			if id, ok := idOf(tableName, k); ok && !pending[id] {
				rs.put(id, remembered{item: got[id], consistent: consistent})
			}
		}
	}
}

// idOf is the id of the item with key (or item) k in a table.
func idOf(tableName string, k map[string]types.AttributeValue) (itemID, bool) {
	pk, ok1 := k[table.AttrPK].(*types.AttributeValueMemberS)
	sk, ok2 := k[table.AttrSK].(*types.AttributeValueMemberS)
	if !ok1 || !ok2 {
		return itemID{}, false
	}
	return itemID{tableName, pk.Value, sk.Value}, true
}

// writtenKeys lists the items a request writes (or checks, in a transaction); nil for a read.
func writtenKeys(params any) []itemID {
	var ids []itemID
	add := func(tableName *string, k map[string]types.AttributeValue) {
		if id, ok := idOf(aws.ToString(tableName), k); ok {
			ids = append(ids, id)
		}
	}
	switch p := params.(type) {
	case *dynamodb.PutItemInput:
		add(p.TableName, p.Item)
	case *dynamodb.UpdateItemInput:
		add(p.TableName, p.Key)
	case *dynamodb.DeleteItemInput:
		add(p.TableName, p.Key)
	case *dynamodb.TransactWriteItemsInput:
		for _, w := range p.TransactItems {
			switch {
			case w.Put != nil:
				add(w.Put.TableName, w.Put.Item)
			case w.Update != nil:
				add(w.Update.TableName, w.Update.Key)
			case w.Delete != nil:
				add(w.Delete.TableName, w.Delete.Key)
			case w.ConditionCheck != nil:
				add(w.ConditionCheck.TableName, w.ConditionCheck.Key)
			}
		}
	case *dynamodb.BatchWriteItemInput:
		for tableName, ws := range p.RequestItems {
			for _, w := range ws {
				switch {
				case w.PutRequest != nil:
					add(&tableName, w.PutRequest.Item)
				case w.DeleteRequest != nil:
					add(&tableName, w.DeleteRequest.Key)
				}
			}
		}
	}
	return ids
}

// readBatch reads items by key in strongly consistent batches into ctx's read set, where the store's GetItems
// of them find them. Keys named twice, or already read consistently in this request, are read once.
func (s Store) readBatch(ctx context.Context, keys []table.Key) error {
	rs := readSetOf(ctx)
	if rs == nil {
		return errors.New("read ahead: no read set")
	}
	seen := map[table.Key]bool{}
	unique := keys[:0:0]
	for _, k := range keys {
		if r, held := rs.get(itemID{s.Table, k.PK, k.SK}); !seen[k] && !(held && r.consistent) {
			unique = append(unique, k)
		}
		seen[k] = true
	}
	if len(unique) == 0 {
		return nil
	}
	found := map[itemID]map[string]types.AttributeValue{}
	err := batchGet(ctx, s.DB, s.Table, unique, true, func(item map[string]types.AttributeValue) error {
		if id, ok := idOf(s.Table, item); ok {
			found[id] = item
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range unique {
		id := itemID{s.Table, k.PK, k.SK}
		rs.put(id, remembered{item: found[id], consistent: true})
	}
	return nil
}

// Ref names a record a request is about to read, for Prefetch.
type Ref table.Key

// UserRef names a user.
func UserRef(id string) Ref { return Ref(table.UserKey(id)) }

// AccountRef names an account.
func AccountRef(id string) Ref { return Ref(table.AccountKey(id)) }

// MembershipRef names a user's membership of an account.
func MembershipRef(userID, accountID string) Ref { return Ref(table.MembershipKey(userID, accountID)) }

// StaffGroupRef names a partner's staff group.
func StaffGroupRef(accountID, id string) Ref { return Ref(table.StaffGroupKey(accountID, id)) }

// Prefetch reads records a use case is about to read one after the other (a link names a user and an account)
// in one strongly consistent batch, and returns a context whose reads of them are answered from it (see
// WithReadSet). Records the request has already read are not read again.
func (s Store) Prefetch(ctx context.Context, refs ...Ref) (context.Context, error) {
	ctx = WithReadSet(ctx)
	keys := make([]table.Key, len(refs))
	for i, r := range refs {
		keys[i] = table.Key(r)
	}
	return ctx, s.readBatch(ctx, keys)
}
