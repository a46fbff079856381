package reset_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/reset"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// BenchmarkRequestKnownVsUnknown times reset requests for a known, active address and for an unknown one,
// interleaved so that the machine's noise falls on both alike, and reports each median and their ratio. The
// two should cost the same (one ratio near 1): the unknown address runs the known one's transaction against a
// user that does not exist. It prints figures only; timing on a shared machine is too noisy to pass or fail on.
func BenchmarkRequestKnownVsUnknown(b *testing.B) {
	h := newHarness(b)
	s, err := reset.New(reset.Deps{DB: h.env.Dynamo, Table: h.table, Keys: h.keys, Clock: h.clock})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var known, unknown []time.Duration
	i := 0
	timed := func(email string) time.Duration {
		i++
		began := time.Now()
		// A new address each time, so no rate limit drops the request and changes the path.
		if err := s.Request(ctx, email, fmt.Sprintf("198.18.%d.%d", i/250%250, i%250+1)); err != nil {
			b.Fatal(err)
		}
		return time.Since(began)
	}
	for b.Loop() {
		k := h.seedUser(active) // a fresh user each time: the per-address limit allows three an hour
		known = append(known, timed(k.Email))
		unknown = append(unknown, timed(testenv.UniqueEmail(b, "nobody")))
	}
	mk, mu := median(known), median(unknown)
	b.ReportMetric(float64(mk.Microseconds())/1000, "known-ms")
	b.ReportMetric(float64(mu.Microseconds())/1000, "unknown-ms")
	b.ReportMetric(float64(mu)/float64(mk), "unknown/known")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
