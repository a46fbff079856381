// Package problem is the one place where errors become HTTP answers: RFC 9457 problem documents
// (application/problem+json) with a stable type slug. A 5xx never carries internal error text.
package problem

import (
	"errors"
	"net/http"

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

// From maps an error to its problem document. Unknown errors become a bare 500 whose detail says nothing about
// the cause; the caller logs the cause with the request id.
func From(err error) Document {
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
			if fe.RetryAfter > 0 {
				if doc.Extra == nil {
					doc.Extra = map[string]any{}
				}
				doc.Extra["retryAfterSeconds"] = int(fe.RetryAfter.Seconds() + 0.999)
			}
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

// MarshalJSON flattens Extra next to the standard members.
func (d Document) MarshalJSON() ([]byte, error) {
	type plain Document
	return marshalWithExtra(plain(d), d.Extra)
}
