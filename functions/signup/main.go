// Command signup is the Lambda function for POST /v1/accounts.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/signup"
)

func main() { app.Start(signup.Handler) }
