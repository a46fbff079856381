package testenv

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Meter counts what the DynamoDB clients built with its option send to the table: requests by operation, the
// items they read and the capacity units they consume. It is an SDK middleware, so it counts the requests of the
// product's own client, whatever store or use case makes them: give the App it with app.WithAWS(m.AWS()).
//
// It counts at the wire. Its counter sits in the Deserialize step, around the decoding of each HTTP response,
// so a call that a middleware answers before it is sent (the per-request read set, say) costs nothing, and each
// attempt of a retried call counts, as DynamoDB bills it.
//
// Capacity is DynamoDB's own figure: the meter asks for it (ReturnConsumedCapacity TOTAL, which includes the
// indexes a write updates) on every call, on a copy of the caller's input, and adds up the ConsumedCapacity of
// each answer. The emulator (dynoxide 1.2.1) returns it computed from item sizes by DynamoDB's published rules:
// reads in 4 KB units, 0.5 eventually consistent, 1 strongly consistent, 2 transactional; writes in 1 KB units,
// 2 transactional; Query sums the sizes before rounding, GetItem and BatchGetItem round per item. A call that
// fails carries no figure, so it counts as a request with no capacity.
type Meter struct {
	mu  sync.Mutex
	use Usage
}

// Use is what a set of requests cost.
type Use struct {
	Requests int
	// ItemsRead is what reads touched: a GetItem's item if found, a Query's or Scan's scanned items (what it pays
	// for, before any filter), every item a batch or transactional read returned.
	ItemsRead int
	// RCU and WCU are the read and write capacity units consumed.
	RCU, WCU float64
}

// Plus is the use of both.
func (u Use) Plus(v Use) Use {
	return Use{Requests: u.Requests + v.Requests, ItemsRead: u.ItemsRead + v.ItemsRead, RCU: u.RCU + v.RCU, WCU: u.WCU + v.WCU}
}

// Usage is a reading of a Meter: the use of each DynamoDB operation, by its name (GetItem, Query...).
type Usage map[string]Use

// Total is the use of every operation together.
func (u Usage) Total() Use {
	var t Use
	for _, v := range u {
		t = t.Plus(v)
	}
	return t
}

// Plus is both readings together.
func (u Usage) Plus(v Usage) Usage {
	out := maps.Clone(u)
	if out == nil {
		out = Usage{}
	}
	for op, x := range v {
		out[op] = out[op].Plus(x)
	}
	return out
}

// Requests lists the requests per operation, "GetItem 3, Query 1", operations by name; per divides the counts
// (the number of calls they were made by), and counts that are not whole show one decimal.
func (u Usage) Requests(per int) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(u)) {
		n := float64(u[op].Requests) / float64(max(per, 1))
		if n == float64(int(n)) {
			parts = append(parts, fmt.Sprintf("%s %d", op, int(n)))
		} else {
			parts = append(parts, fmt.Sprintf("%s %.1f", op, n))
		}
	}
	return strings.Join(parts, ", ")
}

// NewMeter is a meter that has counted nothing yet.
func NewMeter() *Meter { return &Meter{use: Usage{}} }

// AWS is the configuration to pass to app.WithAWS: every DynamoDB client the App builds carries the meter.
func (m *Meter) AWS() aws.Config {
	return aws.Config{APIOptions: []func(*middleware.Stack) error{m.Register}}
}

// Register adds the meter to a client's middleware stack (an SDK API option). Clients of other services pass
// through it uncounted.
func (m *Meter) Register(stack *middleware.Stack) error {
	if err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("PartnerHubMeterCapacity", askCapacity), middleware.After); err != nil {
		return err
	}
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("PartnerHubMeterCount", m.count), middleware.Before)
}

// Take is what was counted since the last Take (or since NewMeter), and starts counting afresh.
func (m *Meter) Take() Usage {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := m.use
	m.use = Usage{}
	return u
}

// count counts one request on the wire, once its answer is decoded.
func (m *Meter) count(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if awsmiddleware.GetServiceID(ctx) != dynamodb.ServiceID {
		return out, md, err
	}
	op := awsmiddleware.GetOperationName(ctx)
	u := Use{Requests: 1}
	if err == nil {
		u = usageOf(op, out.Result)
	}
	m.mu.Lock()
	m.use[op] = m.use[op].Plus(u)
	m.mu.Unlock()
	return out, md, err
}

// usageOf reads what an answer says it consumed and how many items it read.
func usageOf(op string, result any) Use {
	u := Use{Requests: 1}
	var cc []types.ConsumedCapacity
	one := func(c *types.ConsumedCapacity) {
		if c != nil {
			cc = append(cc, *c)
		}
	}
	switch r := result.(type) {
	case *dynamodb.GetItemOutput:
		one(r.ConsumedCapacity)
		if r.Item != nil {
			u.ItemsRead = 1
		}
	case *dynamodb.QueryOutput:
		one(r.ConsumedCapacity)
		u.ItemsRead = int(r.ScannedCount)
	case *dynamodb.ScanOutput:
		one(r.ConsumedCapacity)
		u.ItemsRead = int(r.ScannedCount)
	case *dynamodb.BatchGetItemOutput:
		cc = r.ConsumedCapacity
		for _, items := range r.Responses {
			u.ItemsRead += len(items)
		}
	case *dynamodb.TransactGetItemsOutput:
		cc = r.ConsumedCapacity
		for _, x := range r.Responses {
			if x.Item != nil {
				u.ItemsRead++
			}
		}
	case *dynamodb.PutItemOutput:
		one(r.ConsumedCapacity)
	case *dynamodb.UpdateItemOutput:
		one(r.ConsumedCapacity)
	case *dynamodb.DeleteItemOutput:
		one(r.ConsumedCapacity)
	case *dynamodb.BatchWriteItemOutput:
		cc = r.ConsumedCapacity
	case *dynamodb.TransactWriteItemsOutput:
		cc = r.ConsumedCapacity
	}
	reads := readOps[op]
	for _, c := range cc {
		switch {
		case c.ReadCapacityUnits != nil || c.WriteCapacityUnits != nil:
			u.RCU += aws.ToFloat64(c.ReadCapacityUnits)
			u.WCU += aws.ToFloat64(c.WriteCapacityUnits)
		case reads:
			u.RCU += aws.ToFloat64(c.CapacityUnits)
		default:
			u.WCU += aws.ToFloat64(c.CapacityUnits)
		}
	}
	return u
}

// readOps are the operations whose CapacityUnits are read units; every other operation's are write units.
var readOps = map[string]bool{"GetItem": true, "Query": true, "Scan": true, "BatchGetItem": true, "TransactGetItems": true}

// askCapacity asks DynamoDB to say what the call consumed. It sets ReturnConsumedCapacity on a copy of the input,
// so the caller's value is left as it was (a caller may share one input between goroutines).
func askCapacity(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	const total = types.ReturnConsumedCapacityTotal
	switch p := in.Parameters.(type) {
	case *dynamodb.GetItemInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.QueryInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.ScanInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.BatchGetItemInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.TransactGetItemsInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.PutItemInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.UpdateItemInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.DeleteItemInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.BatchWriteItemInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	case *dynamodb.TransactWriteItemsInput:
		c := *p
		c.ReturnConsumedCapacity, in.Parameters = total, &c
	}
	return next.HandleInitialize(ctx, in)
}
