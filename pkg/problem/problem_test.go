package problem_test

import (
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
