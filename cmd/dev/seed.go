package main

import (
	"context"
	"fmt"
	"io"

	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
)

// seed prepares the local stack on every start. It runs after the table exists and the stream poller is
// positioned, so the activation email it queues is sent, and before the gateway serves its first request.
// The first time, it creates the provider account and the first super administrator; after that it changes
// nothing.
func seed(ctx context.Context, a *all.App, adminEmail string, out io.Writer) error {
	res, err := a.Bootstrap(ctx, onboarding.BootstrapInput{AdminEmail: adminEmail})
	if err != nil {
		return err
	}
	if res.Created {
		fmt.Fprintf(out, "created the provider account and the super administrator %s: the activation email is in the mailbox\n", adminEmail)
	}
	return nil
}
