package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// The portal's distribution is behind a WAF web ACL: AWS managed rule groups against known-bad addresses,
// inputs and common attacks, and a rate-based rule per route.RateClass, answering 429 with a problem document.
// A web ACL of scope CLOUDFRONT exists only in us-east-1 (edgeRegion): a stack there holds it itself; a stack in
// any other region gets a companion stack, <stack name>-edge, in us-east-1, whose ACL's ARN it reads through a
// CDK cross-region reference (newEdge).

// edgeRegion is the one region where CloudFront's web ACLs (and their log groups) live.
const edgeRegion = "us-east-1"

// EdgeStackSuffix names the companion stack of a stack outside edgeRegion: PartnerHub-prod-edge.
const EdgeStackSuffix = "-edge"

// rateLimit is one rate class's ceiling per viewer address at the edge.
type rateLimit struct {
	// requests are allowed per address in each window; WAF counts over the trailing window, every few seconds.
	requests int
	window   time.Duration
	// detail is what the portal shows the person who hit it.
	detail string
}

// rateLimits are the edge's ceilings per class, each above the functions' own per-address limits (pkg/signin:
// 20 sign-ins and 30 codes a minute; pkg/reset: 10 resets in 10 minutes), which answer the ordinary cases with
// their own messages and stay exact per user. The edge's job is the flood those limits would still pay a table
// write for, and the sign-in ceiling leaves room for an office of people behind one address (a sign-in is two
// requests: password, then code).
var rateLimits = map[route.RateClass]rateLimit{
	route.SignIn:     {requests: 300, window: 5 * time.Minute, detail: "Too many sign-in attempts from your network. Wait a few minutes, then try again."},
	route.Reset:      {requests: 50, window: 5 * time.Minute, detail: "Too many password reset requests from your network. Wait a few minutes, then try again."},
	route.Resend:     {requests: 50, window: 5 * time.Minute, detail: "Too many requests to send a code or an email again from your network. Wait a few minutes, then try again."},
	route.PublicRead: {requests: 2000, window: 5 * time.Minute, detail: "Too many requests from your network. Wait a few minutes, then try again."},
}

// oversizeBody is the label CommonRuleSet's SizeRestrictions_BODY puts on a body over 8 KB.
const oversizeBody = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"

// bodyPatternRules are CommonRuleSet's rules that look for attack patterns (script tags, path traversal, remote
// includes, the instance metadata address) in a request body, and bodyPatternLabels the labels they put on a
// match. They only count inside the group; bodyPatterns blocks what they label on every route but those whose
// body holds a password or a security answer (route.SecretBodies).
var (
	bodyPatternRules  = []string{"CrossSiteScripting_BODY", "GenericLFI_BODY", "GenericRFI_BODY", "EC2MetaDataSSRF_BODY"}
	bodyPatternLabels = []string{
		"awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body",
		"awswaf:managed:aws:core-rule-set:GenericLFI_Body",
		"awswaf:managed:aws:core-rule-set:GenericRFI_Body",
		"awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body",
	}
)

// Custom response bodies of the web ACL, by key.
const (
	bodyTooLarge   = "body-too-large"
	bodyNotAllowed = "request-blocked"
	ratePrefix     = "rate-limited-"
)

// wafLogRetention is how long the web ACL's log (blocked and counted requests) is kept.
const wafLogRetention = awslogs.RetentionDays_THREE_MONTHS

