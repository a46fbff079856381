package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// testAPICert is the regional certificate of the API domain in the tests.
const testAPICert = "arn:aws:acm:eu-west-1:123456789012:certificate/0f9e8d7c-aaaa-bbbb-cccc-111122223333"

// TestWebACL checks the shared stack's (region-agnostic, so the ACL is in the stack itself) web ACL: scope
// CLOUDFRONT, associated with the distribution, the three managed groups with CommonRuleSet's body size rule
// counting, the body limit on every route but the uploads, one rate rule per route.RateClass whose routes are
// exactly route.RateLimited's, answering 429 with a problem document, and metrics on everywhere.
func TestWebACL(t *testing.T) {
	_, cfn := synth(t)
	checkWebACL(t, cfn)
	acl := cfn.only(t, "AWS::WAFv2::WebACL")
	dist := cfn.Resources[cfn.only(t, "AWS::CloudFront::Distribution")].Properties
	if id, attr := getAtt(prop(dist, "DistributionConfig", "WebACLId")); id != acl || attr != "Arn" {
		t.Errorf("the distribution's WebACLId is %v, want the web ACL's ARN", prop(dist, "DistributionConfig", "WebACLId"))
	}
	checkWebACLLogging(t, cfn, acl)
}

// checkWebACL checks the one web ACL of a template.
func checkWebACL(t *testing.T, cfn *template) {
	t.Helper()
	p := cfn.Resources[cfn.only(t, "AWS::WAFv2::WebACL")].Properties
	if p["Scope"] != "CLOUDFRONT" || prop(p, "DefaultAction", "Allow") == nil {
		t.Errorf("web ACL scope %v, default action %v, want CLOUDFRONT and allow", p["Scope"], p["DefaultAction"])
	}
	checkVisibility(t, "the web ACL", p["VisibilityConfig"])
	rules, _ := p["Rules"].([]any)
	byName := map[string]obj{}
	priorities := map[any]bool{}
	for _, r := range rules {
		rule := r.(obj)
		byName[fmt.Sprint(rule["Name"])] = rule
		if priorities[rule["Priority"]] {
			t.Errorf("two rules have priority %v", rule["Priority"])
		}
		priorities[rule["Priority"]] = true
		checkVisibility(t, fmt.Sprint(rule["Name"]), rule["VisibilityConfig"])
	}

	for _, group := range []string{"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"} {
		rule, ok := byName[group]
		if !ok {
			t.Errorf("no rule runs the managed group %s", group)
			continue
		}
		stmt := prop(rule, "Statement", "ManagedRuleGroupStatement")
		if prop(stmt, "VendorName") != "AWS" || prop(stmt, "Name") != group || prop(rule, "OverrideAction", "None") == nil {
			t.Errorf("rule %s: %v, want AWS's group with no override", group, rule)
		}
		overrides, _ := prop(stmt, "RuleActionOverrides").([]any)
		if group != "AWSManagedRulesCommonRuleSet" {
			if len(overrides) != 0 {
				t.Errorf("%s overrides %v, want none", group, overrides)
			}
			continue
		}
		var counting []string
		for _, o := range overrides {
			if prop(o, "ActionToUse", "Count") != nil {
				counting = append(counting, fmt.Sprint(prop(o, "Name")))
			}
		}
		if want := append([]string{"SizeRestrictions_BODY"}, bodyPatternRules...); len(overrides) != len(want) || !slices.Equal(counting, want) {
			t.Errorf("CommonRuleSet overrides %v, want %v counting (logo uploads are larger than 8 KB; passwords may hold any text)", overrides, want)
		}
	}

	bodies, _ := p["CustomResponseBodies"].(obj)
	limit, ok := byName[bodyTooLarge]
	if !ok {
		t.Fatalf("no rule %s", bodyTooLarge)
	}
	parts, _ := prop(limit, "Statement", "AndStatement", "Statements").([]any)
	if len(parts) != 2 || prop(parts[0], "LabelMatchStatement", "Key") != oversizeBody {
		t.Fatalf("%s matches %v, want the SizeRestrictions_BODY label and not an upload", bodyTooLarge, prop(limit, "Statement"))
	}
	if got, want := routesOf(t, prop(parts[1], "NotStatement", "Statement")), keys(route.Uploads()); !slices.Equal(got, want) {
		t.Errorf("%s spares %v, want the uploads %v", bodyTooLarge, got, want)
	}
	checkBlock(t, bodies, limit, 413, "body-too-large", false)

	patterns, ok := byName[bodyNotAllowed]
	if !ok {
		t.Fatalf("no rule %s", bodyNotAllowed)
	}
	parts, _ = prop(patterns, "Statement", "AndStatement", "Statements").([]any)
	if len(parts) != 2 {
		t.Fatalf("%s matches %v, want a body pattern label and not a route carrying a password", bodyNotAllowed, prop(patterns, "Statement"))
	}
	var labels []string
	ors, _ := prop(parts[0], "OrStatement", "Statements").([]any)
	for _, l := range ors {
		labels = append(labels, fmt.Sprint(prop(l, "LabelMatchStatement", "Key")))
	}
	if !slices.Equal(labels, bodyPatternLabels) || len(labels) != len(bodyPatternRules) {
		t.Errorf("%s blocks the labels %v, want %v", bodyNotAllowed, labels, bodyPatternLabels)
	}
	if got, want := routesOf(t, prop(parts[1], "NotStatement", "Statement")), keys(route.SecretBodies()); !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("%s spares %v, want the routes carrying a password %v", bodyNotAllowed, got, want)
	}
	checkBlock(t, bodies, patterns, 403, bodyNotAllowed, false)
	// The rules that judge a body run after the group that labels it.
	if prop(patterns, "Priority").(float64) < prop(byName["AWSManagedRulesCommonRuleSet"], "Priority").(float64) {
		t.Errorf("%s runs before CommonRuleSet, whose labels it reads", bodyNotAllowed)
	}

	for _, c := range route.RateClasses {
		rule, ok := byName["rate-"+string(c)]
		if !ok {
			t.Errorf("no rate rule for class %q", c)
			continue
		}
		rate := prop(rule, "Statement", "RateBasedStatement")
		l := rateLimits[c]
		if prop(rate, "AggregateKeyType") != "IP" || prop(rate, "Limit") != float64(l.requests) || prop(rate, "EvaluationWindowSec") != l.window.Seconds() {
			t.Errorf("rate rule %s: %v, want %d per %v per address", c, rate, l.requests, l.window)
		}
		if l.requests < 10 {
			t.Errorf("rate class %s: limit %d, WAF's least is 10", c, l.requests)
		}
		if got, want := routesOf(t, prop(rate, "ScopeDownStatement")), keys(route.RateLimited(c)); !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("rate rule %s covers %v, want route.RateLimited: %v", c, got, want)
		}
		checkBlock(t, bodies, rule, 429, "rate-limited", true)
	}
}

