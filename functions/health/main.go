// Command health is the Lambda function behind GET /v1/health.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func main() {
	app.Start(func(a *app.App) (any, error) { return a.HTTP(route.Health) })
}
