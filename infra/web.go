package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/webpolicy"
)

// apiPath is the path pattern the distribution sends to the HTTP API; everything else is the web client.
const apiPath = "/v1/*"

// cleanURLs is the viewer-request function of the web client's behavior for a site it knows nothing of: like
// the local gateway, it serves a clean URL such as /activate from activate.html.
var cleanURLs = viewerRequest(site{})

// site is what the web client's viewer-request function knows of the files deployed to the bucket.
type site struct {
	// files are the URIs of the web client's files ("/activate.html", "/js/api.js").
	files []string
	// notFound is the portal's page for an address that is none of them (404.html); empty when there is none.
	notFound string
}

// notFoundPage is the web client's page for an address that is no file of it, as the local gateway serves it.
const notFoundPage = "404.html"

// readSite lists the web client's files under dir and reads its 404 page. A missing dir is an empty site.
func readSite(dir string) (site, error) {
	var out site
	if !hasFiles(dir) {
		return out, nil
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		out.files = append(out.files, "/"+filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return site{}, err
	}
	page, err := os.ReadFile(filepath.Join(dir, notFoundPage))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return site{}, err
	}
	out.notFound = string(page)
	return out, nil
}

// viewerRequest is the viewer-request function of the web client's behavior: like the local gateway, it serves
// a clean URL such as /activate from activate.html, and answers an address that is no file of the site with the
// portal's 404 page and status 404. The function answers itself, rather than the distribution's error
// responses: those would apply to every behavior, and replace the API's own 403 and 404 problem documents.
// (S3 answers a missing key with 403 to CloudFront, which may not list the bucket.) The security headers go
// with it, as the response headers policy adds them to what S3 serves.
func viewerRequest(s site) string {
	known := make(map[string]bool, len(s.files))
	for _, f := range s.files {
		known[f] = true
	}
	headers := map[string]map[string]string{
		"content-type":  {"value": "text/html; charset=utf-8"},
		"cache-control": {"value": "no-cache"},
	}
	for _, h := range webpolicy.Headers(true) {
		headers[strings.ToLower(h.Name)] = map[string]string{"value": h.Value}
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err) // maps of strings and a string always marshal
		}
		return string(b)
	}
	return fmt.Sprintf(`var files = %s;
var notFound = %s;
var notFoundHeaders = %s;
function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last !== '' && last.indexOf('.') === -1) {
    request.uri += '.html';
  }
  if (notFound !== '' && request.uri !== '/' && !files[request.uri]) {
    return { statusCode: 404, statusDescription: 'Not Found', headers: notFoundHeaders, body: { encoding: 'text', data: notFound } };
  }
  return request;
}`, js(known), js(s.notFound), js(headers))
}

// viewerIP is the viewer-request function of the API's behavior. API Gateway sees CloudFront's edge server as
// the caller, so the function passes the viewer's own address on, for per-address rate limits; it overwrites
// anything a viewer sent under that name. The API trusts the header only with the origin secret beside it.
var viewerIP = fmt.Sprintf(`function handler(event) {
  var request = event.request;
  request.headers['%s'] = { value: event.viewer.ip };
  return request;
}`, httpapi.ViewerIPHeader)

// newOriginSecret creates the secret CloudFront adds to every request it forwards to the API, so the functions
// can tell a request that came through the portal (and trust its viewer address) from one sent to API Gateway
// directly. Letters and digits only: it travels as a header value.
func newOriginSecret(scope awscdk.Stack) awssecretsmanager.Secret {
	secret := awssecretsmanager.NewSecret(scope, jsii.String("OriginSecret"), &awssecretsmanager.SecretProps{
		Description: jsii.String("PartnerHub origin secret: proves an API request came through the portal's distribution"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(48),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
	})
	waive(secret, waiver{rule: "SMG4", reason: "The distribution's origin header holds this value through a dynamic reference that CloudFormation resolves only when it deploys the stack, " +
		"so a scheduled rotation would leave CloudFront sending the old value and the functions would stop trusting the viewer address until the next deploy."})
	return secret
}

// logRetention is how long the access logs of the distribution and the bucket are kept.
const logRetention = 90 // days

// newAccessLogs creates the bucket that receives the portal bucket's server access logs (web/) and the
// distribution's standard logs (cloudfront/). CloudFront's standard logging writes through an ACL grant, so the
// bucket keeps ACLs enabled (bucket owner preferred); it is otherwise as private as the portal bucket.
func newAccessLogs(stack awscdk.Stack) awss3.Bucket {
	logs := awss3.NewBucket(stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Expiration: awscdk.Duration_Days(jsii.Number(logRetention)),
		}},
	})
	waive(logs, waiver{rule: "S1", reason: "This is the access-log bucket itself: logging its own access would log every delivery of a log."})
	return logs
}

