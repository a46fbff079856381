// Command two-factor is the Lambda function for two-factor choices.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func main() {
	app.Start(func(a *app.App) (any, error) { return a.HTTP(route.TwoFactor) })
}
