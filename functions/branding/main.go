// Command branding is the Lambda function for partner branding.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func main() {
	app.Start(func(a *app.App) (any, error) { return a.HTTP(route.Branding) })
}
