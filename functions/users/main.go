// Command users is the Lambda function for user maintenance.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/users"
)

func main() { app.Start(users.Handler) }
