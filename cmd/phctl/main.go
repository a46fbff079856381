// Command phctl is the operator's command line for PartnerHub.
//
//	phctl bootstrap --email you@example.com [--admin-name NAME] [--name "PartnerHub"] [--stage dev] [--profile P] [--region R] [--function F]
//	phctl resend-activation --email admin@example.com [--stage dev] [--profile P] [--region R] [--function F]
//	phctl reindex
//	phctl relist
//
// bootstrap creates the provider account (named --name) and its first super administrator (--email,
// --admin-name), and queues that administrator's activation email. It is idempotent: once the platform has its
// provider account it changes nothing and says "already bootstrapped", so it is safe to run after every deploy.
//
// In AWS, bootstrap invokes the stage's bootstrap function (lambda:InvokeFunction), which runs the use case inside
// AWS: phctl never reads the HMAC key and never writes to the table. It finds the function in the outputs of the
// stage's stack, PartnerHub-<stage> (--stage, else PH_STAGE, else dev; cloudformation:DescribeStacks), unless
// --function names it. The AWS settings are the SDK's defaults: the profile (--profile, else AWS_PROFILE) gives
// the credentials, SSO included, and the region, which --region or AWS_REGION override.
//
//	phctl bootstrap --stage prod --profile ops --email you@example.com
//
// Locally (PH_ENV=local, the stack from `make dev` running), bootstrap runs the same function's handler in this
// process against the emulator, with admin@example.com unless --email names someone:
//
//	PH_ENV=local TABLE_NAME=<table> DYNAMODB_ENDPOINT=http://127.0.0.1:<port> go run ./cmd/phctl bootstrap
//
// resend-activation sends a new activation link to an invited user, on the operator's authority: it is how the
// first super administrator gets a new link when theirs expired (72 hours), since nobody can sign in yet to
// send one. The old link stops working. It runs in the same function as bootstrap, found and invoked the same
// way, so it needs no key either.
//
// reindex writes the search index's entries of every account and membership of the tree, from the provider
// down (indexer.Backfill): run it once after the first deploy of the search-index function onto a table that
// already holds accounts and users, whose entries the function never saw created. Running it again is harmless.
//
// relist puts every membership of the tree, from the provider down, in the user list's indexes
// (dynamo.Store.Relist): run it once after the deploys that add those indexes (gsi3 to gsi14) to a table that
// already holds users, whose memberships carry none of their keys until rewritten. It rewrites only memberships
// that are not in place, so running it again is harmless.
//
// reindex and relist work on the table from where phctl runs: they read the same environment as the functions
// (app.FromEnv: TABLE_NAME...), with the SDK's default credentials and region (AWS_PROFILE, AWS_REGION). They
// write index entries only, and neither reads the key.
//
// The activation email leaves through the outbox like every other email (the mailer function sends it); phctl
// never prints a link or a token.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/app/searchindex"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `usage:
  phctl bootstrap --email EMAIL [--admin-name NAME] [--name NAME] [--stage STAGE] [--profile PROFILE] [--region REGION] [--function NAME]
  phctl resend-activation --email EMAIL [--stage STAGE] [--profile PROFILE] [--region REGION] [--function NAME]
  phctl reindex
  phctl relist
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "bootstrap":
		return bootstrapCmd(ctx, args, stdout, stderr)
	case "resend-activation":
		return resendCmd(ctx, args, stdout, stderr)
	}
	flags := flag.NewFlagSet("phctl "+cmd, flag.ContinueOnError)
	flags.SetOutput(stderr)
	var doIndex func(*all.App) error // the search index, the user list's indexes
	switch cmd {
	case "reindex":
		doIndex = func(a *all.App) error {
			x, err := searchindex.New(a.App)
			if err != nil {
				return err
			}
			root, err := a.Store().ProviderID(ctx)
			if err != nil {
				return fmt.Errorf("find the provider account: %w", err)
			}
			filled, err := x.Backfill(ctx, a.Dynamo(), root)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "indexed %d accounts and %d memberships: %d search entries written\n", filled.Accounts, filled.Members, filled.Entries)
			return nil
		}
	case "relist":
		doIndex = func(a *all.App) error {
			root, err := a.Store().ProviderID(ctx)
			if err != nil {
				return fmt.Errorf("find the provider account: %w", err)
			}
			done, err := a.Store().Relist(ctx, root)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "listed %d of the %d memberships of %d accounts in the user list's indexes; the others were in place\n",
				done.Rewritten, done.Members, done.Accounts)
			return nil
		}
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "phctl: unknown command %q\n%s", cmd, usage)
		return exitUsage
	}
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	cfg, err := app.FromEnv()
	if err != nil {
		fmt.Fprintln(stderr, "phctl:", err)
		return exitUsage
	}
	var opts []app.Option
	if !cfg.Local() {
		// An operator's credentials come from wherever the SDK finds them (a profile, SSO), not only from the
		// environment as a function's do, and so does the region: the profile's, unless AWS_REGION is set
		// (app.New falls back to app.FromEnv's default when neither gives one).
		awsCfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "phctl:", err)
			return exitFail
		}
		opts = append(opts, app.WithAWS(awsCfg))
	}
	a, err := all.New(ctx, cfg, opts...)
	if err != nil {
		fmt.Fprintln(stderr, "phctl:", err)
		return exitFail
	}
	if err := doIndex(a); err != nil {
		fmt.Fprintln(stderr, "phctl "+cmd+":", err)
		return exitFail
	}
	return exitOK
}
