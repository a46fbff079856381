package e2e_test

import (
	"sync/atomic"
	"time"
)

// aheadClock is the system clock moved forward by what a test asks: the stack runs on it (app.WithClock) when a
// test must be later than a limit allows (an activation email may be resent a minute after the last one)
// without sleeping. Emails, sessions and codes all follow it, since the whole stack reads the same clock.
type aheadClock struct{ ahead atomic.Int64 }

// Now is the system time, moved forward.
func (c *aheadClock) Now() time.Time { return time.Now().UTC().Add(time.Duration(c.ahead.Load())) }

// Advance moves the clock forward by d.
func (c *aheadClock) Advance(d time.Duration) { c.ahead.Add(int64(d)) }