// checkBlock checks that rule blocks with status and a problem document of that slug as its body, with
// Retry-After (and retryAfterSeconds) when retry is set.
func checkBlock(t *testing.T, bodies obj, rule obj, status int, slug string, retry bool) {
	t.Helper()
	resp := prop(rule, "Action", "Block", "CustomResponse")
	if prop(resp, "ResponseCode") != float64(status) {
		t.Errorf("rule %v answers %v, want %d", rule["Name"], prop(resp, "ResponseCode"), status)
		return
	}
	body := bodies[fmt.Sprint(prop(resp, "CustomResponseBodyKey"))]
	if prop(body, "ContentType") != "APPLICATION_JSON" {
		t.Errorf("rule %v: body %v, want JSON", rule["Name"], body)
		return
	}
	var doc struct {
		Type       string `json:"type"`
		Title      string `json:"title"`
		Status     int    `json:"status"`
		Detail     string `json:"detail"`
		RetryAfter int    `json:"retryAfterSeconds"`
	}
	if err := json.Unmarshal([]byte(fmt.Sprint(prop(body, "Content"))), &doc); err != nil {
		t.Fatalf("rule %v: body %v: %v", rule["Name"], prop(body, "Content"), err)
	}
	if doc.Type != "https://partnerhub.dev/problems/"+slug || doc.Status != status || doc.Title == "" || doc.Detail == "" {
		t.Errorf("rule %v answers %+v, want a problem document %s with status %d", rule["Name"], doc, slug, status)
	}
	headers, _ := prop(resp, "ResponseHeaders").([]any)
	if !retry {
		return
	}
	if doc.RetryAfter <= 0 || len(headers) != 1 || prop(headers[0], "Name") != "Retry-After" || prop(headers[0], "Value") != fmt.Sprint(doc.RetryAfter) {
		t.Errorf("rule %v: retryAfterSeconds %d, headers %v, want the same Retry-After", rule["Name"], doc.RetryAfter, headers)
	}
}

