package dynamo_test

import (
	"errors"
	"net"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

func TestUnavailableTellsOutagesFromBadRequests(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		err         error
		unavailable bool
	}{
		{"case=network", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"case=throttled", &smithy.GenericAPIError{Code: "ThrottlingException", Fault: smithy.FaultClient}, true},
		{"case=provisioned throughput", &types.ProvisionedThroughputExceededException{}, true},
		{"case=missing table", &types.ResourceNotFoundException{}, true},
		{"case=server fault", &smithy.GenericAPIError{Code: "InternalServerError", Fault: smithy.FaultServer}, true},
		{"case=malformed request is a bug", &smithy.GenericAPIError{Code: "ValidationException", Fault: smithy.FaultClient}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := dynamo.Unavailable("op", c.err)
			if got := errors.Is(err, fault.ErrUnavailable); got != c.unavailable {
				t.Fatalf("errors.Is(ErrUnavailable) = %v, want %v (%v)", got, c.unavailable, err)
			}
			if !errors.Is(err, c.err) {
				t.Fatal("the cause is lost")
			}
		})
	}
}
