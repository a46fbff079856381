// Command revoke is the Lambda function for ending access: disable and enable accounts, remove users' access.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/revoke"
)

func main() { app.Start(revoke.Handler) }