// checkVisibility checks that a rule or the ACL has metrics and sampled requests on.
func checkVisibility(t *testing.T, what string, v any) {
	t.Helper()
	if prop(v, "CloudWatchMetricsEnabled") != true || prop(v, "SampledRequestsEnabled") != true || prop(v, "MetricName") == "" {
		t.Errorf("%s: visibility %v, want metrics and sampled requests", what, v)
	}
}

// checkWebACLLogging checks that the ACL logs to a log group named aws-waf-logs-..., with retention, keeping
// blocked and counted requests, and redacting the session cookie, the path and the query (they can hold secrets).
func checkWebACLLogging(t *testing.T, cfn *template, acl string) {
	t.Helper()
	p := cfn.Resources[cfn.only(t, "AWS::WAFv2::LoggingConfiguration")].Properties
	if id, attr := getAtt(p["ResourceArn"]); id != acl || attr != "Arn" {
		t.Errorf("logging of %v, want the web ACL %s", p["ResourceArn"], acl)
	}
	dests, _ := p["LogDestinationConfigs"].([]any)
	if len(dests) != 1 {
		t.Fatalf("log destinations %v, want one log group", dests)
	}
	var group string
	for _, part := range joined(dests[0]) {
		if id := ref(part); id != "" {
			group = id
		}
	}
	g := cfn.Resources[group]
	name, _ := prop(g.Properties, "LogGroupName").(string)
	if g.Type != "AWS::Logs::LogGroup" || !strings.HasPrefix(name, "aws-waf-logs-") || prop(g.Properties, "RetentionInDays") == nil {
		t.Errorf("the web ACL logs to %v (%s %v), want a log group named aws-waf-logs-... with retention", dests[0], g.Type, g.Properties)
	}
	redacted, _ := json.Marshal(p["RedactedFields"])
	for _, want := range []string{`"Name":"cookie"`, `"UriPath"`, `"QueryString"`} {
		if !strings.Contains(string(redacted), want) {
			t.Errorf("redacted fields %s, want %s", redacted, want)
		}
	}
	filter, _ := json.Marshal(p["LoggingFilter"])
	if !strings.Contains(string(filter), `"DefaultBehavior":"DROP"`) || !strings.Contains(string(filter), `"Behavior":"KEEP"`) ||
		!strings.Contains(string(filter), `"Action":"BLOCK"`) || !strings.Contains(string(filter), `"Action":"COUNT"`) {
		t.Errorf("logging filter %s, want blocked and counted requests kept", filter)
	}
}

// routesOf reads the route keys a route statement (anyRoute) matches, sorted; a statement of another shape fails.
func routesOf(t *testing.T, stmt any) []string {
	t.Helper()
	var each []any
	if or := prop(stmt, "OrStatement", "Statements"); or != nil {
		each, _ = or.([]any)
	} else {
		each = []any{stmt}
	}
	var out []string
	for _, s := range each {
		parts, _ := prop(s, "AndStatement", "Statements").([]any)
		if len(parts) != 2 || prop(parts[0], "ByteMatchStatement", "FieldToMatch", "Method") == nil {
			t.Fatalf("route statement %v, want a method and a path", s)
		}
		method := fmt.Sprint(prop(parts[0], "ByteMatchStatement", "SearchString"))
		if exact := prop(parts[1], "ByteMatchStatement"); exact != nil {
			if prop(exact, "PositionalConstraint") != "EXACTLY" || prop(exact, "FieldToMatch", "UriPath") == nil {
				t.Fatalf("path statement %v, want the exact path", exact)
			}
			out = append(out, method+" "+fmt.Sprint(prop(exact, "SearchString")))
			continue
		}
		pattern := fmt.Sprint(prop(parts[1], "RegexMatchStatement", "RegexString"))
		matched := ""
		for _, r := range route.Routes {
			if r.Method == method && pathPattern(r.Path) == pattern {
				matched = r.Key()
			}
		}
		if matched == "" {
			t.Fatalf("path pattern %q (%s) is no route's", pattern, method)
		}
		out = append(out, matched)
	}
	slices.Sort(out)
	return out
}

func keys(routes []route.Route) []string {
	var out []string
	for _, r := range routes {
		out = append(out, r.Key())
	}
	slices.Sort(out)
	return out
}

