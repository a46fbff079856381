package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// target is one thing put under load: send makes one request and says whether it was answered as it should be.
type target struct {
	name string
	send func(ctx context.Context) error
}

// loadResult is what one target did under one load.
type loadResult struct {
	clients   int
	name      string
	latencies []time.Duration // of the answered requests, sorted (by underLoad)
	errors    int
	elapsed   time.Duration
}

func (r loadResult) perSecond() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

// percentile is the latency below which p of the answered requests fall.
func (r loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
}

// pooled is the App's own configuration with its HTTP client keeping a connection per concurrent caller. Locally
// one process serves every request at once through one client, where in Lambda each instance serves one request
// at a time over its own kept-alive connection; with the SDK's default pool (10 idle connections a host), 50
// concurrent callers would spend their time opening connections, which production does not. Everything else
// about the client (its timeouts, retries, middleware) stays the App's. The raw GetItem and the handlers get the
// same client, so the comparison is like for like.
func pooled(ctx context.Context, cfg app.Config, conns int) (app.Option, error) {
	plain, err := app.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	client, ok := plain.AWS().HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		client = awshttp.NewBuildableClient()
	}
	return app.WithAWS(aws.Config{HTTPClient: client.WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns, t.MaxIdleConnsPerHost = conns, conns
	})}), nil
}

// stack is the real handlers behind the local gateway on a free port of 127.0.0.1, built on the world's table
// and clock without the meter, and a raw DynamoDB client built from the same configuration as theirs.
type stack struct {
	base string
	raw  *dynamodb.Client
	stop func()
}

// serve starts the stack; conns is how many connections its clients keep.
func (w *world) serve(ctx context.Context, conns int) (*stack, error) {
	cfg := w.Env.Config(w.Table)
	pool, err := pooled(ctx, cfg, conns)
	if err != nil {
		return nil, err
	}
	a, err := all.New(ctx, cfg, app.WithClock(w.Clock), pool, app.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return nil, err
	}
	gw := local.NewGateway(local.GatewayConfig{Build: a.HTTP})
	if missing := gw.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("functions not built: %v", missing)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	return &stack{base: "http://" + ln.Addr().String(), raw: dynamodb.NewFromConfig(a.AWS()), stop: func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		<-done
	}}, nil
}

// targets are the raw GetItem of userID's item, GET /v1/health, GET /v1/apps (the session check alone: what any
// signed-in request costs before its endpoint reads anything) and GET /v1/me with a session of userID.
func (s *stack) targets(tableName, cookie, userID string, conns int) []target {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns}, Timeout: 35 * time.Second}
	get := func(path string, header http.Header) func(context.Context) error {
		return func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
			if err != nil {
				return err
			}
			req.Header = header
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: %s", path, resp.Status)
			}
			return nil
		}
	}
	in := &dynamodb.GetItemInput{TableName: aws.String(tableName), Key: table.UserKey(userID).AV(), ConsistentRead: aws.Bool(true)}
	return []target{
		{"raw GetItem", func(ctx context.Context) error {
			out, err := s.raw.GetItem(ctx, in)
			if err == nil && out.Item == nil {
				err = errors.New("raw GetItem: no item")
			}
			return err
		}},
		{"GET /v1/health", get("/v1/health", http.Header{})},
		{"GET /v1/apps", get("/v1/apps", http.Header{"Cookie": {httpapi.SessionCookie + "=" + cookie}})},
		{"GET /v1/me", get("/v1/me", http.Header{"Cookie": {httpapi.SessionCookie + "=" + cookie}})},
	}
}

// pieces is how many pieces each target's time at a load is cut into, interleaved with the other targets'.
const pieces = 3

// underLoad puts each target under the load of clients closed-loop callers (each sends its next request as soon
// as its previous one is answered) for d in all: first a warm-up of d/4 each, not counted, then d in pieces of
// d/pieces, the targets taking turns and the order rotating each round, so that a busy moment of the shared
// machine falls on all of them alike.
func underLoad(ctx context.Context, targets []target, clients int, d time.Duration) []loadResult {
	out := make([]loadResult, len(targets))
	for i, t := range targets {
		closedLoop(ctx, t, clients, d/4)
		out[i] = loadResult{clients: clients, name: t.name}
	}
	for round := range pieces {
		for k := range targets {
			i := (round + k) % len(targets)
			r := closedLoop(ctx, targets[i], clients, d/pieces)
			out[i].latencies = append(out[i].latencies, r.latencies...)
			out[i].errors += r.errors
			out[i].elapsed += r.elapsed
		}
	}
	for i := range out {
		slices.Sort(out[i].latencies)
	}
	return out
}

// closedLoop has clients callers each send a request as soon as their previous one is answered, for d.
func closedLoop(ctx context.Context, t target, clients int, d time.Duration) loadResult {
	res := loadResult{clients: clients, name: t.name}
	var mu sync.Mutex
	var wg sync.WaitGroup
	began := time.Now()
	deadline := began.Add(d)
	for range clients {
		wg.Go(func() {
			var mine []time.Duration
			errs := 0
			for time.Now().Before(deadline) && ctx.Err() == nil {
				start := time.Now()
				if err := t.send(ctx); err != nil {
					errs++
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			res.latencies = append(res.latencies, mine...)
			res.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(began)
	return res
}
