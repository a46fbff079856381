package problem_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/problem"
)

func TestFrom(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		err    error
		status int
		slug   string
	}{
		{"case=wrapped sentinel", fmt.Errorf("load account: %w", fault.ErrNotFound), http.StatusNotFound, "not-found"},
		{"case=domain error with slug", fault.New(fault.ErrExpired, "link-expired", "Ask for a new link."), http.StatusGone, "link-expired"},
		{"case=validation", fault.Invalid("email", "invalid_email", "Not an email."), http.StatusBadRequest, "validation"},
		{"case=unavailable", fmt.Errorf("get: %w: %w", fault.ErrUnavailable, errors.New("dial tcp 10.1.2.3")), http.StatusServiceUnavailable, "unavailable"},
		{"case=deadline", fmt.Errorf("get 10.1.2.3: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "unavailable"},
		{"case=canceled", fmt.Errorf("query: %w", context.Canceled), http.StatusServiceUnavailable, "unavailable"},
		{"case=timeout beside a domain error", fmt.Errorf("%w: %w", fault.ErrConflict, context.DeadlineExceeded), http.StatusConflict, "conflict"},
		{"case=unknown", errors.New("nil pointer somewhere"), http.StatusInternalServerError, "internal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := problem.From(c.err)
			if doc.Status != c.status || doc.Type != problem.TypeBase+c.slug {
				t.Fatalf("got %d %s, want %d %s", doc.Status, doc.Type, c.status, c.slug)
			}
			b, _ := json.Marshal(doc)
			if c.status >= 500 && (strings.Contains(string(b), "10.1.2.3") || strings.Contains(string(b), "nil pointer")) {
				t.Fatalf("5xx leaks its cause: %s", b)
			}
		})
	}
}

func TestExtraMembersAndRetryAfter(t *testing.T) {
	t.Parallel()
	err := fault.New(fault.ErrLocked, "sign-in-locked", "Try again later.").With("status", 999).With("until", "soon")
	err.RetryAfter = 90 * time.Second
	b, _ := json.Marshal(problem.From(err))
	var m map[string]any
	if e := json.Unmarshal(b, &m); e != nil {
		t.Fatal(e)
	}
	if m["status"] != float64(http.StatusLocked) {
		t.Fatalf("an extra member replaced status: %s", b)
	}
	if m["until"] != "soon" || m["retryAfterSeconds"] != float64(90) {
		t.Fatalf("extra members missing: %s", b)
	}
}

// TestUnavailableSaysWhenToRetry: every 503 carries a retry time, the error's own if it has one.
func TestUnavailableSaysWhenToRetry(t *testing.T) {
	t.Parallel()
	doc := problem.From(fmt.Errorf("get: %w", fault.ErrUnavailable))
	if doc.RetryAfter != problem.UnavailableRetryAfter || doc.Extra["retryAfterSeconds"] != int(problem.UnavailableRetryAfter/time.Second) {
		t.Fatalf("RetryAfter %v, extra %v", doc.RetryAfter, doc.Extra)
	}
	own := &fault.Error{Kind: fault.ErrUnavailable, Slug: "unavailable", RetryAfter: 1500 * time.Millisecond}
	if doc := problem.From(own); doc.RetryAfterSeconds() != 2 {
		t.Fatalf("RetryAfterSeconds %d, want 1.5 s rounded up", doc.RetryAfterSeconds())
	}
	if doc := problem.From(fault.ErrNotFound); doc.RetryAfter != 0 || doc.Extra["retryAfterSeconds"] != nil {
		t.Fatalf("a 404 says when to retry: %+v", doc)
	}
}
