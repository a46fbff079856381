package tree

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
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
	for range attempts {
		acc, err := s.authorize(ctx, a, id, Endpoints)
		if err != nil {
			return EndpointCount{}, err
		}
		if acc.Kind != account.Customer {
			return EndpointCount{}, errNotCustomer
		}
		if acc.Endpoints == count {
			return EndpointCount{ID: acc.ID, Endpoints: count, Version: acc.Version}, nil
		}
		items := []types.TransactWriteItem{dynamo.UpdateAccountItem(s.table, acc.ID, acc.Version,
			map[string]types.AttributeValue{account.CounterEndpoints: dynamo.N(int64(count))})}
		for _, up := range acc.Ancestors {
			items = append(items, dynamo.MoveCounter(s.table, up, account.CounterEndpoints, count-acc.Endpoints))
		}
		details := map[string]string{"from": strconv.Itoa(acc.Endpoints), "to": strconv.Itoa(count)}
		moved, err := s.commit(ctx, a, acc, items, "account.endpoints-reported", details, s.clock.Now())
		if moved {
			continue
		}
		if dynamo.ConditionFailed(err) {
			return EndpointCount{}, errMoved
		}
		if err != nil {
			return EndpointCount{}, err
		}
		return EndpointCount{ID: acc.ID, Endpoints: count, Version: acc.Version + 1}, nil
	}
	return EndpointCount{}, errMoved
}
