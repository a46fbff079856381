package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestNag fails on every finding of cdk-nag's AwsSolutions pack that no waiver covers, and on any other error or
// warning the synthesis annotated the stack with. The pack runs in the shared synthesis (build); a rule broken
// on purpose is waived on its construct, with the reason (waive, nag.go).
func TestNag(t *testing.T) {
	synth(t)
	if len(findings) > 0 {
		t.Errorf("%d unsuppressed findings; fix each, or waive it on its construct with the reason (see nag.go):\n%s",
			len(findings), strings.Join(findings, "\n"))
	}
}

// TestAccessLogs checks the access logs that fix AwsSolutions APIG1, S1 and CFR3: the API stage logs one JSON
// line per request to a log group with retention, without the request path (it can hold a token); the portal
// bucket and the distribution log to the access-log bucket.
func TestAccessLogs(t *testing.T) {
	_, cfn := synth(t)
	stage := cfn.Resources[cfn.only(t, "AWS::ApiGatewayV2::Stage")].Properties
	group, _ := getAtt(prop(stage, "AccessLogSettings", "DestinationArn"))
	if cfn.Resources[group].Type != "AWS::Logs::LogGroup" || prop(cfn.Resources[group].Properties, "RetentionInDays") == nil {
		t.Errorf("the stage logs to %v, want a log group with retention", prop(stage, "AccessLogSettings", "DestinationArn"))
	}
	format, _ := prop(stage, "AccessLogSettings", "Format").(string)
	if !strings.Contains(format, "$context.requestId") || !strings.Contains(format, "$context.routeKey") || strings.Contains(format, "$context.path") {
		t.Errorf("access log format %q, want the request id and route key, never the path", format)
	}
	var logBucket string
	for id, b := range cfn.ofType("AWS::S3::Bucket") {
		if dest := prop(b.Properties, "LoggingConfiguration", "DestinationBucketName"); dest != nil {
			logBucket = ref(dest)
			if logBucket == id {
				t.Errorf("bucket %s logs to itself", id)
			}
		}
	}
	if logBucket == "" {
		t.Fatal("no bucket has server access logs")
	}
	if rules, _ := prop(cfn.Resources[logBucket].Properties, "LifecycleConfiguration", "Rules").([]any); len(rules) == 0 || prop(rules[0], "ExpirationInDays") == nil {
		t.Errorf("the access-log bucket keeps logs forever")
	}
	dist := cfn.Resources[cfn.only(t, "AWS::CloudFront::Distribution")].Properties
	if id, attr := getAtt(prop(dist, "DistributionConfig", "Logging", "Bucket")); id != logBucket || attr != "RegionalDomainName" {
		t.Errorf("the distribution logs to %v, want the access-log bucket %s", prop(dist, "DistributionConfig", "Logging"), logBucket)
	}
}

// TestSendScope checks that ses:SendEmail is granted on the sender's identity and the configuration set only
// (the test stack is not in the SES sandbox).
func TestSendScope(t *testing.T) {
	_, cfn := synth(t)
	grants := 0
	for _, s := range cfn.allStatements() {
		if !slices.Contains(s.Actions, "ses:SendEmail") {
			continue
		}
		grants++
		identity, set := 0, 0
		for _, r := range s.Resources {
			switch arn := fmt.Sprint(joined(r)...); {
			case strings.HasSuffix(arn, ":identity/"+testDomain):
				identity++
			case strings.Contains(arn, ":configuration-set/"):
				set++
			default:
				t.Errorf("ses:SendEmail on %s, want the identity %s or the configuration set", arn, testDomain)
			}
		}
		if identity != 1 || set != 1 {
			t.Errorf("ses:SendEmail on %v, want the sender identity and the configuration set", s.Resources)
		}
	}
	if grants == 0 {
		t.Error("no statement grants ses:SendEmail")
	}
}
