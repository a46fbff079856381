package ratelimit_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/ratelimit"
)

func TestWindowAt(t *testing.T) {
	t.Parallel()
	r := ratelimit.Rule{Scope: "x", Limit: 1, Window: time.Minute}
	at := time.Date(2026, 3, 2, 9, 7, 42, 500, time.UTC)
	start, end := r.WindowAt(at)
	if !start.Equal(time.Date(2026, 3, 2, 9, 7, 0, 0, time.UTC)) || !end.Equal(start.Add(time.Minute)) {
		t.Fatalf("window [%v, %v)", start, end)
	}
	if s2, _ := r.WindowAt(end); !s2.Equal(end) {
		t.Fatal("the next window does not start where this one ends")
	}
}
