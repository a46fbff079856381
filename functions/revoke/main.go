// Command revoke is the Lambda function for ending access: disable and enable accounts, remove users' access.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func main() {
	app.Start(func(a *app.App) (any, error) { return a.HTTP(route.Revoke) })
}
