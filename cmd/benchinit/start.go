package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/runtimeapi"
)

// initBound is how long a cold init may take before the run is abandoned: a hundred times what it should take.
const initBound = 20 * time.Second

// build builds every subject into dir in one go build, as `make build` builds a function but for this
// machine's architecture: dir/<last element of its package path>.
func build(ctx context.Context, dir string, subjects []subject) error {
	args := []string{"build", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-trimpath", "-o", dir + string(os.PathSeparator)}
	for _, s := range subjects {
		args = append(args, s.pkg)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// coldStart runs the subject's binary once as Lambda starts a new execution environment and returns the time
// from exec to its first poll of the Runtime API; it then stops the process.
func coldStart(ctx context.Context, s *subject, aws *standIn) (time.Duration, error) {
	api, err := runtimeapi.Start()
	if err != nil {
		return 0, err
	}
	defer api.Close()
	cmd := exec.Command(s.path)
	cmd.Dir = os.TempDir()
	cmd.Env = slices.Concat(api.ServiceEnv(s.name, "us-east-1"), stackEnv(s.fn), aws.endpoints())
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	exited := make(chan struct{})
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()
	select {
	case <-api.Polled():
		return api.FirstPoll().Sub(start), nil
	case <-exited:
		return 0, fmt.Errorf("exited (%v) before its first poll; its output:\n%s", cmd.ProcessState, log.String())
	case <-time.After(initBound):
		return 0, fmt.Errorf("no poll within %v", initBound)
	case <-ctx.Done():
		return 0, errors.Join(ctx.Err(), errors.New("interrupted"))
	}
}

// Stand-in values of what CloudFormation resolves at deploy time.
const (
	hmacSecretARN   = "arn:aws:secretsmanager:us-east-1:123456789012:secret:HmacKey-AbCdEf"
	originSecretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:OriginSecret-AbCdEf"
	portalURL       = "https://d111111abcdef8.cloudfront.net"
)

// stackEnv is the Environment the stack gives f (infra/functions.go; infra's cold-start test holds the real
// one to what each function needs), with stand-in values. hello-world gets none.
func stackEnv(f route.Function) []string {
	if f.Name == "" {
		return nil
	}
	env := []string{
		"PH_ENV=aws",
		"TABLE_NAME=partnerhub-bench",
		"MAIL_FROM=PartnerHub <no-reply@example.com>",
		"SES_CONFIGURATION_SET=partnerhub-bench",
		"PORTAL_URL=" + portalURL,
		"LOG_LEVEL=info",
	}
	if f.NeedsKey {
		env = append(env, "HMAC_SECRET_ARN="+hmacSecretARN)
	}
	if f.Trigger == route.HTTP {
		env = append(env, "ORIGIN_SECRET_ARN="+originSecretARN)
	}
	if f.PublishesEvents { // the lifecycle-events function refuses to start without its bus
		env = append(env, "EVENT_BUS_NAME=partnerhub-bench")
	}
	return env
}

// secrets are the stand-in secrets' values: the HMAC key hex-encoded, as the stack generates it.
var secrets = map[string]string{
	hmacSecretARN:   strings.Repeat("0123456789abcdef", 4),
	originSecretARN: "stand-in-origin-secret",
}