// newEdge creates the web ACL for stack's distribution and returns its ARN: in stack itself when it is in
// edgeRegion or its region is not known at synthesis (`make synth` without credentials; `make deploy` always
// knows it, see main.go), else in a companion stack in edgeRegion that `cdk deploy` deploys first.
func newEdge(scope constructs.Construct, stack awscdk.Stack, props *StackProps) *string {
	if !needsEdgeStack(stack) {
		return newWebACL(stack).AttrArn()
	}
	name := *stack.StackName() + EdgeStackSuffix
	edge := awscdk.NewStack(scope, jsii.String(name), &awscdk.StackProps{
		StackName:             jsii.String(name),
		Description:           jsii.String("PartnerHub (" + stageOf(props) + "): the web ACL of the portal's CloudFront distribution, which lives in " + edgeRegion),
		Env:                   &awscdk.Environment{Account: stack.Account(), Region: jsii.String(edgeRegion)},
		TerminationProtection: stack.TerminationProtection(),
		CrossRegionReferences: jsii.Bool(true),
	})
	return newWebACL(edge).AttrArn()
}

// needsEdgeStack reports whether stack's region is known and is not edgeRegion.
func needsEdgeStack(stack awscdk.Stack) bool {
	return !*awscdk.Token_IsUnresolved(stack.Region()) && *stack.Region() != edgeRegion
}

// needsEdgeStackFor is needsEdgeStack before the stack exists: stageProps enables cross-region references on it.
func needsEdgeStackFor(env *awscdk.Environment) bool {
	return env != nil && env.Region != nil && !*awscdk.Token_IsUnresolved(env.Region) && *env.Region != edgeRegion
}

// newWebACL creates the web ACL (scope CLOUDFRONT) and its logging in stack, which is in edgeRegion or
// region-agnostic.
func newWebACL(stack awscdk.Stack) awswafv2.CfnWebACL {
	name := *stack.StackName()
	bodies := map[string]any{bodyTooLarge: problemBody(tooLargeProblem()), bodyNotAllowed: problemBody(blockedProblem())}
	rules := []any{
		managedGroup("AWSManagedRulesAmazonIpReputationList", nil),
		managedGroup("AWSManagedRulesKnownBadInputsRuleSet", nil),
	}
	for _, c := range route.RateClasses {
		rules = append(rules, rateRule(c, rateLimits[c]))
		bodies[ratePrefix+string(c)] = problemBody(rateProblem(rateLimits[c]))
	}
	// SizeRestrictions_BODY blocks any body over 8 KB, and a branding logo may be up to branding.MaxLogoBytes
	// (100 KiB): it only counts (and labels) here, and bodyLimit blocks what it labels on every other route. The
	// body pattern rules count too, and bodyPatterns blocks what they label but on the routes carrying a password.
	rules = append(rules,
		managedGroup("AWSManagedRulesCommonRuleSet", append([]string{"SizeRestrictions_BODY"}, bodyPatternRules...)),
		bodyLimit(),
		bodyPatterns(),
	)
	for i, r := range rules {
		r.(*awswafv2.CfnWebACL_RuleProperty).Priority = jsii.Number(float64(i))
	}
	acl := awswafv2.NewCfnWebACL(stack, jsii.String("WebAcl"), &awswafv2.CfnWebACLProps{
		Scope:                jsii.String("CLOUDFRONT"),
		Description:          jsii.String("PartnerHub portal and API: managed rules, and rate limits on sign-in, reset and resend"),
		DefaultAction:        &awswafv2.CfnWebACL_DefaultActionProperty{Allow: jsonObj{}},
		VisibilityConfig:     visibility(name),
		CustomResponseBodies: bodies,
		Rules:                rules,
	})
	logWebACL(stack, acl)
	return acl
}

