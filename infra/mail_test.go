package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// TestMailFromDomain: a sender domain gets a MAIL FROM domain of its own, and without a hosted zone its records
// and the suggested DMARC record are outputs to publish by hand.
func TestMailFromDomain(t *testing.T) {
	tmpl, cfn := synth(t)
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::SES::EmailIdentity"), obj{
			"EmailIdentity": testDomain,
			"MailFromAttributes": obj{
				"MailFromDomain":      "bounce." + testDomain,
				"BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
			},
		})
	})
	check(t, func() { tmpl.ResourceCountIs(jsii.String("AWS::Route53::RecordSet"), jsii.Number(0)) })
	// The stack is region-agnostic here, so the MX value joins the region in at deploy time.
	mx, err := json.Marshal(cfn.Outputs["MailFromRecord1"]["Value"])
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{`"bounce.example.com MX 10 feedback-smtp."`, `{"Ref":"AWS::Region"}`, `".amazonses.com"`} {
		if !strings.Contains(string(mx), part) {
			t.Errorf("MailFromRecord1 is %s, want it to hold %s", mx, part)
		}
	}
	check(t, func() {
		tmpl.HasOutput(jsii.String("MailFromRecord2"), obj{"Value": `bounce.example.com TXT "v=spf1 include:amazonses.com ~all"`})
	})
	check(t, func() {
		tmpl.HasOutput(jsii.String("DmarcRecord"), obj{"Value": `_dmarc.example.com TXT "v=DMARC1; p=none"`})
	})
}

// TestSenderRecordsInHostedZone: with a Route 53 zone the stack publishes the three DKIM CNAMEs (by their full
// names, not with the zone's name appended again) and the MAIL FROM domain's MX and SPF records itself.
func TestSenderRecordsInHostedZone(t *testing.T) {
	synth(t) // writes the function bootstraps and the web client under workDir
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(workDir, "cdk.out-zone"))})
	stack := NewPartnerHubStack(app, "PartnerHub-zone", &StackProps{
		StackProps:     awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}},
		AssetDir:       filepath.Join(workDir, "build"),
		WebDir:         filepath.Join(workDir, "web"),
		SenderDomain:   "mail.acme.io",
		HostedZoneID:   "Z0123456789ABCDEFGHIJ",
		HostedZoneName: "acme.io",
		AlarmEmail:     "ops@acme.io",
	})
	body, ok := app.Synth(nil).GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	if !ok {
		t.Fatal("no template")
	}
	tmpl := assertions.Template_FromJSON(&body, nil)
	check(t, func() { tmpl.ResourceCountIs(jsii.String("AWS::Route53::RecordSet"), jsii.Number(5)) })
	check(t, func() {
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::Route53::RecordSet"), obj{
			"Type":         "CNAME",
			"HostedZoneId": "Z0123456789ABCDEFGHIJ",
			"Name": obj{"Fn::Join": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ArrayWith(&[]any{obj{"Fn::GetAtt": assertions.Match_ArrayWith(&[]any{assertions.Match_StringLikeRegexp(jsii.String("DkimDNSTokenName"))})}, "."}),
			})},
		}, jsii.Number(3))
	})
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), obj{
			"Type": "MX", "Name": "bounce.mail.acme.io.", "ResourceRecords": []any{"10 feedback-smtp.eu-west-1.amazonses.com"},
		})
	})
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), obj{
			"Type": "TXT", "Name": "bounce.mail.acme.io.", "ResourceRecords": []any{`"v=spf1 include:amazonses.com ~all"`},
		})
	})
}
