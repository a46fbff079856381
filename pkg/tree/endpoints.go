package tree

import (
	"context"
	"fmt"
	"strconv"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// MaxEndpoints bounds a reported endpoint count.
const MaxEndpoints = 10_000_000

// EndpointsRequest is the body of PUT /v1/accounts/{id}/endpoints.
type EndpointsRequest struct {
	Count *int64 `json:"count"`
}

// Validate checks the count: required, a whole number from 0 to MaxEndpoints.
func (r *EndpointsRequest) Validate(v *fault.ValidationError) {
	switch {
	case v.Has("count"):
	case r.Count == nil:
		v.Add("count", codeRequired, "This field is required.")
	case *r.Count < 0 || *r.Count > MaxEndpoints:
		v.Add("count", codeInvalid, fmt.Sprintf("Use a whole number from 0 to %d.", MaxEndpoints))
	}
}

// EndpointCount is the answer of recording a customer's endpoints.
type EndpointCount struct {
	ID        string `json:"id"`
	Endpoints int    `json:"endpoints"`
	Version   int    `json:"version"`
}

var errNotCustomer = fault.New(fault.ErrConflict, "not-a-customer", "Only customer accounts have endpoints of their own.")

// ReportEndpoints records a customer's endpoint count, as the platform reports it, and moves every ancestor's
// counts.endpoints by the difference, in one transaction with a version condition on the customer; a concurrent
// report makes it read the customer again. Reporting the count the customer already has writes nothing.
func (s *Service) ReportEndpoints(ctx context.Context, a actor.Actor, id string, req EndpointsRequest) (EndpointCount, error) {
	v := &fault.ValidationError{}
	req.Validate(v)
	if err := v.Err(); err != nil {
		return EndpointCount{}, err
	}
	count := int(*req.Count)
	acc, err := s.change(ctx, a, id, []Action{Endpoints}, func(acc *account.Account, tx *dynamo.Tx) error {
		if acc.Kind != account.Customer {
			return errNotCustomer
		}
		if acc.Prospect() {
			return errProspect
		}
		if acc.Endpoints == count {
			return nil
		}
		for _, up := range acc.Ancestors {
			tx.MoveCounter(up, account.CounterEndpoints, count-acc.Endpoints, errMoved) // the tree above is not there
		}
		details := map[string]string{"from": strconv.Itoa(acc.Endpoints), "to": strconv.Itoa(count)}
		audited(tx, a, *acc, audit.AccountEndpointsReported, details, s.clock.Now())
		acc.Endpoints = count
		return nil
	})
	if err != nil {
		return EndpointCount{}, err
	}
	return EndpointCount{ID: acc.ID, Endpoints: acc.Endpoints, Version: acc.Version}, nil
}