// logWebACL sends the web ACL's log of blocked and counted requests to a log group named as WAF requires
// (aws-waf-logs-...); the distribution's standard logs already record every request. The session cookie, the
// path and the query string are redacted: a path or a query can hold an activation or reset token, and no token
// or session is ever written to a log.
func logWebACL(stack awscdk.Stack, acl awswafv2.CfnWebACL) {
	group := awslogs.NewLogGroup(stack, jsii.String("WebAclLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("aws-waf-logs-" + *stack.StackName()),
		Retention:     wafLogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	// WAF takes the log group's ARN without the ":*" that LogGroupArn ends with.
	arn := stack.FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("logs"),
		Resource:     jsii.String("log-group"),
		ResourceName: group.LogGroupName(),
		ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
	awswafv2.NewCfnLoggingConfiguration(stack, jsii.String("WebAclLogging"), &awswafv2.CfnLoggingConfigurationProps{
		ResourceArn:           acl.AttrArn(),
		LogDestinationConfigs: &[]any{arn},
		RedactedFields: []any{
			&awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{SingleHeader: jsonObj{"Name": "cookie"}},
			&awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{UriPath: jsonObj{}},
			&awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{QueryString: jsonObj{}},
		},
		// LoggingFilter is untyped JSON to CDK, written to the template as given: CloudFormation's names.
		LoggingFilter: jsonObj{
			"DefaultBehavior": "DROP",
			"Filters": []any{jsonObj{
				"Behavior":    "KEEP",
				"Requirement": "MEETS_ANY",
				"Conditions": []any{
					jsonObj{"ActionCondition": jsonObj{"Action": "BLOCK"}},
					jsonObj{"ActionCondition": jsonObj{"Action": "COUNT"}},
				},
			}},
		},
	})
}

// managedGroup is a rule running an AWS managed rule group as published; the rules named in count only count
// (and label) instead of blocking.
func managedGroup(name string, count []string) *awswafv2.CfnWebACL_RuleProperty {
	group := &awswafv2.CfnWebACL_ManagedRuleGroupStatementProperty{VendorName: jsii.String("AWS"), Name: jsii.String(name)}
	if len(count) > 0 {
		overrides := make([]any, 0, len(count))
		for _, rule := range count {
			overrides = append(overrides, &awswafv2.CfnWebACL_RuleActionOverrideProperty{
				Name:        jsii.String(rule),
				ActionToUse: &awswafv2.CfnWebACL_RuleActionProperty{Count: jsonObj{}},
			})
		}
		group.RuleActionOverrides = overrides
	}
	return &awswafv2.CfnWebACL_RuleProperty{
		Name:             jsii.String(name),
		Statement:        &awswafv2.CfnWebACL_StatementProperty{ManagedRuleGroupStatement: group},
		OverrideAction:   &awswafv2.CfnWebACL_OverrideActionProperty{None: jsonObj{}},
		VisibilityConfig: visibility(name),
	}
}

// rateRule blocks, with 429 and a problem document, a viewer address that sent more than the class's limit of
// requests to the class's routes in its window.
func rateRule(c route.RateClass, l rateLimit) *awswafv2.CfnWebACL_RuleProperty {
	name := "rate-" + string(c)
	return &awswafv2.CfnWebACL_RuleProperty{
		Name: jsii.String(name),
		Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
			AggregateKeyType:    jsii.String("IP"),
			Limit:               jsii.Number(float64(l.requests)),
			EvaluationWindowSec: jsii.Number(l.window.Seconds()),
			ScopeDownStatement:  anyRoute(route.RateLimited(c)),
		}},
		Action:           block(http.StatusTooManyRequests, ratePrefix+string(c), l.window),
		VisibilityConfig: visibility(name),
	}
}

// bodyLimit blocks, with 413 and a problem document, a body CommonRuleSet labelled as over 8 KB, on every route
// but the uploads (route.Uploads): no JSON request of the API comes near it.
func bodyLimit() *awswafv2.CfnWebACL_RuleProperty {
	oversize := &awswafv2.CfnWebACL_StatementProperty{LabelMatchStatement: &awswafv2.CfnWebACL_LabelMatchStatementProperty{
		Scope: jsii.String("LABEL"), Key: jsii.String(oversizeBody),
	}}
	notUpload := &awswafv2.CfnWebACL_StatementProperty{NotStatement: &awswafv2.CfnWebACL_NotStatementProperty{Statement: anyRoute(route.Uploads())}}
	return &awswafv2.CfnWebACL_RuleProperty{
		Name: jsii.String(bodyTooLarge),
		Statement: &awswafv2.CfnWebACL_StatementProperty{AndStatement: &awswafv2.CfnWebACL_AndStatementProperty{
			Statements: []any{oversize, notUpload},
		}},
		Action:           block(http.StatusRequestEntityTooLarge, bodyTooLarge, 0),
		VisibilityConfig: visibility(bodyTooLarge),
	}
}