// portal is the web client's bucket and the distribution that serves it and the API on one origin.
type portal struct {
	bucket       awss3.Bucket
	distribution awscloudfront.Distribution
	// url is the portal's origin, https://<domain>, without a trailing slash.
	url string
}

// newPortal creates the private bucket of the web client and the CloudFront distribution in front of it and of
// the API, behind the web ACL of that ARN (newEdge). One origin for both means the session cookie can be
// SameSite=Strict and no CORS is needed.
func newPortal(stack awscdk.Stack, props *StackProps, api *httpAPI, originSecret awssecretsmanager.Secret, webACL *string) *portal {
	logs := newAccessLogs(stack)
	bucket := awss3.NewBucket(stack, jsii.String("Web"), &awss3.BucketProps{
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:             jsii.Bool(true),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("web/"),
	})

	files, err := readSite(props.WebDir)
	if err != nil {
		panic(fmt.Sprintf("read the web client in %s: %v", props.WebDir, err))
	}
	rewrite := awscloudfront.NewFunction(stack, jsii.String("CleanUrls"), &awscloudfront.FunctionProps{
		Comment: jsii.String("Serves /page from page.html, and the portal's 404 page for what is no file of it"),
		Code:    awscloudfront.FunctionCode_FromInline(jsii.String(viewerRequest(files))),
		Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
	})
	forwardViewer := awscloudfront.NewFunction(stack, jsii.String("ViewerAddress"), &awscloudfront.FunctionProps{
		Comment: jsii.String("Passes the viewer's address on to the API"),
		Code:    awscloudfront.FunctionCode_FromInline(jsii.String(viewerIP)),
		Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
	})
	headers := newSecurityHeaders(stack)
	dist := &awscloudfront.DistributionProps{
		Comment:                jsii.String("PartnerHub portal and API"),
		DefaultRootObject:      jsii.String("index.html"),
		WebAclId:               webACL,
		MinimumProtocolVersion: awscloudfront.SecurityPolicyProtocol_TLS_V1_2_2021,
		HttpVersion:            awscloudfront.HttpVersion_HTTP2_AND_3,
		EnableLogging:          jsii.Bool(true),
		LogBucket:              logs,
		LogFilePrefix:          jsii.String("cloudfront/"),
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: headers,
			Compress:              jsii.Bool(true),
			FunctionAssociations: &[]*awscloudfront.FunctionAssociation{{
				Function:  rewrite,
				EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST,
			}},
		},
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{
			// The API: never cached, every method, and everything the viewer sent (cookies, query strings,
			// Origin) except Host, which must be the API's own for API Gateway to route the request.
			apiPath: {
				Origin: awscloudfrontorigins.NewHttpOrigin(jsii.String(api.domain), &awscloudfrontorigins.HttpOriginProps{
					ProtocolPolicy: awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
					// A dynamic reference: CloudFormation resolves it at deploy time, the template never holds it.
					CustomHeaders: &map[string]*string{httpapi.OriginSecretHeader: originSecret.SecretValue().UnsafeUnwrap()},
				}),
				FunctionAssociations: &[]*awscloudfront.FunctionAssociation{{
					Function:  forwardViewer,
					EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST,
				}},
				ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
				AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_ALL(),
				CachePolicy:          awscloudfront.CachePolicy_CACHING_DISABLED(),
				// Every viewer header but Host (API Gateway answers to its own). The CloudFront guide lists only
				// viewer headers for this managed policy, so the viewer's place (CloudFront-Viewer-City, -Country,
				// which a new session records: httpapi.Request.Client) may not reach the API: a session then shows
				// its device and masked address without a place. No custom policy adds CloudFront's headers
				// without forwarding Host too (allViewerAndWhitelistCloudFront), which API Gateway would refuse.
				OriginRequestPolicy:   awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
				ResponseHeadersPolicy: headers,
			},
		},
	}
	if props.PortalDomain != "" {
		dist.DomainNames = jsii.Strings(props.PortalDomain)
		dist.Certificate = awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("PortalCertificate"), jsii.String(props.PortalCertificateARN))
	}
	distribution := awscloudfront.NewDistribution(stack, jsii.String("Portal"), dist)
	waivePortal(distribution, props)

	p := &portal{bucket: bucket, distribution: distribution, url: "https://" + *distribution.DistributionDomainName()}
	if props.PortalDomain != "" {
		p.url = "https://" + props.PortalDomain
	}
	if hasFiles(props.WebDir) {
		deployLogs := awslogs.NewLogGroup(stack, jsii.String("WebDeploymentLogs"), &awslogs.LogGroupProps{
			Retention:     awslogs.RetentionDays_ONE_MONTH,
			RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		})
		awss3deployment.NewBucketDeployment(stack, jsii.String("WebDeployment"), &awss3deployment.BucketDeploymentProps{
			Role:              newDeploymentRole(stack, deployLogs),
			Sources:           &[]awss3deployment.ISource{awss3deployment.Source_Asset(jsii.String(props.WebDir), nil)},
			DestinationBucket: bucket,
			// The files keep their names from one release to the next, so browsers must revalidate them.
			CacheControl:      &[]awss3deployment.CacheControl{awss3deployment.CacheControl_NoCache()},
			Distribution:      distribution,
			DistributionPaths: jsii.Strings("/*"),
			LogGroup:          deployLogs,
		})
		// The function CDK runs the deployment with is a singleton of aws-cdk-lib's, named with a fixed uuid.
		if handler := childWithPrefix(stack, "Custom::CDKBucketDeployment"); handler != nil {
			waive(handler, waiver{rule: "L1", reason: "aws-cdk-lib's BucketDeployment picks this function's Python runtime, " +
				"which moves with CDK upgrades; it runs only while CloudFormation deploys the stack."})
		}
	}
	return p
}

