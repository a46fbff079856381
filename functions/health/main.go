// Command health is the Lambda function behind GET /v1/health.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/health"
)

func main() { app.Start(health.Handler) }
