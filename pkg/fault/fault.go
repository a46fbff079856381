// Package fault holds the domain's errors. Use cases return these (wrapped with context); the problem package
// turns them into HTTP answers in one place. Nothing here knows about HTTP.
package fault

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Wrap them with fmt.Errorf("...: %w", ErrX) or return a *Error for a specific answer.
var (
	ErrNotFound      = errors.New("not found")
	ErrConflict      = errors.New("conflict")
	ErrExpired       = errors.New("expired")
	ErrAlreadyUsed   = errors.New("already used")
	ErrForbidden     = errors.New("forbidden")
	ErrUnauthorized  = errors.New("unauthorized")
	ErrRateLimited   = errors.New("rate limited")
	ErrLocked        = errors.New("locked")
	ErrUnavailable   = errors.New("unavailable")
	ErrInvalid       = errors.New("invalid")
	ErrUnsupported   = errors.New("unsupported media type")
	ErrPendingStep   = errors.New("pending first sign-in step")
	ErrStaleVersion  = errors.New("stale version")
	ErrMethodMissing = errors.New("no such route")
)

// Error is a domain error with a stable slug and a message that is safe to show to the caller.
type Error struct {
	// Kind is one of the sentinels above; it decides the HTTP status.
	Kind error
	// Slug is the stable problem type, e.g. "link-expired".
	Slug string
	// Detail is shown to the caller: never internal error text, never a secret.
	Detail string
	// RetryAfter, when set, tells the caller when to try again.
	RetryAfter time.Duration
	// Extra members added to the problem document (e.g. "step", "contact").
	Extra map[string]any
}

// New returns an *Error.
func New(kind error, slug, detail string) *Error {
	return &Error{Kind: kind, Slug: slug, Detail: detail}
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Slug, e.Detail) }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

// With adds a member to the problem document.
func (e *Error) With(key string, value any) *Error {
	if e.Extra == nil {
		e.Extra = map[string]any{}
	}
	e.Extra[key] = value
	return e
}

// FieldError names one invalid field of a request.
type FieldError struct {
	Field  string `json:"field"`  // JSON path, e.g. "contact.email"
	Code   string `json:"code"`   // machine-readable reason: required, too_long, invalid_email, unknown_field, wrong_type, ...
	Detail string `json:"detail"` // human-readable reason
}

// ValidationError lists every invalid field of a request.
type ValidationError struct {
	Fields []FieldError
}

func (v *ValidationError) Error() string {
	parts := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		parts[i] = f.Field + ": " + f.Code
	}
	return "invalid request: " + strings.Join(parts, ", ")
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (v *ValidationError) Unwrap() error { return ErrInvalid }

// Add records an invalid field. Only the first problem of a field is kept, and nothing is added below a field
// already reported, so a field that failed to decode is not reported again as missing.
func (v *ValidationError) Add(field, code, detail string) {
	if v.Has(field) || v.coveredBy(field) {
		return
	}
	v.Fields = append(v.Fields, FieldError{Field: field, Code: code, Detail: detail})
}

// Has reports whether a field is already reported, so checks can stop at the first problem per field.
func (v *ValidationError) Has(field string) bool {
	for _, f := range v.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// coveredBy reports whether a parent of field (e.g. "contact" for "contact.email") is already reported.
func (v *ValidationError) coveredBy(field string) bool {
	for _, f := range v.Fields {
		if f.Field != "" && (strings.HasPrefix(field, f.Field+".") || strings.HasPrefix(field, f.Field+"[")) {
			return true
		}
	}
	return false
}

// Err returns v if it holds any field, else nil.
func (v *ValidationError) Err() error {
	if v == nil || len(v.Fields) == 0 {
		return nil
	}
	return v
}

// Invalid is a shortcut for a validation error with one field.
func Invalid(field, code, detail string) error {
	v := &ValidationError{}
	v.Add(field, code, detail)
	return v
}
