// Package bootstrap is the wiring of the bootstrap function: an operator invokes it directly (phctl bootstrap,
// with lambda:InvokeFunction on it) to create the provider account and its first super administrator. It runs
// the same use case as the local stack's first start (onboarding's Bootstrap), inside AWS: the operator's laptop
// never holds the HMAC key or writes to the table, and the function itself needs no key (onboarding.Operator).
package bootstrap

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// The actions the function runs, named by Event.Action.
const (
	// ActionBootstrap creates the provider account and its first super administrator (the default).
	ActionBootstrap = "bootstrap"
	// ActionResendActivation sends an invited user a new activation link.
	ActionResendActivation = "resend-activation"
)

// Event is what the operator sends. Its fields are phctl's flags and the names the use case reports invalid
// fields under.
type Event struct {
	// Action is ActionBootstrap (when empty) or ActionResendActivation.
	Action string `json:"action,omitempty"`
	// Email is the first super administrator's address, who gets the activation link. Required.
	Email string `json:"email"`
	// AdminName is the administrator's name; empty: onboarding.DefaultAdminName.
	AdminName string `json:"adminName,omitempty"`
	// Name is the provider account's company name; empty: onboarding.DefaultProviderName.
	Name string `json:"name,omitempty"`
}

// Result is the function's answer. It names what exists and never carries a token or a link: the activation
// email leaves through the outbox and the mailer, as every email does.
type Result struct {
	// AccountID is the provider account's id.
	AccountID string `json:"accountId,omitempty"`
	// UserID is the first super administrator's id: created now, or found with the provider.
	UserID string `json:"userId,omitempty"`
	// Created is false when the platform was bootstrapped already and nothing was written.
	Created bool `json:"created"`
	// Status is a resend's outcome (onboarding.ResendSent, ResendNotFound...); empty for a bootstrap.
	Status string `json:"status,omitempty"`
	// Problem says why nothing was done for a request the operator can fix (a missing or bad address, a name or
	// address another account or user has): the problem document the API would answer, without its HTTP.
	Problem *problem.Document `json:"problem,omitempty"`
}

// Func is the function's handler. It takes the payload as it came, so that an unknown field (a typo of a flag's
// name) is refused rather than ignored.
type Func func(ctx context.Context, payload json.RawMessage) (Result, error)

// Operator builds the use case the function runs.
func Operator(a *app.App) (*onboarding.Operator, error) {
	return onboarding.NewOperator(onboarding.Deps{
		DB:    a.Dynamo(),
		Table: a.Config.Table,
		Clock: a.Clock,
		Log:   a.Log,
		Count: a.Count,
	})
}

// Handler builds the function's handler. A request the operator can fix is a Result with its Problem and no
// error; a failure of ours (the table did not answer) is logged with its cause and returned as the function's
// error, which Lambda counts for the errors alarm, with a message that says nothing of the cause.
func Handler(a *app.App) (Func, error) {
	op, err := Operator(a)
	if err != nil {
		return nil, err
	}
	log := a.Log.With("function", route.Bootstrap)
	return func(ctx context.Context, payload json.RawMessage) (Result, error) {
		ctx, cancel := app.Budget(ctx)
		defer cancel()
		ev, err := decode(payload)
		if err != nil {
			return refused(ctx, log, err)
		}
		switch ev.Action {
		case "", ActionBootstrap:
			res, err := op.Bootstrap(ctx, onboarding.BootstrapInput{AccountName: ev.Name, AdminEmail: ev.Email, AdminName: ev.AdminName})
			if err != nil {
				return refused(ctx, log, err)
			}
			return Result{AccountID: res.AccountID, UserID: res.AdminUserID, Created: res.Created}, nil
		case ActionResendActivation:
			if ev.Name != "" || ev.AdminName != "" {
				return refused(ctx, log, fault.Invalid("name", "unknown_field", "A resend takes the email address only."))
			}
			res, err := op.ResendActivation(ctx, ev.Email)
			if err != nil {
				return refused(ctx, log, err)
			}
			return Result{UserID: res.UserID, Status: res.Status}, nil
		}
		return refused(ctx, log, fault.Invalid("action", "unknown_action", "Send action bootstrap or resend-activation."))
	}, nil
}

// decode reads the payload strictly: a JSON object with Event's fields only, each a string.
func decode(payload json.RawMessage) (Event, error) {
	var ev Event
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	err := dec.Decode(&ev)
	if err == nil {
		if _, err = dec.Token(); err != io.EOF {
			return ev, fault.Invalid("event", "invalid_json", "The event must be one JSON object.")
		}
		return ev, nil
	}
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ) && typ.Field != "":
		return ev, fault.Invalid(typ.Field, "wrong_type", "Must be a string.")
	case errors.As(err, &typ):
		return ev, fault.Invalid("event", "wrong_type", `The event must be a JSON object: {"email": ..., "adminName": ..., "name": ...}.`)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return ev, fault.Invalid(name, "unknown_field", "This field is not accepted: send action, email, adminName and name.")
	}
	return ev, fault.Invalid("event", "invalid_json", "The event is not valid JSON.")
}

// refused answers an error: its problem document when the operator can fix the request, else the function's
// error (see Handler).
func refused(ctx context.Context, log *slog.Logger, err error) (Result, error) {
	doc := problem.From(err)
	var requestID string
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		requestID = lc.AwsRequestID
	}
	doc.Instance = problem.Instance(requestID)
	if doc.Status >= http.StatusInternalServerError {
		log.ErrorContext(ctx, "operator action failed", "error", err.Error())
		return Result{}, fmt.Errorf("%s (%s)", doc.Title, or(doc.Instance, "no request id"))
	}
	log.InfoContext(ctx, "operator action refused", "problem", doc.Type)
	return Result{Problem: &doc}, nil
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}
