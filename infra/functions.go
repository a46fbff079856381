package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// FunctionTag is the tag key that names the route.Function a Lambda function (and its role) was built from.
const FunctionTag = "partnerhub:function"

// backend is what every function is wired to.
type backend struct {
	table awsdynamodb.Table
	key   awssecretsmanager.Secret
	// originSecret is what the distribution adds to API requests; HTTP functions read it to trust the viewer
	// address CloudFront forwards.
	originSecret awssecretsmanager.Secret
	mail         *mail
	portal       string
	logLevel     string
	// events is the lifecycle events' bus, for the functions that publish (route.Function.PublishesEvents).
	events *bus
}

// memoryMB is every function's memory. Lambda gives CPU in proportion; 256 MB runs an Argon2id hash (19 MiB)
// well within the API timeout.
const memoryMB = 256

// newFunctions creates one Lambda function per route.Functions entry, keyed by name.
func newFunctions(stack awscdk.Stack, props *StackProps, b *backend) map[string]awslambda.Function {
	fns := make(map[string]awslambda.Function, len(route.Functions))
	for _, f := range route.Functions {
		fns[f.Name] = newFunction(stack, props.AssetDir, f, b)
	}
	return fns
}

// checkBuild reports every function of route.Functions whose bootstrap is missing from assetDir, so a synth
// before `make build` (or before a new function has its folder under functions/) fails with one clear message.
func checkBuild(assetDir string) error {
	var missing []string
	for _, f := range route.Functions {
		if _, err := os.Stat(filepath.Join(assetDir, f.Name, "bootstrap")); err != nil {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no bootstrap in %s for %s: run make build (each function needs functions/<name>/main.go)",
			assetDir, strings.Join(missing, ", "))
	}
	return nil
}

// newFunction creates one function: arm64 provided.al2023 running the bootstrap that `make build` wrote, traced,
// logging to its own log group, with exactly the permissions its route.Function entry lists.
func newFunction(stack awscdk.Stack, assetDir string, f route.Function, b *backend) awslambda.Function {
	code := filepath.Join(assetDir, f.Name)
	if _, err := os.Stat(filepath.Join(code, "bootstrap")); err != nil {
		panic(fmt.Sprintf("function %s: %v (run make build)", f.Name, err))
	}
	id := pascal(f.Name)
	logs := awslogs.NewLogGroup(stack, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	env := map[string]*string{
		"PH_ENV":                jsii.String("aws"),
		"TABLE_NAME":            b.table.TableName(),
		"MAIL_FROM":             jsii.String(b.mail.from),
		"SES_CONFIGURATION_SET": b.mail.set.ConfigurationSetName(),
		"PORTAL_URL":            jsii.String(b.portal),
		"LOG_LEVEL":             jsii.String(or(b.logLevel, "info")),
	}
	if f.NeedsKey {
		env["HMAC_SECRET_ARN"] = b.key.SecretArn()
	}
	if f.Trigger == route.HTTP {
		env["ORIGIN_SECRET_ARN"] = b.originSecret.SecretArn()
	}
	if f.PublishesEvents {
		env["EVENT_BUS_NAME"] = b.events.bus.EventBusName()
		env["EVENT_SOURCE"] = jsii.String(b.events.source)
	}
	role := newFunctionRole(stack, id, f, logs, b.table)
	props := &awslambda.FunctionProps{
		Role:         role,
		Description:  jsii.String(f.Description),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(code), nil),
		MemorySize:   jsii.Number(memoryMB),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(f.Trigger.Timeout().Seconds())), // route.Trigger says why
		Tracing:      awslambda.Tracing_ACTIVE,
		LogGroup:     logs,
		// JSON lines as the functions write them (slog's JSON, with traceId and awsRequestId, and the EMF metric
		// lines), kept as written: Logs Insights reads their fields, CloudWatch the metrics.
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: applicationLogLevel(or(b.logLevel, "info")),
		Environment:           &env,
	}
	if f.Trigger == route.Schedule {
		// Invoked asynchronously by EventBridge: a failed run is not retried, the next run does the work.
		props.RetryAttempts = jsii.Number(0)
	}
	fn := awslambda.NewFunction(stack, jsii.String(id), props)
	awscdk.Tags_Of(fn).Add(jsii.String(FunctionTag), jsii.String(f.Name), nil)
	awscdk.Tags_Of(role).Add(jsii.String(FunctionTag), jsii.String(f.Name), nil)
	grant(stack, fn, f, b)
	return fn
}

