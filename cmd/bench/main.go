// Command bench prints what PartnerHub's hot paths cost, each beside the floor it is held to (`make bench`), in
// one run on the emulators it starts itself:
//
//  1. DynamoDB requests (by operation), items read and capacity units per call of each hot route — sign-in's
//     password and code steps, activation, GET /v1/me, /v1/apps, /v1/roles, account creation, partner access
//     revoke, user removal — beside GET /v1/health and a raw GetItem. The real handlers are called in-process with
//     API Gateway events (platformtest), and their own DynamoDB client carries a counting middleware
//     (testenv.Meter, given through app.WithAWS), so what is counted is what the product sends.
//  2. The user list at 100 and 10,000 users for every filter and order: requests, items read, capacity and
//     latency per page, and the ratio of the large account's to the small one's (the goal is ≤ 1.5). The users are
//     seeded through the store with BatchWriteItem (platformtest.SeedMembers), never over HTTP.
//  3. GET /v1/me, GET /v1/apps and GET /v1/health over HTTP through the local gateway under closed-loop load (10 and 50
//     clients), beside a raw GetItem on the same emulator under the same load: p50, p99, throughput and ratios.
//
// It measures whatever the code does today and prints figures, not a verdict (each part names its goal).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out, log io.Writer) error {
	flags := flag.NewFlagSet("bench", flag.ContinueOnError)
	rounds := flags.Int("rounds", 5, "calls of each hot route (part 1)")
	sizes := flags.String("sizes", "100,10000", "users in the user list's accounts, smallest first (part 2)")
	pages := flags.Int("pages", 3, "at least this many pages of each user list case (part 2)")
	pageTime := flags.Duration("page-time", 500*time.Millisecond, "and at least this long on each (part 2)")
	load := flags.Duration("load", 3*time.Second, "time of each load row, in 3 pieces interleaved with the other rows', after a warm-up of a quarter of it (part 3)")
	clients := flags.String("clients", "10,50", "concurrent clients of the load rows (part 3)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	userSizes, err := ints(*sizes)
	if err != nil {
		return fmt.Errorf("-sizes: %w", err)
	}
	loads, err := ints(*clients)
	if err != nil {
		return fmt.Errorf("-clients: %w", err)
	}
	if *rounds < 1 || *pages < 1 || *load <= 0 {
		return fmt.Errorf("-rounds, -pages and -load must be positive")
	}

	began := time.Now()
	_, stopEmulators, err := testenv.Start(ctx)
	if err != nil {
		return err
	}
	defer stopEmulators()
	t := newRunner(ctx, log)
	return t.do(func() {
		w := newWorld(t)
		fmt.Fprintf(log, "world built in %.1f s\n", time.Since(began).Seconds())

		costs, cookie, userID := w.hotPaths(*rounds)
		reportCosts(out, costs, *rounds)
		rule(out)

		lists := w.userLists(userSizes, *pages, *pageTime)
		reportLists(out, lists, userSizes)
		rule(out)

		conns := 2 * loads[len(loads)-1]
		s, err := w.serve(ctx, conns)
		if err != nil {
			t.Fatal(err)
		}
		defer s.stop()
		var results []loadResult
		for _, n := range loads {
			results = append(results, underLoad(ctx, s.targets(w.Table, cookie, userID, conns), n, *load)...)
		}
		reportLoad(out, results, *load)
		fmt.Fprintf(out, "\nbench: %.0f s in all\n", time.Since(began).Seconds())
	})
}

// ints parses a comma-separated list of positive numbers.
func ints(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}