// bodyPatterns blocks, with 403 and a problem document, a body CommonRuleSet's pattern rules labelled, on every
// route but route.SecretBodies: a password or a security answer is the person's own free text, only ever hashed
// and compared, and refusing it would lock someone out for choosing "<script>" or "../" in a passphrase.
func bodyPatterns() *awswafv2.CfnWebACL_RuleProperty {
	labels := make([]any, 0, len(bodyPatternLabels))
	for _, l := range bodyPatternLabels {
		labels = append(labels, &awswafv2.CfnWebACL_StatementProperty{LabelMatchStatement: &awswafv2.CfnWebACL_LabelMatchStatementProperty{
			Scope: jsii.String("LABEL"), Key: jsii.String(l),
		}})
	}
	notSecret := &awswafv2.CfnWebACL_StatementProperty{NotStatement: &awswafv2.CfnWebACL_NotStatementProperty{Statement: anyRoute(route.SecretBodies())}}
	return &awswafv2.CfnWebACL_RuleProperty{
		Name: jsii.String(bodyNotAllowed),
		Statement: &awswafv2.CfnWebACL_StatementProperty{AndStatement: &awswafv2.CfnWebACL_AndStatementProperty{
			Statements: []any{
				&awswafv2.CfnWebACL_StatementProperty{OrStatement: &awswafv2.CfnWebACL_OrStatementProperty{Statements: labels}},
				notSecret,
			},
		}},
		Action:           block(http.StatusForbidden, bodyNotAllowed, 0),
		VisibilityConfig: visibility(bodyNotAllowed),
	}
}

// block is a Block action answering status with the custom body of that key, and Retry-After when retry is set.
func block(status int, body string, retry time.Duration) *awswafv2.CfnWebACL_RuleActionProperty {
	resp := &awswafv2.CfnWebACL_CustomResponseProperty{ResponseCode: jsii.Number(float64(status)), CustomResponseBodyKey: jsii.String(body)}
	if retry > 0 {
		resp.ResponseHeaders = []any{&awswafv2.CfnWebACL_CustomHTTPHeaderProperty{
			Name: jsii.String("Retry-After"), Value: jsii.String(strconv.Itoa(int(retry.Seconds()))),
		}}
	}
	return &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{CustomResponse: resp}}
}

// anyRoute matches a request to one of routes: one route's statement, or an OR of several.
func anyRoute(routes []route.Route) *awswafv2.CfnWebACL_StatementProperty {
	if len(routes) == 0 {
		panic("web ACL: a route statement needs at least one route")
	}
	if len(routes) == 1 {
		return routeStatement(routes[0])
	}
	each := make([]any, 0, len(routes))
	for _, r := range routes {
		each = append(each, routeStatement(r))
	}
	return &awswafv2.CfnWebACL_StatementProperty{OrStatement: &awswafv2.CfnWebACL_OrStatementProperty{Statements: each}}
}

