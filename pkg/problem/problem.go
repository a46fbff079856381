// Package problem is the one place where errors become HTTP answers: RFC 9457 problem documents
// (application/problem+json) with a stable type slug. A 5xx never carries internal error text.
package problem

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
)

// TypeBase prefixes every problem type slug.
const TypeBase = "https://partnerhub.dev/problems/"

// ContentType is the media type of a problem document.
const ContentType = "application/problem+json"

// Document is an RFC 9457 problem document. Extra members are flattened next to the standard ones.
type Document struct {
	Type     string             `json:"type"`
	Title    string             `json:"title"`
	Status   int                `json:"status"`
	Detail   string             `json:"detail,omitempty"`
	Instance string             `json:"instance,omitempty"`
	Errors   []fault.FieldError `json:"errors,omitempty"`
	Extra    map[string]any     `json:"-"`
	// RetryAfter, when set, is when the caller may try again: the Retry-After header of the answer, and its
	// retryAfterSeconds member.
	RetryAfter time.Duration `json:"-"`
}

type kind struct {
	err    error
	status int
	slug   string
	title  string
}

// kinds maps each domain sentinel to its status, default slug and title.
var kinds = []kind{
	{fault.ErrInvalid, http.StatusBadRequest, "validation", "Your request is not valid."},
	{fault.ErrUnauthorized, http.StatusUnauthorized, "unauthorized", "You need to sign in."},
	{fault.ErrForbidden, http.StatusForbidden, "forbidden", "You are not allowed to do this."},
	{fault.ErrPendingStep, http.StatusForbidden, "pending-step", "Finish the first sign-in steps first."},
	{fault.ErrNotFound, http.StatusNotFound, "not-found", "Not found."},
	{fault.ErrMethodMissing, http.StatusNotFound, "no-route", "No such route."},
	{fault.ErrConflict, http.StatusConflict, "conflict", "This conflicts with the current state."},
	{fault.ErrStaleVersion, http.StatusConflict, "stale-version", "Someone else changed this first; reload and try again."},
	{fault.ErrAlreadyUsed, http.StatusGone, "already-used", "This has already been used."},
	{fault.ErrExpired, http.StatusGone, "expired", "This has expired."},
	{fault.ErrUnsupported, http.StatusUnsupportedMediaType, "unsupported-media-type", "Send JSON (Content-Type: application/json)."},
	{fault.ErrLocked, http.StatusLocked, "locked", "Sign-in is locked for a while."},
	{fault.ErrRateLimited, http.StatusTooManyRequests, "rate-limited", "Too many requests; try again later."},
	{fault.ErrUnavailable, http.StatusServiceUnavailable, "unavailable", "The service is unavailable; try again shortly."},
}

// Instance is the instance URI of a request's problem: the request id, which support can find in the logs.
func Instance(requestID string) string {
	if requestID == "" {
		return ""
	}
	return "urn:partnerhub:request:" + requestID
}

// UnavailableRetryAfter is when a caller answered 503 may try again, unless the error says otherwise. A
// dependency that stalled or slowed down (a DynamoDB partition moving, the emulator busy seeding) is usually
// back within seconds; a caller that waits this long no longer adds its retry to a backlog the failed call
// (about 3 s of attempts) has just met, and a person barely notices the wait.
const UnavailableRetryAfter = 5 * time.Second

// From maps an error to its problem document. Unknown errors become a bare 500 whose detail says nothing about
// the cause; the caller logs the cause with the request id.
//
// An error that is a timeout or a cancellation — a call to AWS that ran out of attempts or of the request's
// time, whether or not its store wrapped it as fault.ErrUnavailable — is a dependency that did not answer in
// time: 503 with Retry-After, never a 500.
func From(err error) Document {
	if !isKnown(err) && timedOut(err) {
		err = fmt.Errorf("%w: %w", fault.ErrUnavailable, err)
	}
	for _, k := range kinds {
		if !errors.Is(err, k.err) {
			continue
		}
		doc := Document{Type: TypeBase + k.slug, Title: k.title, Status: k.status}
		var fe *fault.Error
		if errors.As(err, &fe) {
			if fe.Slug != "" {
				doc.Type = TypeBase + fe.Slug
			}
			doc.Detail = fe.Detail
			doc.Extra = fe.Extra
			doc.RetryAfter = fe.RetryAfter
		}
		if doc.RetryAfter <= 0 && doc.Status == http.StatusServiceUnavailable {
			doc.RetryAfter = UnavailableRetryAfter
		}
		if doc.RetryAfter > 0 {
			if doc.Extra == nil {
				doc.Extra = map[string]any{}
			}
			doc.Extra["retryAfterSeconds"] = doc.RetryAfterSeconds()
		}
		var ve *fault.ValidationError
		if errors.As(err, &ve) {
			doc.Errors = ve.Fields
			if doc.Detail == "" {
				doc.Detail = "Fix the fields listed in errors."
			}
		}
		return doc
	}
	return Document{Type: TypeBase + "internal", Title: "Something went wrong on our side.", Status: http.StatusInternalServerError}
}

// RetryAfterSeconds is RetryAfter in whole seconds, rounded up, as the Retry-After header carries it; 0 if unset.
func (d Document) RetryAfterSeconds() int {
	if d.RetryAfter <= 0 {
		return 0
	}
	return int((d.RetryAfter + time.Second - 1) / time.Second)
}

// isKnown reports whether err is one of the domain's kinds, which decide its answer themselves.
func isKnown(err error) bool {
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			return true
		}
	}
	return false
}

// timedOut reports whether err is a deadline or a cancellation of the request's context, or a network timeout
// (an AWS call's attempt that got no answer in its bound, a dial or TLS handshake that did not finish).
func timedOut(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// MarshalJSON flattens Extra next to the standard members.
func (d Document) MarshalJSON() ([]byte, error) {
	type plain Document
	return marshalWithExtra(plain(d), d.Extra)
}
