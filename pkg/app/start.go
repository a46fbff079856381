package app

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

// Start is the whole of a Lambda entrypoint: read the configuration, build the App once, build the function's
// handler with build (its own wiring: functions/<name>/main.go passes the Handler of pkg/app/<name>), and hand
// it to the Lambda runtime. A function that cannot start logs why and exits, so Lambda reports an init error
// instead of serving requests half-configured.
func Start[H any](build func(a *App) (H, error)) {
	ctx := context.Background()
	cfg, err := FromEnv()
	if err != nil {
		slog.Error("read configuration", "error", err.Error())
		os.Exit(1)
	}
	a, err := New(ctx, cfg)
	if err != nil {
		slog.Error("build clients", "error", err.Error())
		os.Exit(1)
	}
	h, err := build(a)
	if err != nil {
		slog.Error("build handler", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h)
}