// routeStatement matches a request to r: its method, and its path exactly, or, when it has parameters, by
// pathPattern. The path is URL-decoded first, so /v1/se%73sions is /v1/sessions.
func routeStatement(r route.Route) *awswafv2.CfnWebACL_StatementProperty {
	method := &awswafv2.CfnWebACL_StatementProperty{ByteMatchStatement: &awswafv2.CfnWebACL_ByteMatchStatementProperty{
		FieldToMatch:         &awswafv2.CfnWebACL_FieldToMatchProperty{Method: jsonObj{}},
		PositionalConstraint: jsii.String("EXACTLY"),
		SearchString:         jsii.String(r.Method),
		TextTransformations:  transform("NONE"),
	}}
	var path *awswafv2.CfnWebACL_StatementProperty
	if len(r.Params()) == 0 {
		path = &awswafv2.CfnWebACL_StatementProperty{ByteMatchStatement: &awswafv2.CfnWebACL_ByteMatchStatementProperty{
			FieldToMatch:         &awswafv2.CfnWebACL_FieldToMatchProperty{UriPath: jsonObj{}},
			PositionalConstraint: jsii.String("EXACTLY"),
			SearchString:         jsii.String(r.Path),
			TextTransformations:  transform("URL_DECODE"),
		}}
	} else {
		path = &awswafv2.CfnWebACL_StatementProperty{RegexMatchStatement: &awswafv2.CfnWebACL_RegexMatchStatementProperty{
			FieldToMatch:        &awswafv2.CfnWebACL_FieldToMatchProperty{UriPath: jsonObj{}},
			RegexString:         jsii.String(pathPattern(r.Path)),
			TextTransformations: transform("URL_DECODE"),
		}}
	}
	return &awswafv2.CfnWebACL_StatementProperty{AndStatement: &awswafv2.CfnWebACL_AndStatementProperty{Statements: []any{method, path}}}
}

// pathPattern is the regular expression of a route path: /v1/password-resets/{token} is
// ^/v1/password-resets/[^/]+$.
func pathPattern(path string) string {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			segs[i] = "[^/]+"
		} else {
			segs[i] = regexp.QuoteMeta(seg)
		}
	}
	return "^" + strings.Join(segs, "/") + "$"
}

func transform(kind string) []any {
	return []any{&awswafv2.CfnWebACL_TextTransformationProperty{Priority: jsii.Number(0), Type: jsii.String(kind)}}
}

// visibility turns on a rule's (or the ACL's) CloudWatch metric and sampled requests.
func visibility(metric string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
	return &awswafv2.CfnWebACL_VisibilityConfigProperty{
		CloudWatchMetricsEnabled: jsii.Bool(true),
		SampledRequestsEnabled:   jsii.Bool(true),
		MetricName:               jsii.String(metric),
	}
}

// rateProblem is the problem a rate rule answers with, as a function's own rate limit would (pkg/problem), so
// the portal shows it the same way: slug rate-limited, the class's detail, retryAfterSeconds.
func rateProblem(l rateLimit) problem.Document {
	return problem.From(&fault.Error{Kind: fault.ErrRateLimited, Slug: "rate-limited", Detail: l.detail, RetryAfter: l.window})
}

// tooLargeProblem is the problem bodyLimit answers with.
func tooLargeProblem() problem.Document {
	return problem.Document{
		Type: problem.TypeBase + bodyTooLarge, Title: "The request is too large.", Status: http.StatusRequestEntityTooLarge,
		Detail: "The request body is larger than the API accepts.",
	}
}

// blockedProblem is the problem bodyPatterns answers with.
func blockedProblem() problem.Document {
	return problem.Document{
		Type: problem.TypeBase + bodyNotAllowed, Title: "The request was blocked.", Status: http.StatusForbidden,
		Detail: "The request holds text that looks like an attack (a script, a file path or an internal address). Remove it and try again.",
	}
}

// problemBody is a web ACL custom response body holding doc. WAF sends it as application/json (it has no
// application/problem+json), which the portal reads the same way.
func problemBody(doc problem.Document) *awswafv2.CfnWebACL_CustomResponseBodyProperty {
	b, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("web ACL: encode problem %s: %v", doc.Type, err))
	}
	return &awswafv2.CfnWebACL_CustomResponseBodyProperty{ContentType: jsii.String("APPLICATION_JSON"), Content: jsii.String(string(b))}
}

// jsonObj is a JSON object of a CloudFormation property that CDK types as any: {} for "inspect this field".
type jsonObj = map[string]any
