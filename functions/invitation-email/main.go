// Command invitation-email is the mailer: the table's stream (outbox inserts only) invokes it, and it sends
// each outbox message through SES v2.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/mailer"
)

func main() { app.Start(mailer.Handler) }
