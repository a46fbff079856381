package main

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// StackProps configures the PartnerHub stack.
type StackProps struct {
	awscdk.StackProps
	// Stage names the deployment, e.g. staging or prod. Empty: DefaultStage. Without a StackName in StackProps,
	// the stack is named StackName(Stage), so stages deploy side by side in one account; ProdStage also gets
	// termination protection.
	Stage string
	// Deploy says the template is about to be deployed (make deploy sets PH_DEPLOY=1): placeholder settings that
	// a plain synthesis accepts are then refused (checkDeploy).
	Deploy bool
	// AssetDir holds one folder per function with its bootstrap binary, as `make build` writes them:
	// AssetDir/<function>/bootstrap.
	AssetDir string
	// WebDir is the browser client copied to the portal bucket. Empty, missing or without files: nothing is
	// deployed to the bucket.
	WebDir string
	// SenderDomain is the SES domain identity, e.g. example.com. Empty: SenderEmail is verified on its own.
	SenderDomain string
	// SenderEmail is the From address of every email, e.g. no-reply@example.com. Empty: no-reply@SenderDomain.
	SenderEmail string
	// SenderName is the display name in the From header. Empty: PartnerHub.
	SenderName string
	// MailFromDomain is the sender domain identity's MAIL FROM domain, a subdomain of SenderDomain that receives
	// no mail. Empty: bounce.<SenderDomain>. Unused without a SenderDomain.
	MailFromDomain string
	// HostedZoneID and HostedZoneName name an optional Route 53 public hosted zone that holds SenderDomain: the
	// stack then publishes the DKIM and MAIL FROM records itself. Empty: they are outputs to publish by hand.
	HostedZoneID   string
	HostedZoneName string
	// SESSandbox is for an account still in the SES sandbox, where SES also authorizes the sending function
	// against each recipient's verified identity: the mailer may then send through every identity of the
	// account in the region, not only the sender's. Leave it off once the account has production access.
	SESSandbox bool
	// PortalDomain is an optional custom domain for the portal, e.g. portal.example.com. It needs
	// PortalCertificateARN, an ACM certificate in us-east-1 that covers it; its DNS record is not managed here.
	PortalDomain         string
	PortalCertificateARN string
	// APIDomain is an optional custom domain of the HTTP API, e.g. api.portal.example.com, which the portal's
	// distribution then uses as the origin of /v1/*, so the API's execute-api endpoint can be switched off
	// (DisableExecuteApiEndpoint needs another way in). It needs APICertificateARN, an ACM certificate in the
	// stack's own region that covers it; its DNS record (a CNAME to the ApiDomainTarget output) is not managed here.
	APIDomain         string
	APICertificateARN string
	// AlarmEmail is subscribed to the alarm topic. Required: an alarm that reaches no one is not an alarm.
	AlarmEmail string
	// LogLevel is the functions' LOG_LEVEL. Empty: info.
	LogLevel string
	// ThrottleRate and ThrottleBurst are the API's steady-state requests per second and burst. Zero: 50 and 100.
	ThrottleRate  float64
	ThrottleBurst float64
}

// From is the MAIL_FROM header value, "Name <address>".
func (p *StackProps) From() string {
	name := p.SenderName
	if name == "" {
		name = "PartnerHub"
	}
	return fmt.Sprintf("%s <%s>", name, p.senderAddress())
}

func (p *StackProps) senderAddress() string {
	if p.SenderEmail != "" {
		return p.SenderEmail
	}
	return "no-reply@" + p.SenderDomain
}

func (p *StackProps) validate() error {
	switch {
	case p.AssetDir == "":
		return fmt.Errorf("AssetDir is required (run make build; it writes build/<function>/bootstrap)")
	case p.SenderDomain == "" && p.SenderEmail == "":
		return fmt.Errorf("set a sender for SES: PH_SENDER_DOMAIN (e.g. mail.acme.io) or PH_SENDER_EMAIL (context partnerhub:senderDomain, partnerhub:senderEmail)")
	case p.SenderEmail != "" && !strings.Contains(p.SenderEmail, "@"):
		return fmt.Errorf("sender email %q is not an address", p.SenderEmail)
	case p.SenderDomain != "" && p.SenderEmail != "" && !strings.HasSuffix(p.SenderEmail, "@"+p.SenderDomain):
		return fmt.Errorf("sender email %q is not in the sender domain %q", p.SenderEmail, p.SenderDomain)
	case (p.PortalDomain == "") != (p.PortalCertificateARN == ""):
		return fmt.Errorf("a portal domain needs its certificate ARN, and a certificate ARN its domain")
	case (p.HostedZoneID == "") != (p.HostedZoneName == ""):
		return fmt.Errorf("a hosted zone needs both its id and its name (PH_HOSTED_ZONE_ID, PH_HOSTED_ZONE_NAME)")
	case p.HostedZoneID != "" && p.SenderDomain == "":
		return fmt.Errorf("a hosted zone is for the sender domain's records: set PH_SENDER_DOMAIN too")
	case p.HostedZoneID != "" && !inDomain(p.SenderDomain, p.HostedZoneName):
		return fmt.Errorf("sender domain %q is not in the hosted zone %q", p.SenderDomain, p.HostedZoneName)
	case p.MailFromDomain != "" && (p.SenderDomain == "" || !strings.HasSuffix(p.MailFromDomain, "."+p.SenderDomain)):
		return fmt.Errorf("MAIL FROM domain %q must be a subdomain of the sender domain %q", p.MailFromDomain, p.SenderDomain)
	case (p.APIDomain == "") != (p.APICertificateARN == ""):
		return fmt.Errorf("an API domain (PH_API_DOMAIN) needs its regional certificate ARN (PH_API_CERT_ARN), and a certificate ARN its domain")
	}
	if err := checkStage(p.Stage); err != nil {
		return err
	}
	if p.Deploy {
		if err := checkDeploy(p); err != nil {
			return err
		}
	}
	return checkAlarmEmail(p.AlarmEmail)
}

