package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// Default API throttling, per second, for the whole stage.
const (
	defaultRate  = 50
	defaultBurst = 100
)

// httpAPI is the HTTP API and its one stage.
type httpAPI struct {
	api   awsapigatewayv2.HttpApi
	stage awsapigatewayv2.HttpStage
	// domain is the portal distribution's origin for /v1/*: the API's custom domain when it has one, else its
	// execute-api host name.
	domain string
	// customDomain is the API's custom domain (StackProps.APIDomain), nil without one.
	customDomain awsapigatewayv2.DomainName
}

// newAPI creates the HTTP API with a throttled $default stage. Its routes are added once the functions exist
// (addRoutes); the API is created first because the portal's distribution, whose URL the functions need, points
// at it.
func newAPI(stack awscdk.Stack, props *StackProps) *httpAPI {
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		// Named after the stack, so the APIs of stages side by side in one account tell apart in the console.
		ApiName:     stack.StackName(),
		Description: jsii.String("PartnerHub API"),
		// The default stage has no throttling settings of its own; the stage below replaces it.
		CreateDefaultStage: jsii.Bool(false),
		// With a custom domain, the distribution reaches the API through it, and nothing else needs the default
		// endpoint, which would let a caller skip the distribution's web ACL. Without one the functions refuse
		// every request that lacks the distribution's origin secret (httpapi.Config.OriginSecret).
		DisableExecuteApiEndpoint: jsii.Bool(props.APIDomain != ""),
	})
	rate, burst := props.ThrottleRate, props.ThrottleBurst
	if rate == 0 {
		rate = defaultRate
	}
	if burst == 0 {
		burst = defaultBurst
	}
	accessLogs := awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_THREE_MONTHS,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	stage := awsapigatewayv2.NewHttpStage(stack, jsii.String("ApiStage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:           api,
		StageName:         jsii.String("$default"),
		AutoDeploy:        jsii.Bool(true),
		AccessLogSettings: &accessLog{group: accessLogs},
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(rate),
			BurstLimit: jsii.Number(burst),
		},
	})
	h := &httpAPI{
		api:    api,
		stage:  stage,
		domain: *api.ApiId() + ".execute-api." + *stack.Region() + "." + *stack.UrlSuffix(),
	}
	if props.APIDomain != "" {
		h.customDomain = newAPIDomain(stack, props, api, stage)
		h.domain = props.APIDomain
	}
	return h
}

// newAPIDomain gives the API its custom domain (regional, TLS 1.2) and maps the stage to its root.
func newAPIDomain(stack awscdk.Stack, props *StackProps, api awsapigatewayv2.HttpApi, stage awsapigatewayv2.HttpStage) awsapigatewayv2.DomainName {
	domain := awsapigatewayv2.NewDomainName(stack, jsii.String("ApiDomain"), &awsapigatewayv2.DomainNameProps{
		DomainName:     jsii.String(props.APIDomain),
		Certificate:    awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("ApiCertificate"), jsii.String(props.APICertificateARN)),
		EndpointType:   awsapigatewayv2.EndpointType_REGIONAL,
		SecurityPolicy: awsapigatewayv2.SecurityPolicy_TLS_1_2,
	})
	awsapigatewayv2.NewApiMapping(stack, jsii.String("ApiMapping"), &awsapigatewayv2.ApiMappingProps{
		Api:        api,
		DomainName: domain,
		Stage:      stage,
	})
	return domain
}

// accessLogFormat is one JSON line per request. It logs the route key, never the path: a path can hold an
// activation or reset token (/v1/activations/{token}), and no token is ever written to a log.
const accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime",` +
	`"routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol",` +
	`"responseLength":"$context.responseLength","latencyMs":"$context.responseLatency",` +
	`"integrationLatencyMs":"$context.integrationLatency","integrationError":"$context.integrationErrorMessage"}`

// accessLog is the stage's access logging: accessLogFormat into a log group.
type accessLog struct{ group awslogs.LogGroup }

// Destination implements awsapigatewayv2.IAccessLogSettings.
func (a *accessLog) Destination() awsapigatewayv2.IAccessLogDestination {
	return awsapigatewayv2.NewLogGroupLogDestination(a.group)
}

// Format implements awsapigatewayv2.IAccessLogSettings.
func (a *accessLog) Format() awsapigateway.AccessLogFormat {
	return awsapigateway.AccessLogFormat_Custom(jsii.String(accessLogFormat))
}

// addRoutes adds one route per route.Routes entry, each to its function's Lambda integration (payload format
// 2.0). The routes of one function share one integration.
func (a *httpAPI) addRoutes(fns map[string]awslambda.Function) {
	integrations := map[string]awsapigatewayv2integrations.HttpLambdaIntegration{}
	for _, r := range route.Routes {
		in, ok := integrations[r.Function]
		if !ok {
			if fns[r.Function] == nil {
				panic(fmt.Sprintf("route %s: no function %q in route.Functions", r.Key(), r.Function))
			}
			in = awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(pascal(r.Function)+"Integration"), fns[r.Function],
				&awsapigatewayv2integrations.HttpLambdaIntegrationProps{
					PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
				})
			integrations[r.Function] = in
		}
		a.api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(r.Path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(r.Method)},
			Integration: in,
		})
	}
	// Every route is authorized by its function, not by API Gateway: the routes carry no authorizer.
	waive(a.api, waiver{rule: "APIG4", reason: "Each function authorizes its own requests: httpapi.New resolves the ph_session cookie with signin.Service.Authenticate " +
		"on every route whose route.Auth is not Public (a revoke ends access on the next request), and Public routes (sign-in, activation and reset links, health) are open by design."})
}
