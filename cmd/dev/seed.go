package main

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/app"
)

// seed prepares the local stack on every start. It runs after the table exists and the stream poller is
// positioned, so emails it queues in the outbox are sent, and before the gateway serves its first request.
//
// TODO(onboarding): bootstrap the provider account and the first super administrator here
// (admin@example.com unless configured) and queue that administrator's activation email, so a newcomer can
// sign in through the mailbox. It runs on every start: when they already exist it must change nothing.
func seed(ctx context.Context, a *app.App) error { return nil }
