// Command accounts is the Lambda function for the partner tree.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func main() {
	app.Start(func(a *app.App) (any, error) { return a.HTTP(route.Accounts) })
}
