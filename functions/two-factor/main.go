// Command two-factor is the Lambda function for two-factor choices.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/twofactor"
)

func main() { app.Start(twofactor.Handler) }