// newFunctionRole creates a function's role with no managed policy: instead of AWSLambdaBasicExecutionRole,
// which lets a function create any log group and write to all of them, it may write to its own log group only.
// grant and the function's tracing and event sources add the rest to its default policy.
func newFunctionRole(stack awscdk.Stack, id string, f route.Function, logs awslogs.LogGroup, data awsdynamodb.Table) awsiam.Role {
	role := awsiam.NewRole(stack, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Runs the " + f.Name + " function"),
	})
	// logs:CreateLogStream and logs:PutLogEvents on the group and its streams. This creates the role's default
	// policy, which the waiver below then covers; later grants only add statements to it.
	logs.GrantWrite(role)
	wildcards := []string{
		"X-Ray's PutTraceSegments and PutTelemetryRecords (active tracing) have no resource-level permissions, so IAM grants them on * only",
	}
	findings := []any{"Resource::*"}
	if len(f.TableActions) > 0 {
		findings = append(findings, "Resource::<"+logicalID(stack, data)+".Arn>/index/*")
		wildcards = append(wildcards, "index/* is this table's own global secondary indexes (table.Main.Indexes), with the same actions as on the table")
	}
	if f.SendsSMS {
		wildcards = append(wildcards, "sns:Publish to a phone number (the SMS one-time codes) has no resource ARN and is authorized on * only; the function publishes to no topic")
	}
	if f.Trigger == route.Rotation {
		wildcards = append(wildcards, "secretsmanager:GetRandomPassword, which CDK's rotation schedule grants every rotation function, has no resource-level permissions; this function makes its keys with crypto/rand and never calls it")
	}
	if f.Trigger == route.Stream {
		wildcards = append(wildcards, "dynamodb:ListStreams, which the stream event source mapping adds, has no resource-level permissions")
	}
	waive(role, waiver{rule: "IAM5", findings: findings, reason: strings.Join(wildcards, "; ") + "."})
	return role
}

// grant gives the function exactly what its route.Function entry lists, as explicit statements: the table
// actions on the table and its indexes (never a grant helper, which would add Scan or a wildcard), ses:SendEmail
// for the mailer, and reading the HMAC key for the functions that hash or derive tokens.
func grant(stack awscdk.Stack, fn awslambda.Function, f route.Function, b *backend) {
	if len(f.TableActions) > 0 {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings(f.TableActions...),
			Resources: &[]*string{b.table.TableArn(), jsii.String(*b.table.TableArn() + "/index/*")},
		}))
	}
	if f.SendsEmail {
		// SESv2 SendEmail with simple (HTML + text) content is authorized as ses:SendEmail alone.
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("ses:SendEmail"),
			Resources: &b.mail.sendARNs,
		}))
		if b.mail.sandbox {
			waive(fn.Role(), waiver{
				rule:     "IAM5",
				findings: []any{&cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::arn:.+:ses:.+:identity\/\*$/g`)}},
				reason:   "SESSandbox is set: in the SES sandbox, SES authorizes ses:SendEmail against each recipient's verified identity too, which the stack cannot name.",
			})
		}
	}
	if f.SendsSMS {
		// A publish to a phone number has no resource ARN: IAM authorises it on "*" only. The action stays
		// sns:Publish alone, and the function publishes to no topic.
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("sns:Publish"),
			Resources: jsii.Strings("*"),
		}))
	}
	if f.NeedsKey {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
			Resources: &[]*string{b.key.SecretArn()},
		}))
	}
	if f.Trigger == route.HTTP {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
			Resources: &[]*string{b.originSecret.SecretArn()},
		}))
	}
	if f.PublishesEvents {
		// PutEvents on the stack's bus only: never the account's default bus or another stage's.
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("events:PutEvents"),
			Resources: &[]*string{b.events.bus.EventBusArn()},
		}))
	}
}

// pascal turns a function name into a construct id: "invitation-email" becomes "InvitationEmail".
func pascal(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}
