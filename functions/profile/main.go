// Command profile is the Lambda function for first sign-in steps.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/profile"
)

func main() { app.Start(profile.Handler) }
