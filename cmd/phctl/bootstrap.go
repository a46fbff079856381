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

// defaultStage is the stage phctl works on when neither --stage nor PH_STAGE names one: infra's DefaultStage.
const defaultStage = "dev"

// stackName is the CloudFormation stack of a stage, as infra's StackName names it.
func stackName(stage string) string { return "PartnerHub-" + stage }

// bootstrapCmd runs phctl bootstrap. In AWS it invokes the stage's bootstrap function with the operator's own
// credentials; locally (PH_ENV=local) it runs that function's handler in this process against the local table.
// Either way the same handler runs the same use case, and its answer is printed the same way.
func bootstrapCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("phctl bootstrap", flag.ContinueOnError)
	flags.SetOutput(stderr)
	email := flags.String("email", "", "the first super administrator's email address (required in AWS; locally "+onboarding.DefaultAdminEmail+")")
	adminName := flags.String("admin-name", "", "the first super administrator's name (default "+onboarding.DefaultAdminName+")")
	name := flags.String("name", "", "the provider account's company name (default "+onboarding.DefaultProviderName+")")
	stage := flags.String("stage", or(os.Getenv("PH_STAGE"), defaultStage), "the stage whose stack names the function (PH_STAGE)")
	function := flags.String("function", "", "the bootstrap function's name or ARN, instead of the stack's "+route.BootstrapOutput+" output")
	profile := flags.String("profile", "", "the AWS profile whose credentials and region to use (default: AWS_PROFILE, else the default profile)")
	region := flags.String("region", "", "the AWS region (default: AWS_REGION, else the profile's)")
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "phctl bootstrap: unexpected arguments %q\n", flags.Args())
		return exitUsage
	}
	ev := bootstrap.Event{Email: *email, AdminName: *adminName, Name: *name}

	var (
		res bootstrap.Result
		err error
	)
	if os.Getenv("PH_ENV") == "local" {
		if ev.Email == "" {
			ev.Email = onboarding.DefaultAdminEmail
		}
		res, err = bootstrapLocally(ctx, ev)
	} else {
		if ev.Email == "" {
			fmt.Fprintln(stderr, "phctl bootstrap: --email is required: the first administrator's address, who gets the activation link")
			return exitUsage
		}
		res, err = bootstrapInAWS(ctx, remote{stage: *stage, function: *function, profile: *profile, region: *region}, ev)
	}
	if err == nil && res.Problem != nil {
		err = problemError(*res.Problem)
	}
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
	name := stackName(stage)
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
