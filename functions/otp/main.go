// Command otp is the Lambda function for sign-in, one-time codes, sessions and /v1/me.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/otp"
)

func main() { app.Start(otp.Handler) }
