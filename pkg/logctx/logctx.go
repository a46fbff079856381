// Package logctx carries log attributes in a context, so that every line a request logs — in the API adapter
// or deep in a use case — names the request (and, once known, the user and account) without each service being
// handed a per-request logger. Log with the *Context methods (InfoContext, ErrorContext, ...) through a logger
// whose handler is wrapped in Handler.
package logctx

import (
	"context"
	"log/slog"
	"slices"
)

type key struct{}

// With returns a context whose log lines carry attrs, after those ctx already carries.
func With(ctx context.Context, attrs ...slog.Attr) context.Context {
	prev, _ := ctx.Value(key{}).([]slog.Attr)
	return context.WithValue(ctx, key{}, append(slices.Clip(prev), attrs...))
}

// Handler adds the context's attributes to every record.
type Handler struct {
	slog.Handler
}

var _ slog.Handler = Handler{}

// Handle adds the attributes of ctx and passes the record on.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	if attrs, ok := ctx.Value(key{}).([]slog.Attr); ok && len(attrs) > 0 {
		r = r.Clone()
		r.AddAttrs(attrs...)
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return Handler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h Handler) WithGroup(name string) slog.Handler { return Handler{h.Handler.WithGroup(name)} }
