// Command mail-feedback records the email service's reports: SES publishes every bounce, complaint and
// delivery of the configuration set's emails to EventBridge, whose rule invokes it with each one.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/mailfeedback"
)

func main() { app.Start(mailfeedback.Handler) }
