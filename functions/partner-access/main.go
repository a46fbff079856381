// Command partner-access is the Lambda function for customers' support partners: Partner IDs, share links,
// invitations, answers and staff.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/partneraccess"
)

func main() { app.Start(partneraccess.Handler) }
