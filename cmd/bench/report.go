package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// per is a use divided by the calls it was spent by.
func per(u testenv.Use, calls int) (requests, items, rcu, wcu float64) {
	n := float64(max(calls, 1))
	return float64(u.Requests) / n, float64(u.ItemsRead) / n, u.RCU / n, u.WCU / n
}

// reportCosts prints part 1: each route's DynamoDB use per call.
func reportCosts(out io.Writer, c costs, rounds int) {
	fmt.Fprintf(out, "1. DynamoDB use per call of each hot route: the real handlers, invoked in-process with API Gateway events,\n"+
		"   their client metered at the wire (mean of %d calls; RCU/WCU as DynamoDB bills them, see below)\n\n", rounds)
	fmt.Fprintf(out, "%-42s %8s %6s %6s %6s %9s  %s\n", "route", "requests", "items", "RCU", "WCU", "median ms", "requests by operation")
	for _, name := range costOrder {
		x, ok := c[name]
		if !ok {
			continue
		}
		req, items, rcu, wcu := per(x.use.Total(), x.calls)
		fmt.Fprintf(out, "%-42s %8.1f %6.1f %6.1f %6.1f %9.1f  %s\n", name, req, items, rcu, wcu, ms(median(x.times)), x.use.Requests(x.calls))
	}
	fmt.Fprintln(out, `
   items: items the reads touched (Query: scanned, before any filter). The sign-in, OTP and activation rows
   include an Argon2id check or two; the mailer's own requests (stream-driven) are not in any row.
   Floors: GET /v1/health reads one fixed key (eventually consistent); raw GetItem is one strongly consistent
   GetItem of the signed-in user's item sent straight through the SDK, the least an authenticated request costs.
   Capacity: ReturnConsumedCapacity TOTAL on every call (indexes included), computed by the emulator from item
   sizes by DynamoDB's rules (reads per 4 KB: 0.5 eventual, 1 strong, 2 transactional; writes per 1 KB: 1, 2
   transactional).`)
}

// reportLists prints part 2: the user list's cost per page at each size, and the ratio of the largest to the
// smallest.
func reportLists(out io.Writer, lists map[string]map[int]listCost, sizes []int) {
	fmt.Fprintf(out, "2. The user list, GET /v1/accounts/{id}/users?limit=%s, first page, as the provider's super administrator,\n"+
		"   per page (latency: median of the pages after one warm-up; the handler in-process, its client metered)\n", pageRows)
	fmt.Fprintln(out)
	small, large := sizes[0], sizes[len(sizes)-1]
	head := fmt.Sprintf("%-30s", "")
	cols := fmt.Sprintf("%-30s", "case")
	for _, size := range sizes {
		head += fmt.Sprintf(" | %-40s", fmt.Sprintf("%d users", size))
		cols += fmt.Sprintf(" | %4s %5s %6s %7s %6s %7s", "rows", "req", "items", "RCU", "pages", "ms")
	}
	head += fmt.Sprintf(" | %d/%d", large, small)
	cols += fmt.Sprintf(" | %6s %6s %6s", "items", "RCU", "ms")
	fmt.Fprintln(out, head)
	fmt.Fprintln(out, cols)
	over := 0
	for _, c := range listCases {
		line := fmt.Sprintf("%-30s", c.name)
		for _, size := range sizes {
			x := lists[c.name][size]
			req, items, rcu, _ := per(x.use.Total(), x.calls)
			line += fmt.Sprintf(" | %4d %5.1f %6.0f %7.1f %6d %7.1f", x.rows, req, items, rcu, x.calls, ms(median(x.times)))
		}
		s, l := lists[c.name][small], lists[c.name][large]
		_, si, sr, _ := per(s.use.Total(), s.calls)
		_, li, lr, _ := per(l.use.Total(), l.calls)
		ratio := lr / sr
		line += fmt.Sprintf(" | %6.2f %6.2f %6.2f", li/si, ratio, float64(median(l.times))/float64(median(s.times)))
		if ratio > 1.5 {
			line += "  over 1.5"
			over++
		}
		fmt.Fprintln(out, line)
	}
	fmt.Fprintf(out, "\n   Goal: %d/%d ≤ 1.5 in capacity (a page costs what it returns). Cases over it: %d of %d.\n"+
		"   Seeded users: names from a few dozen first and last names (\"ove\" is inside Lovelace), one in 10 unregistered,\n"+
		"   one in 50 disabled, one in 10 an administrator, so every case fills its page at both sizes; the account's\n"+
		"   contact is one more user.\n", large, small, over, len(listCases))
}

// reportLoad prints part 3: latency and throughput of each target at each load, and their ratios to the raw
// GetItem at the same load.
func reportLoad(out io.Writer, results []loadResult, d time.Duration) {
	fmt.Fprintf(out, "3. Closed-loop load: each client sends its next request as soon as the last is answered; %s per row after a\n"+
		"   %s warm-up, in %d pieces taking turns with the other rows of its load; the API over HTTP on 127.0.0.1 through\n"+
		"   the local gateway (pkg/local) and the real handlers\n\n", d, d/4, pieces)
	fmt.Fprintf(out, "%7s  %-16s %9s %6s %8s %8s %8s | %7s %7s %7s\n", "clients", "target", "requests", "errors", "p50 ms", "p99 ms", "req/s", "p50 ×", "p99 ×", "cost ×")
	base := map[int]loadResult{}
	for _, r := range results {
		if r.name == "raw GetItem" {
			base[r.clients] = r
		}
	}
	for _, r := range results {
		b := base[r.clients]
		fmt.Fprintf(out, "%7d  %-16s %9d %6d %8.2f %8.2f %8.0f | %7.2f %7.2f %7.2f\n", r.clients, r.name, len(r.latencies), r.errors,
			ms(r.percentile(0.50)), ms(r.percentile(0.99)), r.perSecond(),
			ratio(r.percentile(0.50), b.percentile(0.50)), ratio(r.percentile(0.99), b.percentile(0.99)), b.perSecond()/r.perSecond())
	}
	fmt.Fprintln(out, `
   Baseline: raw GetItem is one strongly consistent GetItem of the signed-in user's item, sent by the same number
   of goroutines straight to the same emulator through the SDK client the handlers use (same configuration and
   connection pool), no HTTP hop of ours. × is the row's figure over raw GetItem's at the same load; cost × is
   raw GetItem's req/s over the row's. GET /v1/apps is the session check alone (the session, then one batch of
   the user, membership, account and the accounts above): what every signed-in request costs before its
   endpoint reads anything. Goal: GET /v1/me cost ≤ 3×.`)
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// rule is a line between the parts.
func rule(out io.Writer) { fmt.Fprintln(out, "\n"+strings.Repeat("─", 100)+"\n") }