// newDeploymentRole is the role of the function that copies the web client to the bucket: it writes to its own
// log group only, not through AWSLambdaBasicExecutionRole. BucketDeployment adds its grants.
func newDeploymentRole(stack awscdk.Stack, logs awslogs.LogGroup) awsiam.Role {
	role := awsiam.NewRole(stack, jsii.String("WebDeploymentRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Copies the web client to the portal bucket and invalidates the distribution"),
	})
	logs.GrantWrite(role)
	waive(role, waiver{rule: "IAM5", reason: "These are BucketDeployment's own grants: S3's GetObject*, List*, DeleteObject* and Abort* action families " +
		"on the CDK bootstrap asset bucket's objects and on the portal bucket's objects (it replaces the whole client), " +
		"and cloudfront:CreateInvalidation/GetInvalidation, which it grants on *."})
	return role
}

// waivePortal waives the AwsSolutions rules the distribution breaks on purpose.
func waivePortal(d awscloudfront.Distribution, props *StackProps) {
	ws := []waiver{
		{rule: "CFR1", reason: "Partners and their customers sign in from any country; the portal has no geographic restriction to enforce."},
	}
	if props.PortalDomain == "" {
		ws = append(ws, waiver{rule: "CFR4", reason: "Without PortalDomain the distribution serves the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; " +
			"with a portal domain and its certificate the minimum protocol is TLSv1.2_2021."})
	}
	waive(d, ws...)
}

// hasFiles reports whether dir exists and holds at least one regular file.
func hasFiles(dir string) bool {
	if dir == "" {
		return false
	}
	found := false
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}
