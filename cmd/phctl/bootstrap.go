package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/app/bootstrap"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// operatorFlags are the flags of the commands that run in the stage's bootstrap function: where to find it, and
// with which AWS settings.
func operatorFlags(flags *flag.FlagSet) *remote {
	r := &remote{}
	flags.StringVar(&r.stage, "stage", or(os.Getenv("PH_STAGE"), route.DefaultStage), "the stage whose stack names the function (PH_STAGE)")
	flags.StringVar(&r.function, "function", "", "the bootstrap function's name or ARN, instead of the stack's "+route.BootstrapOutput+" output")
	flags.StringVar(&r.profile, "profile", "", "the AWS profile whose credentials and region to use (default: AWS_PROFILE, else the default profile)")
	flags.StringVar(&r.region, "region", "", "the AWS region (default: AWS_REGION, else the profile's)")
	return r
}

// parseOperator parses an operator command's flags; false means it has already said why not.
func parseOperator(flags *flag.FlagSet, args []string, stderr io.Writer) bool {
	if err := flags.Parse(args); err != nil {
		return false
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments %q\n", flags.Name(), flags.Args())
		return false
	}
	return true
}

// runOperator runs ev in the bootstrap function: invoked in AWS with the operator's own credentials, or locally
// (PH_ENV=local) its handler in this process against the local table. Either way the same handler runs the same
// use case. A refusal (the function's problem document) is an error.
func runOperator(ctx context.Context, r *remote, ev bootstrap.Event) (bootstrap.Result, error) {
	var (
		res bootstrap.Result
		err error
	)
	if os.Getenv("PH_ENV") == "local" {
		res, err = bootstrapLocally(ctx, ev)
	} else {
		res, err = bootstrapInAWS(ctx, *r, ev)
	}
	if err == nil && res.Problem != nil {
		err = problemError(*res.Problem)
	}
	return res, err
}

// bootstrapCmd runs phctl bootstrap (see runOperator).
func bootstrapCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("phctl bootstrap", flag.ContinueOnError)
	flags.SetOutput(stderr)
	email := flags.String("email", "", "the first super administrator's email address (required in AWS; locally "+onboarding.DefaultAdminEmail+")")
	adminName := flags.String("admin-name", "", "the first super administrator's name (default "+onboarding.DefaultAdminName+")")
	name := flags.String("name", "", "the provider account's company name (default "+onboarding.DefaultProviderName+")")
	r := operatorFlags(flags)
	if !parseOperator(flags, args, stderr) {
		return exitUsage
	}
	ev := bootstrap.Event{Action: bootstrap.ActionBootstrap, Email: *email, AdminName: *adminName, Name: *name}
	if ev.Email == "" {
		if os.Getenv("PH_ENV") != "local" {
			fmt.Fprintln(stderr, "phctl bootstrap: --email is required: the first administrator's address, who gets the activation link")
			return exitUsage
		}
		ev.Email = onboarding.DefaultAdminEmail
	}
	res, err := runOperator(ctx, r, ev)
	if err != nil {
		fmt.Fprintln(stderr, "phctl bootstrap:", err)
		return exitFail
	}
	if !res.Created {
		fmt.Fprintf(stdout, "already bootstrapped: provider account %s, first super administrator user %s; nothing changed\n", res.AccountID, res.UserID)
		return exitOK
	}
	fmt.Fprintf(stdout, "bootstrapped: provider account %s (%s), super administrator %s (user %s); the activation email is queued\n",
		res.AccountID, or(ev.Name, onboarding.DefaultProviderName), ev.Email, res.UserID)
	return exitOK
}