// TestPathPattern: a route path's pattern matches its requests' paths, one segment per parameter, and no other.
func TestPathPattern(t *testing.T) {
	t.Parallel()
	for path, cases := range map[string]map[string]bool{
		"/v1/password-resets/{token}": {
			"/v1/password-resets/p1.AAAA": true, "/v1/password-resets/": false, "/v1/password-resets/a/b": false,
			"/v1/password-resets": false, "/v1/password-resetsX/a": false, "/x/v1/password-resets/a": false,
		},
		"/v1/accounts/{id}/branding/logo": {
			"/v1/accounts/a1/branding/logo": true, "/v1/accounts/a1/branding/logo/x": false, "/v1/accounts//branding/logo": false,
		},
		"/v1/sessions": {"/v1/sessions": true, "/v1/sessions/otp": false, "/v1/sessionsx": false},
	} {
		re := regexp.MustCompile(pathPattern(path))
		for got, want := range cases {
			if re.MatchString(got) != want {
				t.Errorf("pattern %s of %s matches %s: %v, want %v", re, path, got, !want, want)
			}
		}
	}
}

// TestExecuteAPIEndpointWithoutAPIDomain: without an API domain the execute-api endpoint stays on (it is the
// distribution's origin), and what keeps callers from going around the distribution is the functions' refusal
// of requests without the origin secret, which every API function is given (TestFunctions) and which the
// ApiUrl output says.
func TestExecuteAPIEndpointWithoutAPIDomain(t *testing.T) {
	_, cfn := synth(t)
	api := cfn.Resources[cfn.only(t, "AWS::ApiGatewayV2::Api")].Properties
	if api["DisableExecuteApiEndpoint"] != false {
		t.Errorf("DisableExecuteApiEndpoint is %v without an API domain, want false: the distribution reaches the API through it", api["DisableExecuteApiEndpoint"])
	}
	if n := len(cfn.ofType("AWS::ApiGatewayV2::DomainName")); n != 0 {
		t.Errorf("%d API domains without PH_API_DOMAIN", n)
	}
	if d, _ := prop(cfn.Outputs["ApiUrl"], "Description").(string); !strings.Contains(d, "origin secret") {
		t.Errorf("the ApiUrl output says %q, want that it answers only requests with the origin secret", d)
	}
}

// TestEdgeStackAndAPIDomain synthesizes a stack in eu-west-1 with an API domain: the web ACL and its log go to
// the companion stack <name>-edge in us-east-1, the distribution takes its ARN across regions; the API gets its
// domain, mapped to its stage, the distribution's /v1/* origin becomes that domain, and the execute-api
// endpoint is off. cdk-nag finds nothing unwaived in either stack.
func TestEdgeStackAndAPIDomain(t *testing.T) {
	synth(t) // the assets
	stacks, findings := synthRegional(t, &StackProps{
		StackProps:        awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}},
		Stage:             "staging",
		AssetDir:          filepath.Join(workDir, "build"),
		SenderDomain:      testDomain,
		SenderEmail:       testSender,
		AlarmEmail:        testAlarms,
		APIDomain:         "api.portal.acme.io",
		APICertificateARN: testAPICert,
	})
	if len(findings) > 0 {
		t.Errorf("%d unsuppressed findings:\n%s", len(findings), strings.Join(findings, "\n"))
	}
	main, edge := stacks[StackName("staging")], stacks[StackName("staging")+EdgeStackSuffix]
	if main == nil || edge == nil {
		t.Fatalf("stacks %v, want %s and its edge stack", slices.Collect(mapKeys(stacks)), StackName("staging"))
	}
	if edge.region != edgeRegion || main.region != "eu-west-1" {
		t.Errorf("the edge stack is in %s and the stack in %s, want %s and eu-west-1", edge.region, main.region, edgeRegion)
	}
	if !slices.Contains(main.dependencies, StackName("staging")+EdgeStackSuffix) {
		t.Errorf("the stack depends on %v, want its edge stack (deployed first)", main.dependencies)
	}
	if n := len(main.ofType("AWS::WAFv2::WebACL")); n != 0 {
		t.Errorf("%d web ACLs in the eu-west-1 stack, want none (CloudFront's live in us-east-1)", n)
	}
	checkWebACL(t, edge.template)
	checkWebACLLogging(t, edge.template, edge.only(t, "AWS::WAFv2::WebACL"))

	dist := main.Resources[main.only(t, "AWS::CloudFront::Distribution")].Properties
	if prop(dist, "DistributionConfig", "WebACLId") == nil {
		t.Errorf("the distribution has no web ACL")
	}

	apiID := main.only(t, "AWS::ApiGatewayV2::Api")
	if v := main.Resources[apiID].Properties["DisableExecuteApiEndpoint"]; v != true {
		t.Errorf("DisableExecuteApiEndpoint = %v with an API domain, want true", v)
	}
	domainID := main.only(t, "AWS::ApiGatewayV2::DomainName")
	domain := main.Resources[domainID].Properties
	configs, _ := domain["DomainNameConfigurations"].([]any)
	if domain["DomainName"] != "api.portal.acme.io" || len(configs) != 1 || prop(configs[0], "CertificateArn") != testAPICert ||
		prop(configs[0], "EndpointType") != "REGIONAL" || prop(configs[0], "SecurityPolicy") != "TLS_1_2" {
		t.Errorf("API domain %v, want api.portal.acme.io, regional, TLS 1.2, with its certificate", domain)
	}
	mapping := main.Resources[main.only(t, "AWS::ApiGatewayV2::ApiMapping")].Properties
	stage := main.Resources[main.only(t, "AWS::ApiGatewayV2::Stage")].Properties
	if ref(mapping["ApiId"]) != apiID || ref(mapping["DomainName"]) != domainID || mapping["Stage"] != stage["StageName"] {
		t.Errorf("API mapping %v, want the API's stage on its domain", mapping)
	}
	origins, _ := prop(dist, "DistributionConfig", "Origins").([]any)
	found := false
	for _, o := range origins {
		if prop(o, "DomainName") == "api.portal.acme.io" {
			found = prop(o, "CustomOriginConfig", "OriginProtocolPolicy") == "https-only"
		}
	}
	if !found {
		t.Errorf("no https-only origin api.portal.acme.io among %v", origins)
	}
	if _, ok := main.Outputs["ApiDomainTarget"]; !ok {
		t.Errorf("no ApiDomainTarget output (the name the API domain's CNAME points to)")
	}
}

