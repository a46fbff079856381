// Package docs holds the API description that pkg/apispec generates (go generate ./pkg/apispec), embedded so the
// health function serves it at GET /v1/openapi.json without building it, and a test finds it stale.
package docs

import _ "embed"

// OpenAPI is docs/openapi.json: the OpenAPI 3.1 description of every route of pkg/route.
//
//go:embed openapi.json
var OpenAPI []byte
