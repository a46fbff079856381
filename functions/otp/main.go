// Command otp is the Lambda function for sign-in, one-time codes, sessions and /v1/me.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func main() {
	app.Start(func(a *app.App) (any, error) { return a.HTTP(route.OTP) })
}
