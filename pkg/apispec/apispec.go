// Package apispec builds PartnerHub's API description, OpenAPI 3.1, from the one route table (pkg/route) and the
// contract each use case declares next to its handlers (pkg/contract): request bodies and query parameters,
// every answer's status and schema, derived from the Go types by reflection, and the problem type slugs each
// error status can carry on each route. What every route shares comes from the route table: the session cookie,
// the Origin and media type checks, the path parameters that name nothing, the table being unavailable.
//
// The description is written to docs/openapi.json (go generate ./pkg/apispec; a test fails while the file is
// stale), served at GET /v1/openapi.json, linted by Redocly, and every answer the test suite gets from a handler
// is validated against it (pkg/platformtest).
package apispec

//go:generate go run ../../cmd/openapi -o ../../docs/openapi.json

import (
	"github.com/partnerhub/partnerhub/pkg/brand"
	"github.com/partnerhub/partnerhub/pkg/contract"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/health"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/profile"
	"github.com/partnerhub/partnerhub/pkg/reset"
	"github.com/partnerhub/partnerhub/pkg/signin"
	"github.com/partnerhub/partnerhub/pkg/tree"
	"github.com/partnerhub/partnerhub/pkg/twofactor"
)

// Contracts are every package's declarations. A package that serves routes adds its Contract here.
var Contracts = [][]contract.Operation{
	health.Contract, onboarding.Contract, signin.Contract, tree.Contract, grant.Contract, member.Contract,
	brand.Contract, profile.Contract, twofactor.Contract, reset.Contract,
}

// index lists the contracts' operations by route key. A route declared twice is an error of Build.
func index(contracts [][]contract.Operation) map[string][]contract.Operation {
	out := map[string][]contract.Operation{}
	for _, ops := range contracts {
		for _, op := range ops {
			out[op.Route] = append(out[op.Route], op)
		}
	}
	return out
}
