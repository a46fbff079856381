package logctx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/logctx"
)

func TestLinesCarryTheContextsAttributes(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(logctx.Handler{Handler: slog.NewJSONHandler(&buf, nil)}).With("service", "tree")
	ctx := logctx.With(context.Background(), slog.String("requestId", "r1"))
	ctx = logctx.With(ctx, slog.String("userId", "u1"))
	other := logctx.With(context.Background(), slog.String("requestId", "r2"))

	log.InfoContext(ctx, "first")
	log.InfoContext(other, "second")
	log.Info("third")

	var lines []map[string]any
	for _, raw := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("lines %v", lines)
	}
	if lines[0]["requestId"] != "r1" || lines[0]["userId"] != "u1" || lines[0]["service"] != "tree" {
		t.Fatalf("first line %v", lines[0])
	}
	if lines[1]["requestId"] != "r2" || lines[1]["userId"] != nil {
		t.Fatalf("second line %v: attributes leaked between contexts", lines[1])
	}
	if _, ok := lines[2]["requestId"]; ok {
		t.Fatalf("third line %v has a request id without a context", lines[2])
	}
}