// resendCmd runs phctl resend-activation in the bootstrap function (see runOperator): a new activation link for
// an invited user, the old one void. It prints the outcome and fails when nothing was sent.
func resendCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("phctl resend-activation", flag.ContinueOnError)
	flags.SetOutput(stderr)
	email := flags.String("email", "", "the invited user's email address")
	r := operatorFlags(flags)
	if !parseOperator(flags, args, stderr) {
		return exitUsage
	}
	if *email == "" {
		fmt.Fprintln(stderr, "phctl resend-activation: --email is required")
		return exitUsage
	}
	res, err := runOperator(ctx, r, bootstrap.Event{Action: bootstrap.ActionResendActivation, Email: *email})
	if err != nil {
		fmt.Fprintln(stderr, "phctl resend-activation:", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: %s\n", *email, res.Status)
	if res.Status != onboarding.ResendSent {
		fmt.Fprintf(stderr, "phctl resend-activation: no activation email was sent (%s)\n", res.Status)
		return exitFail
	}
	return exitOK
}

// bootstrapLocally runs the bootstrap function's handler in this process, on the local stack's table.
func bootstrapLocally(ctx context.Context, ev bootstrap.Event) (bootstrap.Result, error) {
	cfg, err := app.FromEnv()
	if err != nil {
		return bootstrap.Result{}, err
	}
	a, err := all.New(ctx, cfg)
	if err != nil {
		return bootstrap.Result{}, err
	}
	h, err := a.BootstrapHandler()
	if err != nil {
		return bootstrap.Result{}, err
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return bootstrap.Result{}, err
	}
	return h(ctx, payload)
}

// remote says where the bootstrap function is and with which AWS settings to reach it.
type remote struct {
	stage, function string
	profile, region string
}

// stacks is the CloudFormation call phctl makes: reading the stage's outputs.
type stacks interface {
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
}

// invoker is the Lambda call phctl makes.
type invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

var (
	_ stacks  = (*cloudformation.Client)(nil)
	_ invoker = (*lambda.Client)(nil)
)

// bootstrapInAWS invokes the stage's bootstrap function with the operator's credentials. The SDK's default
// configuration applies: the profile (--profile, else AWS_PROFILE) gives the credentials and the region, which
// --region or AWS_REGION override. phctl never reads the HMAC key nor touches the table: the function does, in AWS.
func bootstrapInAWS(ctx context.Context, r remote, ev bootstrap.Event) (bootstrap.Result, error) {
	cfg, err := loadAWS(ctx, r.profile, r.region)
	if err != nil {
		return bootstrap.Result{}, err
	}
	fn := r.function
	if fn == "" {
		if fn, err = bootstrapFunction(ctx, cloudformation.NewFromConfig(cfg), r.stage); err != nil {
			return bootstrap.Result{}, err
		}
	}
	return invokeBootstrap(ctx, lambda.NewFromConfig(cfg), fn, ev)
}

// loadAWS loads the SDK's default configuration for the operator: a profile's credentials (SSO included) and
// region, overridden by an explicit region.
func loadAWS(ctx context.Context, profile, region string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: pass --region, set AWS_REGION, or give the profile a region")
	}
	return cfg, nil
}

// bootstrapFunction reads the bootstrap function's name from the stage's stack outputs.
func bootstrapFunction(ctx context.Context, cfn stacks, stage string) (string, error) {
	name := route.StackName(stage)
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("read the outputs of stack %s (stage %s; --stage or PH_STAGE): %w", name, stage, err)
	}
	for _, s := range out.Stacks {
		for _, o := range s.Outputs {
			if aws.ToString(o.OutputKey) == route.BootstrapOutput && aws.ToString(o.OutputValue) != "" {
				return aws.ToString(o.OutputValue), nil
			}
		}
	}
	return "", fmt.Errorf("stack %s has no %s output: deploy this version of PartnerHub to stage %s first (make deploy)", name, route.BootstrapOutput, stage)
}

// invokeBootstrap invokes the function and waits for its answer. A repeated invoke is safe (the use case is
// idempotent), so the SDK's retries of a throttled or failed call are too.
func invokeBootstrap(ctx context.Context, fn invoker, function string, ev bootstrap.Event) (bootstrap.Result, error) {
	payload, err := json.Marshal(ev)
	if err != nil {
		return bootstrap.Result{}, err
	}
	out, err := fn.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(function),
		InvocationType: lambdatypes.InvocationTypeRequestResponse,
		Payload:        payload,
	})
	if err != nil {
		return bootstrap.Result{}, fmt.Errorf("invoke %s: %w", function, err)
	}
	if out.FunctionError != nil {
		var failed struct {
			Message string `json:"errorMessage"`
		}
		_ = json.Unmarshal(out.Payload, &failed) // an answer that is not Lambda's error shape leaves the message empty
		return bootstrap.Result{}, fmt.Errorf("the bootstrap function %s failed (%s): %s; its log group has the cause",
			function, aws.ToString(out.FunctionError), or(failed.Message, "no message"))
	}
	var res bootstrap.Result
	if err := json.Unmarshal(out.Payload, &res); err != nil {
		return bootstrap.Result{}, fmt.Errorf("the bootstrap function %s answered what phctl does not read: %w", function, err)
	}
	return res, nil
}

// problemError is a refused bootstrap as the operator reads it: the problem's detail (or title) and each invalid
// field, "email: invalid_email (...)".
func problemError(p problem.Document) error {
	msg := or(p.Detail, p.Title)
	var fields []string
	for _, f := range p.Errors {
		fields = append(fields, fmt.Sprintf("%s: %s (%s)", f.Field, f.Code, f.Detail))
	}
	if len(fields) > 0 {
		msg += " " + strings.Join(fields, "; ")
	}
	return errors.New(msg)
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}
