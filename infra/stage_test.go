package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// TestDeployRefusesPlaceholders: with the deploy flag (make deploy's PH_DEPLOY=1) a sender or alarm address that
// reaches no one is refused with an error that names the setting to change; the same settings still synthesize
// without it, as make synth does.
func TestDeployRefusesPlaceholders(t *testing.T) {
	t.Parallel()
	real := StackProps{AssetDir: "build", SenderDomain: "mail.acme.io", AlarmEmail: "ops@acme.io"}
	for name, tc := range map[string]struct {
		edit func(*StackProps)
		want string // in the error; "" for none
		// placeholder: a plain synthesis accepts what the deploy refuses.
		placeholder bool
	}{
		"case=real":               {func(*StackProps) {}, "", false},
		"case=real-email-only":    {func(p *StackProps) { p.SenderDomain, p.SenderEmail = "", "no-reply@acme.io" }, "", false},
		"case=sender-example.com": {func(p *StackProps) { p.SenderDomain = "example.com" }, "PH_SENDER_DOMAIN", true},
		"case=sender-sub.example": {func(p *StackProps) { p.SenderDomain = "mail.Example.ORG." }, "PH_SENDER_DOMAIN", true},
		"case=sender-dot-test":    {func(p *StackProps) { p.SenderDomain = "partnerhub.test" }, "PH_SENDER_DOMAIN", true},
		"case=sender-email":       {func(p *StackProps) { p.SenderDomain, p.SenderEmail = "", "no-reply@example.com" }, "PH_SENDER_EMAIL", true},
		"case=sender-localhost":   {func(p *StackProps) { p.SenderDomain, p.SenderEmail = "", "me@localhost" }, "PH_SENDER_EMAIL", true},
		"case=no-sender":          {func(p *StackProps) { p.SenderDomain = "" }, "PH_SENDER_DOMAIN", false},
		"case=no-alarm-email":     {func(p *StackProps) { p.AlarmEmail = "" }, "PH_ALARM_EMAIL", false},
		"case=alarm-placeholder":  {func(p *StackProps) { p.AlarmEmail = "alarms@example.com" }, "PH_ALARM_EMAIL", true},
		"case=alarm-dot-invalid":  {func(p *StackProps) { p.AlarmEmail = "ops@acme.invalid" }, "PH_ALARM_EMAIL", true},
		"case=lookalike-is-real":  {func(p *StackProps) { p.SenderDomain, p.AlarmEmail = "myexample.com", "ops@testing.io" }, "", false},
		"case=stage-not-a-name":   {func(p *StackProps) { p.Stage = "Prod_1" }, "PH_STAGE", false},
		"case=stage-staging":      {func(p *StackProps) { p.Stage = "staging" }, "", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := real
			p.Deploy = true
			tc.edit(&p)
			err := p.validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("validate() = %v, want an error naming %s", err, tc.want)
			}
			if p.Deploy = false; tc.placeholder && p.validate() != nil {
				t.Errorf("without the deploy flag validate() = %v, want the placeholder accepted", p.validate())
			}
		})
	}
}

// TestDeploySynthesisFails: the stack itself, not only validate, refuses a deploy with a placeholder sender, so
// `cdk deploy` stops at synthesis, before CloudFormation is called.
func TestDeploySynthesisFails(t *testing.T) {
	props := &StackProps{AssetDir: "build", SenderEmail: testSender, AlarmEmail: "ops@acme.io", Deploy: true}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "placeholder") {
			t.Errorf("NewPartnerHubStack with a placeholder sender for a deploy: %v, want a panic that says placeholder", r)
		}
	}()
	NewPartnerHubStack(awscdk.NewApp(nil), "PartnerHub", props)
}

func TestDeployWithoutAlarmEmail(t *testing.T) {
	t.Parallel()
	p := &StackProps{AssetDir: "build", SenderDomain: "mail.acme.io", Deploy: true}
	if err := p.validate(); !errors.Is(err, errNoAlarmEmail) {
		t.Errorf("validate() = %v, want errNoAlarmEmail", err)
	}
}

// namedProperties are the properties that give a resource an explicit physical name. CloudFormation derives every
// name the template leaves out from the stack name, so these are the only names two stages could both claim. An
// SES identity is named by the domain or address it verifies, once per account and region.
var namedProperties = []string{
	"TableName", "FunctionName", "RoleName", "ManagedPolicyName", "PolicyName", "QueueName", "TopicName", "BucketName",
	"LogGroupName", "DashboardName", "AlarmName", "Name", "ConfigurationSetName", "EmailIdentity", "AliasName",
	"ApiName", "ScheduleName", "RuleName",
}

// physicalNames lists the explicit names of a template's resources as "Type.Property=value". A name is a value
// made of literals and pseudo parameters only (a reference to another resource, as a permission's FunctionName,
// names nothing new); the stack's own name is resolved to stackName.
func physicalNames(doc *template, stackName string) []string {
	var names []string
	for _, r := range doc.Resources {
		for _, p := range namedProperties {
			if r.Type == "AWS::IAM::Policy" && p == "PolicyName" { // an inline policy's name is its role's alone
				continue
			}
			if v, ok := literal(r.Properties[p], stackName); ok {
				names = append(names, r.Type+"."+p+"="+v)
			}
		}
	}
	return names
}

