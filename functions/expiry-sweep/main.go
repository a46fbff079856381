// Command expiry-sweep runs on a schedule and expires what was not used in time.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/sweep"
)

func main() { app.Start(sweep.Handler) }
