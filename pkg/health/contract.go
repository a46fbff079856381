package health

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/contract"
)

// Contract is what the health function's routes accept and answer. The description itself is served by the
// same function (pkg/app/health), and is any JSON object to its own description.
var Contract = []contract.Operation{
	{Route: "GET /v1/health", Summary: "Liveness of the API and the table",
		Answers: []contract.Answer{contract.OK(http.StatusOK, Status{}, "The API reaches its table.")}},
	{Route: "GET /v1/openapi.json", Summary: "This description of the API (OpenAPI 3.1)",
		Answers: []contract.Answer{contract.OK(http.StatusOK, map[string]any{}, "The description.")}},
}