// literal renders a template value made of strings, pseudo-parameter references and Fn::Join of those; ok is
// false for anything else (absent, or a reference to a resource).
func literal(v any, stackName string) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case map[string]any:
		if ref, ok := v["Ref"].(string); ok && strings.HasPrefix(ref, "AWS::") {
			if ref == "AWS::StackName" {
				return stackName, true
			}
			return "${" + ref + "}", true
		}
		join, ok := v["Fn::Join"].([]any)
		if !ok || len(join) != 2 {
			return "", false
		}
		sep, _ := join[0].(string)
		parts, _ := join[1].([]any)
		var out []string
		for _, part := range parts {
			s, ok := literal(part, stackName)
			if !ok {
				return "", false
			}
			out = append(out, s)
		}
		return strings.Join(out, sep), true
	}
	return "", false
}

// TestStagesSideBySide synthesizes a staging and a prod stack, as PH_STAGE=staging and PH_STAGE=prod would, and
// checks that their stack names and every explicit resource name differ, so both deploy into one account and
// region; prod alone has termination protection.
func TestStagesSideBySide(t *testing.T) {
	synth(t) // writes the function bootstraps and the web client under workDir
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(workDir, "cdk.out-stages"))})
	stacks := map[string]awscdk.Stack{}
	for _, stage := range []string{"staging", ProdStage} {
		stacks[stage] = NewPartnerHubStack(app, StackName(stage), &StackProps{
			Stage:    stage,
			AssetDir: filepath.Join(workDir, "build"),
			WebDir:   filepath.Join(workDir, "web"),
			// An SES identity exists once per account and region: each stage sends from its own subdomain.
			SenderDomain: stage + ".mail.acme.io",
			AlarmEmail:   "ops@acme.io",
			Deploy:       true,
		})
	}
	assembly := app.Synth(nil)
	seen := map[string]string{}
	for _, stage := range slices.Sorted(maps.Keys(stacks)) {
		stack := stacks[stage]
		if got, want := *stack.StackName(), StackName(stage); got != want {
			t.Errorf("stage %s: stack name %q, want %q", stage, got, want)
		}
		if got := stack.TerminationProtection() != nil && *stack.TerminationProtection(); got != (stage == ProdStage) {
			t.Errorf("stage %s: termination protection %v, want %v", stage, got, stage == ProdStage)
		}
		body, err := json.Marshal(assembly.GetStackArtifact(stack.ArtifactId()).Template())
		if err != nil {
			t.Fatal(err)
		}
		doc := &template{}
		if err := json.Unmarshal(body, doc); err != nil {
			t.Fatal(err)
		}
		names := physicalNames(doc, *stack.StackName())
		if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "AWS::CloudWatch::Dashboard.") }) {
			t.Errorf("stage %s: the dashboard's name is not among %v", stage, names)
		}
		for _, n := range names {
			if other, ok := seen[n]; ok {
				t.Errorf("stages %s and %s both name %s", other, stage, n)
			}
			seen[n] = stage
		}
	}
}

// TestDestroyKeeps pins what `make destroy` leaves behind, as docs/deploy.md states it: the resources whose
// deletion policy is Retain. A change here is a change to that document.
func TestDestroyKeeps(t *testing.T) {
	_, cfn := synth(t)
	kept := map[string]int{}
	for _, r := range cfn.Resources {
		if r.DeletionPolicy == "Retain" || r.DeletionPolicy == "RetainExceptOnCreate" {
			kept[r.Type]++
		}
	}
	want := map[string]int{
		"AWS::DynamoDB::Table":        1, // the data, with deletion protection on too
		"AWS::SecretsManager::Secret": 1, // the HMAC key (the origin secret is deleted)
		"AWS::S3::Bucket":             2, // the portal bucket and the access-log bucket
	}
	if !maps.Equal(kept, want) {
		t.Errorf("retained on delete: %v, want %v (update docs/deploy.md with it)", kept, want)
	}
	if cfn.Resources[cfn.hmacKey(t)].DeletionPolicy != "Retain" {
		t.Error("the HMAC key is not retained")
	}
}

func TestIsPlaceholderDomain(t *testing.T) {
	t.Parallel()
	for domain, want := range map[string]bool{
		"example.com": true, "EXAMPLE.org": true, "mail.example.net": true, "acme.test": true, "localhost": true,
		"box.local": true, "x.invalid": true, "example": true,
		"acme.io": false, "example.co.uk": false, "myexample.com": false, "testing.io": false, "": false,
	} {
		if got := isPlaceholderDomain(domain); got != want {
			t.Errorf("isPlaceholderDomain(%q) = %v, want %v", domain, got, want)
		}
	}
}
