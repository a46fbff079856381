// Command bootstrap is the Lambda function an operator invokes (phctl bootstrap) to create the provider account
// and its first super administrator.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/bootstrap"
)

func main() { app.Start(bootstrap.Handler) }