// TestDeployNeedsAnEnvironment: make deploy refuses a region-agnostic template, whose web ACL would land in
// whatever region it is deployed to; a plain synthesis (make synth, no credentials) accepts it.
func TestDeployNeedsAnEnvironment(t *testing.T) {
	t.Parallel()
	env := &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}
	for name, tc := range map[string]struct {
		props StackProps
		ok    bool
	}{
		"case=deploy-without-env": {StackProps{Deploy: true}, false},
		"case=deploy-no-region":   {StackProps{Deploy: true, StackProps: awscdk.StackProps{Env: &awscdk.Environment{Account: env.Account}}}, false},
		"case=deploy-with-env":    {StackProps{Deploy: true, StackProps: awscdk.StackProps{Env: env}}, true},
		"case=synth-without-env":  {StackProps{}, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := checkDeployEnv(&tc.props)
			if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), "CDK_DEFAULT_REGION")) {
				t.Errorf("checkDeployEnv() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// stackTemplate is one synthesized stack of an app.
type stackTemplate struct {
	*template
	region       string
	dependencies []string
}

func mapKeys(m map[string]*stackTemplate) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// synthRegional synthesizes an app of one PartnerHub stack with props, through cdk-nag, and returns every stack
// it holds by name, and the unsuppressed findings and other warnings of all of them.
func synthRegional(t *testing.T, props *StackProps) (stacks map[string]*stackTemplate, annotations []string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("synthesize: %v", r)
		}
	}()
	ctx, err := cdkContext("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir()), Context: &ctx})
	NewPartnerHubStack(app, StackName(props.Stage), props)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Reports: jsii.Bool(false)}), nil)
	assembly := app.Synth(nil)
	stacks = map[string]*stackTemplate{}
	for _, artifact := range *assembly.Stacks() {
		for _, m := range *artifact.Messages() {
			if m.Level == cxapi.SynthesisMessageLevel_ERROR || m.Level == cxapi.SynthesisMessageLevel_WARNING {
				annotations = append(annotations, fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data))
			}
		}
		raw, err := json.Marshal(artifact.Template())
		if err != nil {
			t.Fatal(err)
		}
		doc := &template{}
		if err := json.Unmarshal(raw, doc); err != nil {
			t.Fatal(err)
		}
		st := &stackTemplate{template: doc, region: *artifact.Environment().Region}
		for _, d := range *artifact.Dependencies() {
			st.dependencies = append(st.dependencies, *d.Id())
		}
		stacks[*artifact.StackName()] = st
	}
	return stacks, annotations
}
