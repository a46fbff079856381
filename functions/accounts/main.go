// Command accounts is the Lambda function for the partner tree.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/accounts"
)

func main() { app.Start(accounts.Handler) }
