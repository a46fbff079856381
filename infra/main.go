// Command infra is PartnerHub's CDK app. `make synth` and `make deploy` run it through the CDK CLI (cdk.json:
// "go run ./infra").
//
// Settings come from an environment variable if set, else from CDK context (cdk.json, or -c key=value):
//
//	PH_STAGE               partnerhub:stage              the deployment's stage: dev, staging, prod... (dev)
//	PH_STACK_NAME          partnerhub:stackName          CloudFormation stack name (PartnerHub-<stage>)
//	PH_DEPLOY              partnerhub:deploy             1 or true when the template is about to be deployed
//	PH_SENDER_DOMAIN       partnerhub:senderDomain       SES domain identity, e.g. mail.acme.io
//	PH_SENDER_EMAIL        partnerhub:senderEmail        From address (no-reply@<sender domain>)
//	PH_SENDER_NAME         partnerhub:senderName         From display name (PartnerHub)
//	PH_MAIL_FROM_DOMAIN    partnerhub:mailFromDomain     the sender domain's MAIL FROM domain (bounce.<sender domain>)
//	PH_HOSTED_ZONE_ID      partnerhub:hostedZoneId       optional Route 53 public zone holding the sender domain:
//	PH_HOSTED_ZONE_NAME    partnerhub:hostedZoneName     the stack then publishes its DKIM and MAIL FROM records
//	PH_SES_SANDBOX         partnerhub:sesSandbox         true while the account is in the SES sandbox (false)
//	PH_PORTAL_DOMAIN       partnerhub:portalDomain       optional custom domain of the portal
//	PH_PORTAL_CERT_ARN     partnerhub:portalCertArn      its ACM certificate, in us-east-1
//	PH_API_DOMAIN          partnerhub:apiDomain          optional custom domain of the API, the distribution's origin
//	PH_API_CERT_ARN        partnerhub:apiCertArn         its ACM certificate, in the stack's region
//	PH_ALARM_EMAIL         partnerhub:alarmEmail         required: the address subscribed to the alarms
//	PH_LOG_LEVEL           partnerhub:logLevel           functions' LOG_LEVEL (info)
//	PH_ASSET_DIR           partnerhub:assetDir           where make build wrote <function>/bootstrap (build)
//	PH_WEB_DIR             partnerhub:webDir             the web client (web)
//
// The alarm email has no default: the app refuses to synthesize without one, so no deploy has alarms that reach
// no one. Only the make targets that deploy nothing (synth, bootstrap, destroy) stand in alarms@example.com when
// PH_ALARM_EMAIL is unset, and no-reply@example.com when no sender is set. `make deploy` sets PH_DEPLOY=1, under
// which the app refuses those placeholders and any sender or alarm address at a placeholder domain (example.com,
// .test, localhost...), before CloudFormation creates anything.
//
// Each stage is its own stack, PartnerHub-<stage>, so stages deploy side by side in one account; prod has
// termination protection.
//
// The account and region are those of the CLI's credentials (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION). A stack
// outside us-east-1 comes with a companion stack, PartnerHub-<stage>-edge, in us-east-1: the portal
// distribution's web ACL can live nowhere else (waf.go). Without credentials (make synth) the region is unknown
// and the web ACL is in the stack itself; make deploy refuses to run without a known account and region.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "infra:", err)
		os.Exit(2)
	}
}

func run() error {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	setting := func(env, key, fallback string) string {
		if v := os.Getenv(env); v != "" {
			return v
		}
		if v, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok && v != "" {
			return v
		}
		return fallback
	}
	stage := setting("PH_STAGE", "partnerhub:stage", DefaultStage)
	deploy := setting("PH_DEPLOY", "partnerhub:deploy", "")
	props := &StackProps{
		StackProps: awscdk.StackProps{
			StackName:   jsii.String(setting("PH_STACK_NAME", "partnerhub:stackName", StackName(stage))),
			Description: jsii.String("PartnerHub (" + stage + "): partner onboarding and delegated access"),
			Env:         env(),
		},
		Stage:                stage,
		Deploy:               deploy == "1" || deploy == "true",
		AssetDir:             setting("PH_ASSET_DIR", "partnerhub:assetDir", "build"),
		WebDir:               setting("PH_WEB_DIR", "partnerhub:webDir", "web"),
		SenderDomain:         setting("PH_SENDER_DOMAIN", "partnerhub:senderDomain", ""),
		SenderEmail:          setting("PH_SENDER_EMAIL", "partnerhub:senderEmail", ""),
		SenderName:           setting("PH_SENDER_NAME", "partnerhub:senderName", ""),
		MailFromDomain:       setting("PH_MAIL_FROM_DOMAIN", "partnerhub:mailFromDomain", ""),
		HostedZoneID:         setting("PH_HOSTED_ZONE_ID", "partnerhub:hostedZoneId", ""),
		HostedZoneName:       setting("PH_HOSTED_ZONE_NAME", "partnerhub:hostedZoneName", ""),
		SESSandbox:           setting("PH_SES_SANDBOX", "partnerhub:sesSandbox", "false") == "true",
		PortalDomain:         setting("PH_PORTAL_DOMAIN", "partnerhub:portalDomain", ""),
		PortalCertificateARN: setting("PH_PORTAL_CERT_ARN", "partnerhub:portalCertArn", ""),
		APIDomain:            setting("PH_API_DOMAIN", "partnerhub:apiDomain", ""),
		APICertificateARN:    setting("PH_API_CERT_ARN", "partnerhub:apiCertArn", ""),
		AlarmEmail:           setting("PH_ALARM_EMAIL", "partnerhub:alarmEmail", ""),
		LogLevel:             setting("PH_LOG_LEVEL", "partnerhub:logLevel", "info"),
	}
	if err := props.validate(); err != nil {
		return err
	}
	if err := checkDeployEnv(props); err != nil {
		return err
	}
	if err := checkBuild(props.AssetDir); err != nil {
		return err
	}
	// The construct id is the stack name too: it names the template in cdk.out and the stack on the CLI
	// (cdk deploy PartnerHub-staging).
	NewPartnerHubStack(app, *props.StackName, props)
	app.Synth(nil)
	return nil
}

// checkDeployEnv refuses a deploy whose account and region are unknown: an environment-agnostic template would
// put the CloudFront web ACL in whatever region it is deployed to, and WAF accepts one only in us-east-1 (waf.go).
func checkDeployEnv(p *StackProps) error {
	if p.Deploy && (p.Env == nil || p.Env.Region == nil || p.Env.Account == nil) {
		return fmt.Errorf("deploy: the account and region of your AWS credentials are unknown (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION): configure a profile with a region, or set AWS_REGION")
	}
	return nil
}

// env pins the stack to the CLI's account and region when they are known, so region-specific values resolve at
// synth time; without credentials the stack stays environment-agnostic and `cdk synth` still works.
func env() *awscdk.Environment {
	account, region := os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION")
	if account == "" || region == "" {
		return nil
	}
	return &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
}