// inDomain reports whether name is domain or below it, ignoring case and a trailing dot.
func inDomain(name, domain string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	return name == domain || strings.HasSuffix(name, "."+domain)
}

// NewPartnerHubStack builds the whole PartnerHub backend: the table, one function per route.Functions entry,
// the HTTP API with one route per route.Routes entry, the stream mapping and schedule, SES, the HMAC key, the
// portal on S3 and CloudFront (sharing one origin with the API) behind a WAF web ACL (newEdge: in this stack, or
// in a companion stack in us-east-1), the alarms and their dashboard (monitor), and outputs. It panics on invalid
// props, like every CDK construct.
func NewPartnerHubStack(scope constructs.Construct, id string, props *StackProps) awscdk.Stack {
	if props == nil {
		props = &StackProps{}
	}
	if err := props.validate(); err != nil {
		panic(fmt.Sprintf("PartnerHub stack: %v", err))
	}
	stack := awscdk.NewStack(scope, jsii.String(id), stageProps(props))

	data := newTable(stack)
	key := newHMACKey(stack)
	mail := newMail(stack, props)
	failures := newFailureQueue(stack)
	api := newAPI(stack, props)
	originSecret := newOriginSecret(stack)
	webACL := newEdge(scope, stack, props)
	portal := newPortal(stack, props, api, originSecret, webACL)
	events := newEventBus(stack, props)

	fns := newFunctions(stack, props, &backend{
		table:        data,
		key:          key,
		originSecret: originSecret,
		mail:         mail,
		portal:       portal.url,
		logLevel:     props.LogLevel,
		events:       events,
	})
	api.addRoutes(fns)
	subscribeStream(data, failures, fns)
	schedule(stack, fns)
	mailFeedback(stack, mail, failures, fns)
	rotateHMACKey(key, fns)
	monitor(stack, props.AlarmEmail, &watched{api: api, table: data, fns: fns, failures: failures})
	outputs(stack, api, portal, data, failures, mail, key)
	operatorOutputs(stack, fns)
	return stack
}

// stageProps are props' stack properties with the stage's defaults: the stack name StackName(stage) unless one
// is set, and termination protection for ProdStage.
func stageProps(props *StackProps) *awscdk.StackProps {
	sp := props.StackProps
	stage := stageOf(props)
	if sp.StackName == nil {
		sp.StackName = jsii.String(StackName(stage))
	}
	if stage == ProdStage {
		sp.TerminationProtection = jsii.Bool(true)
	}
	// The web ACL of a stack outside us-east-1 is in its edge stack, whose ARN it reads across regions.
	if needsEdgeStackFor(sp.Env) {
		sp.CrossRegionReferences = jsii.Bool(true)
	}
	return &sp
}

func outputs(stack awscdk.Stack, api *httpAPI, portal *portal, data awsdynamodb.Table, failures awssqs.Queue, mail *mail, key awssecretsmanager.Secret) {
	out := func(id, value, description string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{
			Value:       jsii.String(value),
			Description: jsii.String(description),
		})
	}
	if api.customDomain != nil {
		out("ApiUrl", "https://"+api.domain, "The HTTP API's custom domain (its execute-api endpoint is off); browsers use the portal URL, which serves /v1/* too")
		out("ApiDomainTarget", *api.customDomain.RegionalDomainName(), "Publish a CNAME record from the API domain to this name: the distribution reaches the API through it")
	} else {
		out("ApiUrl", *api.stage.Url(), "The HTTP API's own endpoint, which answers only requests that carry the distribution's origin secret; browsers use the portal URL, which serves /v1/* too")
	}
	out("PortalUrl", portal.url, "The portal and the API on one origin")
	out("TableName", *data.TableName(), "The DynamoDB table")
	out("FailureQueueUrl", *failures.QueueUrl(), "Stream records the mailer gave up on")
	out("HmacKeySecretArn", *key.SecretArn(), "The HMAC key of tokens and codes")
	for i, rec := range mail.dkim {
		out(fmt.Sprintf("DkimRecord%d", i+1), rec, "DKIM record to publish in the sender domain's DNS")
	}
	for i, rec := range mail.mailFrom {
		out(fmt.Sprintf("MailFromRecord%d", i+1), rec, "MAIL FROM record to publish in the sender domain's DNS")
	}
	if mail.dmarc != "" {
		out("DmarcRecord", mail.dmarc, "The DMARC record suggested for the sender domain (the stack never creates it)")
	}
}
