// Command activation is the Lambda function for activation links, set password and resend.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/activation"
)

func main() { app.Start(activation.Handler) }
