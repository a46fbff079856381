// Command branding is the Lambda function for partner branding.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/branding"
)

func main() { app.Start(branding.Handler) }
