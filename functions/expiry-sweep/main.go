// Command expiry-sweep runs on a schedule and expires what was not used in time.
package main

import "github.com/partnerhub/partnerhub/pkg/app"

func main() {
	app.Start(func(a *app.App) (any, error) { return a.Sweep() })
}
