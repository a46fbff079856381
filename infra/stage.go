package main

import (
	"fmt"
	netmail "net/mail"
	"regexp"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// DefaultStage is the stage of a stack whose settings name none: a developer's own deployment.
const DefaultStage = route.DefaultStage

// ProdStage is the stage whose stack has termination protection: deleting it takes a deliberate console or CLI
// step before `make destroy` can do anything.
const ProdStage = "prod"

// stagePattern keeps a stage usable inside a CloudFormation stack name (letters, digits, hyphens, starting with a
// letter) and short enough that the names CloudFormation derives from the stack name stay readable.
var stagePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)

// StackName is the CloudFormation stack name of a stage. The stack names only the dashboard, the API and the web
// ACL's log group (aws-waf-logs-<stack name>) explicitly, all after the stack name, and CloudFormation derives every other physical name from the stack
// name, so stages side by side in one account do not collide (but for the SES identity: docs/deploy.md).
func StackName(stage string) string {
	return route.StackName(stage)
}

// stageOf is the stage of props, DefaultStage when none is set.
func stageOf(p *StackProps) string {
	if p.Stage == "" {
		return DefaultStage
	}
	return p.Stage
}

func checkStage(stage string) error {
	if stage != "" && !stagePattern.MatchString(stage) {
		return fmt.Errorf("stage %q (PH_STAGE or partnerhub:stage) must be 1 to 16 lowercase letters, digits or hyphens, starting with a letter", stage)
	}
	return nil
}

// placeholderDomains are the domains that never receive mail: the documentation domains of RFC 2606 and the
// special-use names of RFC 6761, with their subdomains. A deploy that sent from one, or sent its alarms to one,
// would look fine and reach no one.
var placeholderDomains = []string{"example.com", "example.org", "example.net", "example", "test", "invalid", "localhost", "local"}

// isPlaceholderDomain reports whether domain is one of placeholderDomains or below one.
func isPlaceholderDomain(domain string) bool {
	domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	for _, p := range placeholderDomains {
		if domain == p || strings.HasSuffix(domain, "."+p) {
			return true
		}
	}
	return false
}

// domainOf is the domain part of an address, "" when it has none.
func domainOf(address string) string {
	if a, err := netmail.ParseAddress(address); err == nil {
		address = a.Address
	}
	if i := strings.LastIndex(address, "@"); i >= 0 {
		return address[i+1:]
	}
	return ""
}

// checkDeploy holds a stack about to be deployed (StackProps.Deploy) to settings that reach real people: a
// sender and an alarm address, neither at a placeholder domain. `make synth` writes a template with placeholders
// and deploys nothing; `make deploy` sets PH_DEPLOY=1, so the app refuses them before CloudFormation creates
// anything. validate has already required a sender.
func checkDeploy(p *StackProps) error {
	if p.SenderDomain != "" && isPlaceholderDomain(p.SenderDomain) {
		return fmt.Errorf("deploy: sender domain %q is a placeholder that receives no mail: set PH_SENDER_DOMAIN to a domain you own", p.SenderDomain)
	}
	if d := domainOf(p.senderAddress()); isPlaceholderDomain(d) {
		return fmt.Errorf("deploy: sender email %q is at a placeholder domain: set PH_SENDER_EMAIL (or PH_SENDER_DOMAIN) to an address of a domain you own", p.senderAddress())
	}
	if p.AlarmEmail == "" {
		return errNoAlarmEmail
	}
	if d := domainOf(p.AlarmEmail); isPlaceholderDomain(d) {
		return fmt.Errorf("deploy: alarm email %q is at a placeholder domain: set PH_ALARM_EMAIL to an address someone reads", p.AlarmEmail)
	}
	return nil
}
