package all_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// daemon is a UDP listener standing in for the X-Ray daemon.
type daemon struct{ conn net.PacketConn }

// received is every datagram that arrives until none has for wait (all a handler sends is in the socket's
// buffer before the handler returns: a UDP send to a local socket completes on the send).
func (d daemon) received(t *testing.T, wait time.Duration) [][]byte {
	t.Helper()
	var out [][]byte
	buf := make([]byte, 65536)
	for {
		_ = d.conn.SetReadDeadline(time.Now().Add(wait))
		n, _, err := d.conn.ReadFrom(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bytes.Clone(buf[:n]))
	}
}

var hexID = regexp.MustCompile(`^[0-9a-f]{16}$`)

// TestEveryDynamoDBCallOfASampledInvocationIsASubsegment runs POST /v1/accounts (the session check's reads, the
// guards' and the tree's reads, the creating transaction) through the signup function's real handler as Lambda
// invokes it, with the X-Ray daemon's address set: each DynamoDB call it makes, counted at the wire by the meter,
// arrives at the daemon as one subsegment of the invocation's segment, in the daemon's wire format. An unsampled
// invocation and the platform's set-up (outside any invocation) send nothing.
func TestEveryDynamoDBCallOfASampledInvocationIsASubsegment(t *testing.T) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	d := daemon{conn}
	t.Setenv("AWS_XRAY_DAEMON_ADDRESS", conn.LocalAddr().String()) // what Lambda sets with active tracing

	meter := testenv.NewMeter()
	p := platformtest.New(t, app.WithAWS(meter.AWS()))
	if got := d.received(t, 100*time.Millisecond); len(got) != 0 {
		t.Fatalf("set-up outside any invocation sent %d subsegments: %s", len(got), got[0])
	}

	const root, parent = "1-6766e7a0-0123456789abcdef01234567", "53995c3f42cd8ad8"
	create := func(header, name string) {
		t.Helper()
		email := testenv.UniqueEmail(t, "traced")
		ev := p.Event(platformtest.Request{Function: route.Signup, Route: onboarding.RouteCreateAccount, Cookie: p.Super,
			Body: map[string]any{
				"kind": account.Partner, "parentId": p.ProviderID, "profile": "later",
				"company":   map[string]any{"name": name + " " + testenv.UniqueEmail(t, "co")},
				"contact":   map[string]any{"email": email},
				"twoFactor": map[string]any{"enabled": false},
			}})
		ctx := lambdacontext.NewContext(t.Context(), &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-9"})
		ctx = context.WithValue(ctx, "x-amzn-trace-id", header) //nolint:staticcheck // aws-lambda-go's key
		meter.Take()
		resp, err := p.Handler(route.Signup)(ctx, ev) // ctx carries the invocation's trace
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("create: %d %v %s", resp.StatusCode, err, resp.Body)
		}
		if err := platformtest.Conforms(ev, resp); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("case=sampled", func(t *testing.T) {
		create("Root="+root+";Parent="+parent+";Sampled=1", "Traced Partner")
		wire := meter.Take()
		if wire.Total().Requests < 3 {
			t.Fatalf("the request made %d DynamoDB requests; the test needs several: %v", wire.Total().Requests, wire)
		}
		attempts := map[string]int{}
		for _, datagram := range d.received(t, 500*time.Millisecond) {
			head, body, _ := bytes.Cut(datagram, []byte("\n"))
			if string(head) != `{"format": "json", "version": 1}` {
				t.Fatalf("header line %q", head)
			}
			var s struct {
				Name      string  `json:"name"`
				ID        string  `json:"id"`
				TraceID   string  `json:"trace_id"`
				ParentID  string  `json:"parent_id"`
				Type      string  `json:"type"`
				Namespace string  `json:"namespace"`
				Start     float64 `json:"start_time"`
				End       float64 `json:"end_time"`
				AWS       struct {
					Operation string `json:"operation"`
					RequestID string `json:"request_id"`
					Retries   int    `json:"retries"`
					TableName string `json:"table_name"`
				} `json:"aws"`
				HTTP struct {
					Response struct {
						Status int `json:"status"`
					} `json:"response"`
				} `json:"http"`
				Error, Fault, Throttle bool
			}
			if err := json.Unmarshal(body, &s); err != nil {
				t.Fatalf("not a JSON document: %v: %s", err, body)
			}
			if s.Name != "DynamoDB" || s.TraceID != root || s.ParentID != parent || s.Type != "subsegment" ||
				s.Namespace != "aws" || !hexID.MatchString(s.ID) || s.AWS.Operation == "" {
				t.Errorf("subsegment %s", body)
			}
			now := float64(time.Now().Unix())
			if s.Start <= 0 || s.End < s.Start || s.End > now+1 || s.Start < now-120 {
				t.Errorf("times %f..%f (now %f): %s", s.Start, s.End, now, body)
			}
			if s.HTTP.Response.Status != 200 || s.Error || s.Fault || s.Throttle {
				t.Errorf("a successful call recorded as %s", body)
			}
			single := !strings.HasPrefix(s.AWS.Operation, "Batch") && !strings.HasPrefix(s.AWS.Operation, "Transact")
			if single && s.AWS.TableName != p.Table {
				t.Errorf("%s names table %q, want %q", s.AWS.Operation, s.AWS.TableName, p.Table)
			}
			if strings.Contains(string(body), "traced") || strings.Contains(string(body), "Traced Partner") {
				t.Errorf("the subsegment holds the request's contents: %s", body)
			}
			attempts[s.AWS.Operation] += 1 + s.AWS.Retries
		}
		t.Logf("subsegments by operation (attempts): %v", attempts)
		for op, use := range wire {
			if attempts[op] != use.Requests {
				t.Errorf("%s: %d requests on the wire, %d in subsegments", op, use.Requests, attempts[op])
			}
		}
		for op := range attempts {
			if _, ok := wire[op]; !ok {
				t.Errorf("a subsegment for %s, which was not sent", op)
			}
		}
	})

	t.Run("case=unsampled", func(t *testing.T) {
		create("Root="+root+";Parent="+parent+";Sampled=0", "Untraced Partner")
		if wire := meter.Take(); wire.Total().Requests == 0 {
			t.Fatal("the request made no DynamoDB request")
		}
		if got := d.received(t, 100*time.Millisecond); len(got) != 0 {
			t.Errorf("an unsampled invocation sent %d subsegments: %s", len(got), got[0])
		}
	})
}
