package main

import (
	"encoding/json"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

func TestTable(t *testing.T) {
	tmpl, cfn := synth(t)
	def := table.Main
	key := func(pk, sk string) []any {
		return []any{obj{"AttributeName": pk, "KeyType": "HASH"}, obj{"AttributeName": sk, "KeyType": "RANGE"}}
	}
	check(t, func() { tmpl.ResourceCountIs(jsii.String("AWS::DynamoDB::Table"), jsii.Number(1)) })
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), obj{
			"KeySchema":                        key(def.PartitionKey, def.SortKey),
			"BillingMode":                      "PAY_PER_REQUEST",
			"StreamSpecification":              obj{"StreamViewType": string(def.StreamView)},
			"TimeToLiveSpecification":          obj{"AttributeName": def.TTLAttribute, "Enabled": true},
			"PointInTimeRecoverySpecification": obj{"PointInTimeRecoveryEnabled": true},
			"DeletionProtectionEnabled":        true,
		})
	})
	check(t, func() {
		tmpl.HasResource(jsii.String("AWS::DynamoDB::Table"), obj{"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
	})
	for _, ix := range def.Indexes {
		t.Run("index="+ix.Name, func(t *testing.T) {
			check(t, func() {
				tmpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), obj{
					"GlobalSecondaryIndexes": arrayWith(obj{
						"IndexName":  ix.Name,
						"KeySchema":  key(ix.PartitionKey, ix.SortKey),
						"Projection": obj{"ProjectionType": "ALL"},
					}),
				})
			})
		})
	}
	gsis, _ := cfn.Resources[cfn.only(t, "AWS::DynamoDB::Table")].Properties["GlobalSecondaryIndexes"].([]any)
	if len(gsis) != len(def.Indexes) {
		t.Errorf("%d indexes, want %d (table.Main.Indexes)", len(gsis), len(def.Indexes))
	}
}

func TestFunctions(t *testing.T) {
	tmpl, cfn := synth(t)
	// Helper functions (the web deployment's) have other handlers: count only ours.
	check(t, func() {
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::Lambda::Function"), obj{"Handler": "bootstrap"}, jsii.Number(float64(len(route.Functions))))
	})
	fns := cfn.functions()
	tableID := cfn.only(t, "AWS::DynamoDB::Table")
	secretID, originID := cfn.hmacKey(t), cfn.originSecret(t)
	distID := cfn.only(t, "AWS::CloudFront::Distribution")
	for _, f := range route.Functions {
		t.Run("fn="+f.Name, func(t *testing.T) {
			id, ok := fns[f.Name]
			if !ok {
				t.Fatalf("no Lambda function tagged %s=%s", FunctionTag, f.Name)
			}
			check(t, func() {
				tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), obj{
					"Tags":          arrayWith(obj{"Key": FunctionTag, "Value": f.Name}),
					"Runtime":       "provided.al2023",
					"Architectures": []any{"arm64"},
					"Handler":       "bootstrap",
					"TracingConfig": obj{"Mode": "Active"},
					"MemorySize":    assertions.Match_AnyValue(),
					"Timeout":       assertions.Match_AnyValue(),
					"LoggingConfig": obj{"LogGroup": obj{"Ref": assertions.Match_AnyValue()}},
				})
			})
			p := cfn.Resources[id].Properties
			if logs := cfn.Resources[ref(prop(p, "LoggingConfig", "LogGroup"))]; prop(logs.Properties, "RetentionInDays") == nil {
				t.Errorf("log group of %s has no retention", f.Name)
			}
			env, _ := prop(p, "Environment", "Variables").(obj)
			for _, name := range []string{"PH_ENV", "TABLE_NAME", "MAIL_FROM", "SES_CONFIGURATION_SET", "PORTAL_URL", "LOG_LEVEL"} {
				if _, ok := env[name]; !ok {
					t.Errorf("%s has no %s", f.Name, name)
				}
			}
			if env["PH_ENV"] != "aws" || ref(env["TABLE_NAME"]) != tableID || env["MAIL_FROM"] != "PartnerHub <"+testSender+">" {
				t.Errorf("%s: PH_ENV=%v TABLE_NAME=%v MAIL_FROM=%v", f.Name, env["PH_ENV"], env["TABLE_NAME"], env["MAIL_FROM"])
			}
			if parts := joined(env["PORTAL_URL"]); len(parts) != 2 || parts[0] != "https://" || !sameAtt(parts[1], distID, "DomainName") {
				t.Errorf("%s: PORTAL_URL=%v, want https:// + the distribution's domain", f.Name, env["PORTAL_URL"])
			}
			secret, has := env["HMAC_SECRET_ARN"]
			if has != f.NeedsKey || (has && ref(secret) != secretID) {
				t.Errorf("%s: HMAC_SECRET_ARN=%v, NeedsKey=%v", f.Name, secret, f.NeedsKey)
			}
			origin, has := env["ORIGIN_SECRET_ARN"]
			if has != (f.Trigger == route.HTTP) || (has && ref(origin) != originID) {
				t.Errorf("%s: ORIGIN_SECRET_ARN=%v, want the origin secret exactly on API functions", f.Name, origin)
			}
		})
	}
}

func sameAtt(v any, id, attr string) bool {
	gotID, gotAttr := getAtt(v)
	return gotID == id && gotAttr == attr
}

func TestRoutes(t *testing.T) {
	tmpl, cfn := synth(t)
	check(t, func() {
		tmpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Route"), jsii.Number(float64(len(route.Routes))))
	})
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), obj{
			"StageName":  "$default",
			"AutoDeploy": true,
			"DefaultRouteSettings": obj{
				"ThrottlingRateLimit":  assertions.Match_AnyValue(),
				"ThrottlingBurstLimit": assertions.Match_AnyValue(),
			},
		})
	})
	byKey := map[string]resource{}
	for _, r := range cfn.ofType("AWS::ApiGatewayV2::Route") {
		byKey[prop(r.Properties, "RouteKey").(string)] = r
	}
	fns := cfn.functions()
	for _, r := range route.Routes {
		t.Run("route="+r.Key(), func(t *testing.T) {
			check(t, func() {
				tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Route"), obj{"RouteKey": r.Key()})
			})
			parts := joined(byKey[r.Key()].Properties["Target"])
			if len(parts) != 2 || parts[0] != "integrations/" {
				t.Fatalf("target %v", byKey[r.Key()].Properties["Target"])
			}
			in := cfn.Resources[ref(parts[1])].Properties
			if in["IntegrationType"] != "AWS_PROXY" || in["PayloadFormatVersion"] != "2.0" || !sameAtt(in["IntegrationUri"], fns[r.Function], "Arn") {
				t.Errorf("integration %v, want AWS_PROXY 2.0 to %s", in, r.Function)
			}
		})
	}
}

func TestHMACKey(t *testing.T) {
	tmpl, cfn := synth(t)
	check(t, func() { tmpl.HasResource(jsii.String("AWS::SecretsManager::Secret"), obj{"DeletionPolicy": "Retain"}) })
	gen, _ := cfn.Resources[cfn.hmacKey(t)].Properties["GenerateSecretString"].(obj)
	if gen["PasswordLength"] != float64(64) {
		t.Errorf("PasswordLength %v, want 64", gen["PasswordLength"])
	}
	// What Secrets Manager may still pick from: printable ASCII less the exclusions.
	excluded, _ := gen["ExcludeCharacters"].(string)
	var alphabet []rune
	for c := '!'; c <= '~'; c++ {
		switch {
		case strings.ContainsRune(excluded, c),
			gen["ExcludeUppercase"] == true && 'A' <= c && c <= 'Z',
			gen["ExcludeLowercase"] == true && 'a' <= c && c <= 'z',
			gen["ExcludeNumbers"] == true && '0' <= c && c <= '9',
			gen["ExcludePunctuation"] == true && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c):
			continue
		}
		alphabet = append(alphabet, c)
	}
	if string(alphabet) != "0123456789abcdef" || gen["IncludeSpace"] == true {
		t.Errorf("the key is drawn from %q, want lowercase hex", string(alphabet))
	}
}

// TestHMACKeyRotation: the HMAC key rotates every 90 days through the key-rotation function, which Secrets
// Manager may invoke, and the key is no longer waived from cdk-nag's rotation rule (TestNag holds the rest).
func TestHMACKeyRotation(t *testing.T) {
	tmpl, cfn := synth(t)
	keyID, fnID := cfn.hmacKey(t), cfn.functions()[route.KeyRotation]
	var schedules []obj
	for _, r := range cfn.Resources {
		if r.Type == "AWS::SecretsManager::RotationSchedule" {
			schedules = append(schedules, r.Properties)
		}
	}
	if len(schedules) != 1 {
		t.Fatalf("%d rotation schedules, want 1 (the HMAC key's)", len(schedules))
	}
	s := schedules[0]
	if ref(s["SecretId"]) != keyID || !sameAtt(s["RotationLambdaARN"], fnID, "Arn") {
		t.Errorf("rotation schedule %v, want the HMAC key rotated by the key-rotation function", s)
	}
	if rules, _ := s["RotationRules"].(obj); rules["ScheduleExpression"] != "rate(90 days)" {
		t.Errorf("rotation rules %v, want every 90 days", rules)
	}
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), obj{
			"Action": "lambda:InvokeFunction", "Principal": "secretsmanager.amazonaws.com",
			"FunctionName": obj{"Fn::GetAtt": []any{fnID, "Arn"}},
		})
	})
	if meta, _ := cfn.Resources[keyID].Metadata["cdk_nag"].(obj); meta != nil {
		if rules, _ := meta["rules_to_suppress"].([]any); len(rules) > 0 {
			for _, r := range rules {
				if m, _ := r.(obj); m["id"] == "AwsSolutions-SMG4" {
					t.Error("the HMAC key still waives SMG4 (no rotation)")
				}
			}
		}
	}
}

func TestMail(t *testing.T) {
	tmpl, _ := synth(t)
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::SES::EmailIdentity"), obj{
			"EmailIdentity":              testDomain,
			"ConfigurationSetAttributes": obj{"ConfigurationSetName": obj{"Ref": assertions.Match_AnyValue()}},
		})
	})
	check(t, func() { tmpl.ResourceCountIs(jsii.String("AWS::SES::ConfigurationSet"), jsii.Number(1)) })
}

func TestPortal(t *testing.T) {
	tmpl, cfn := synth(t)
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), obj{
			"PublicAccessBlockConfiguration": obj{
				"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
			},
		})
	})
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), obj{
			"PolicyDocument": like(obj{"Statement": arrayWith(like(obj{
				"Effect":    "Deny",
				"Condition": obj{"Bool": obj{"aws:SecureTransport": "false"}},
			}))}),
		})
	})
	check(t, func() { tmpl.ResourceCountIs(jsii.String("Custom::CDKBucketDeployment"), jsii.Number(1)) })
	apiOrigin := assertions.NewCapture(nil)
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), obj{
			"DistributionConfig": like(obj{
				"DefaultCacheBehavior": like(obj{
					"ViewerProtocolPolicy": "redirect-to-https",
					"FunctionAssociations": []any{obj{"EventType": "viewer-request", "FunctionARN": assertions.Match_AnyValue()}},
				}),
				"CacheBehaviors": arrayWith(like(obj{
					"PathPattern":    apiPath,
					"TargetOriginId": apiOrigin,
					"AllowedMethods": []any{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"},
					"CachePolicyId":  *awscloudfront.CachePolicy_CACHING_DISABLED().CachePolicyId(),
					// All viewer headers but Host, and CloudFront's: the viewer's place reaches a sign-in.
					"OriginRequestPolicyId": *awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER().OriginRequestPolicyId(),
					// Passes the viewer's address on (see TestViewerAddress).
					"FunctionAssociations": []any{obj{"EventType": "viewer-request", "FunctionARN": assertions.Match_AnyValue()}},
				})),
			}),
		})
	})
	if t.Failed() {
		return
	}
	apiID := cfn.only(t, "AWS::ApiGatewayV2::Api")
	origins, _ := prop(cfn.Resources[cfn.only(t, "AWS::CloudFront::Distribution")].Properties, "DistributionConfig", "Origins").([]any)
	for _, o := range origins {
		if prop(o, "Id") == *apiOrigin.AsString() {
			if parts := joined(prop(o, "DomainName")); len(parts) == 0 || ref(parts[0]) != apiID {
				t.Errorf("the /v1/* origin is %v, want the HTTP API", prop(o, "DomainName"))
			}
			// The origin secret rides along as a dynamic reference, resolved at deploy time: never in the template.
			headers, _ := prop(o, "OriginCustomHeaders").([]any)
			if len(headers) != 1 || prop(headers[0], "HeaderName") != httpapi.OriginSecretHeader {
				t.Fatalf("the API origin's custom headers are %v, want %s", headers, httpapi.OriginSecretHeader)
			}
			value, _ := json.Marshal(prop(headers[0], "HeaderValue"))
			if !strings.Contains(string(value), "resolve:secretsmanager:") || !strings.Contains(string(value), cfn.originSecret(t)) {
				t.Errorf("%s is %s, want a dynamic reference to the origin secret", httpapi.OriginSecretHeader, value)
			}
			return
		}
	}
	t.Errorf("no origin %s", *apiOrigin.AsString())
}

// TestViewerAddress runs the API behavior's viewer-request function in Node.js: it sets the viewer's address,
// overwriting whatever a viewer sent under that header.
func TestViewerAddress(t *testing.T) {
	t.Parallel()
	script := viewerIP + `
const out = handler({viewer: {ip: "203.0.113.7"}, request: {headers: {"` + httpapi.ViewerIPHeader + `": {value: "10.0.0.1"}}}});
console.log(JSON.stringify(out.headers));`
	out, err := exec.Command("node", "-e", script).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var headers map[string]struct{ Value string }
	if err := json.Unmarshal(out, &headers); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if got := headers[httpapi.ViewerIPHeader].Value; got != "203.0.113.7" {
		t.Fatalf("%s = %q, want the viewer's address", httpapi.ViewerIPHeader, got)
	}
}

// TestNotFoundPage checks that the synthesized distribution answers an address that is no file of the web client
// with the portal's 404 page from the web behavior's viewer-request function, and not with error responses,
// which CloudFront would apply to the API's behavior too (its 403 and 404 problem documents).
func TestNotFoundPage(t *testing.T) {
	_, cfn := synth(t)
	dist := cfn.Resources[cfn.only(t, "AWS::CloudFront::Distribution")].Properties
	if got := prop(dist, "DistributionConfig", "CustomErrorResponses"); got != nil {
		t.Errorf("the distribution has error responses %v: they would replace the API's own 403 and 404 answers", got)
	}
	var code string
	for _, f := range cfn.ofType("AWS::CloudFront::Function") {
		if c, _ := prop(f.Properties, "FunctionCode").(string); strings.Contains(c, "request.uri += '.html'") {
			code = c
		}
	}
	if code == "" {
		t.Fatal("no viewer-request function serves clean URLs")
	}
	page, _ := json.Marshal(testNotFoundPage)
	if !strings.Contains(code, string(page)) || !strings.Contains(code, "statusCode: 404") {
		t.Errorf("the portal's viewer-request function does not answer 404 with the web client's 404 page:\n%s", code)
	}
}

// TestViewerRequestAnswersUnknownAddressesWith404 runs the portal's viewer-request function, built from the real
// web client, in Node.js: pages and files pass (clean URLs as ever), anything else is the 404 page with status
// 404 and the security headers, and the function stays within CloudFront Functions' 10 KB.
func TestViewerRequestAnswersUnknownAddressesWith404(t *testing.T) {
	t.Parallel()
	web, err := readSite("../web")
	if err != nil {
		t.Fatal(err)
	}
	if web.notFound == "" {
		t.Fatal("the web client has no 404.html")
	}
	code := viewerRequest(web)
	if len(code) > 10*1024 {
		t.Errorf("the viewer-request function is %d bytes, more than CloudFront Functions' 10 KB", len(code))
	}
	script := code + `
for (const uri of process.argv.slice(1)) {
  const out = handler({request: {uri}});
  console.log(out.statusCode ? out.statusCode + (out.body.data.includes("We could not find that page") ? "+page" : "") + (out.headers["content-security-policy"] ? "+csp" : "") : out.uri);
}`
	cases := map[string]string{
		"/": "/", "/activate": "/activate.html", "/index.html": "/index.html", "/js/api.js": "/js/api.js",
		"/docs/api": "/docs/api.html", "/nowhere": "404+page+csp", "/js/nope.js": "404+page+csp", "/js/": "404+page+csp",
		"/users/extra": "404+page+csp",
	}
	in := slices.Sorted(maps.Keys(cases))
	cmd := exec.Command("node", append([]string{"-e", script}, in...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v: %s", err, stderr.String())
	}
	got := strings.Fields(string(out))
	for i, uri := range in {
		if i >= len(got) || got[i] != cases[uri] {
			t.Errorf("%s is answered with %v, want %s", uri, got, cases[uri])
		}
	}
}

// TestCleanURLs runs the portal's viewer-request function in Node.js (which jsii needs anyway): the links in
// emails use clean URLs, as the local gateway serves them.
func TestCleanURLs(t *testing.T) {
	t.Parallel()
	script := cleanURLs + `
for (const uri of process.argv.slice(1)) console.log(handler({request: {uri}}).uri);`
	cases := map[string]string{
		"/": "/", "/activate": "/activate.html", "/index.html": "/index.html", "/js/api.js": "/js/api.js",
		"/reset": "/reset.html", "/js/": "/js/",
	}
	in := slices.Sorted(maps.Keys(cases))
	cmd := exec.Command("node", append([]string{"-e", script}, in...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v: %s", err, stderr.String())
	}
	got := strings.Fields(string(out))
	for i, uri := range in {
		if i >= len(got) || got[i] != cases[uri] {
			t.Errorf("%s is served from %v, want %s", uri, got, cases[uri])
		}
	}
}

func TestOutputs(t *testing.T) {
	tmpl, _ := synth(t)
	// The test stack has a sender domain, so the DKIM records to publish are outputs too.
	for _, name := range []string{"ApiUrl", "PortalUrl", "TableName", "FailureQueueUrl", "HmacKeySecretArn", "DkimRecord1", "DkimRecord2", "DkimRecord3", "MailFromRecord1", "MailFromRecord2", "DmarcRecord", "DashboardUrl"} {
		check(t, func() { tmpl.HasOutput(jsii.String(name), obj{"Value": assertions.Match_AnyValue()}) })
	}
}

func TestStackPropsValidate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		props StackProps
		ok    bool
	}{
		"case=domain":              {StackProps{AssetDir: "build", SenderDomain: "example.com", AlarmEmail: testAlarms}, true},
		"case=email":               {StackProps{AssetDir: "build", SenderEmail: "a@example.com", AlarmEmail: testAlarms}, true},
		"case=no-alarm-email":      {StackProps{AssetDir: "build", SenderDomain: "example.com"}, false},
		"case=no-assets":           {StackProps{SenderDomain: "example.com"}, false},
		"case=no-sender":           {StackProps{AssetDir: "build"}, false},
		"case=email-outside":       {StackProps{AssetDir: "build", SenderDomain: "example.com", SenderEmail: "a@other.org"}, false},
		"case=domain-without-cert": {StackProps{AssetDir: "build", SenderDomain: "example.com", PortalDomain: "p.example.com"}, false},
		"case=zone":                {StackProps{AssetDir: "build", SenderDomain: "mail.acme.io", HostedZoneID: "Z1", HostedZoneName: "acme.io.", AlarmEmail: testAlarms}, true},
		"case=zone-without-name":   {StackProps{AssetDir: "build", SenderDomain: "mail.acme.io", HostedZoneID: "Z1", AlarmEmail: testAlarms}, false},
		"case=zone-elsewhere":      {StackProps{AssetDir: "build", SenderDomain: "mail.acme.io", HostedZoneID: "Z1", HostedZoneName: "other.io", AlarmEmail: testAlarms}, false},
		"case=zone-not-a-suffix":   {StackProps{AssetDir: "build", SenderDomain: "mail.notacme.io", HostedZoneID: "Z1", HostedZoneName: "acme.io", AlarmEmail: testAlarms}, false},
		"case=zone-without-domain": {StackProps{AssetDir: "build", SenderEmail: "a@acme.io", HostedZoneID: "Z1", HostedZoneName: "acme.io", AlarmEmail: testAlarms}, false},
		"case=mail-from":           {StackProps{AssetDir: "build", SenderDomain: "mail.acme.io", MailFromDomain: "mf.mail.acme.io", AlarmEmail: testAlarms}, true},
		"case=mail-from-outside":   {StackProps{AssetDir: "build", SenderDomain: "mail.acme.io", MailFromDomain: "mf.acme.io", AlarmEmail: testAlarms}, false},
		"case=api-domain":          {StackProps{AssetDir: "build", SenderDomain: "example.com", AlarmEmail: testAlarms, APIDomain: "api.example.com", APICertificateARN: testAPICert}, true},
		"case=api-domain-no-cert":  {StackProps{AssetDir: "build", SenderDomain: "example.com", AlarmEmail: testAlarms, APIDomain: "api.example.com"}, false},
		"case=api-cert-no-domain":  {StackProps{AssetDir: "build", SenderDomain: "example.com", AlarmEmail: testAlarms, APICertificateARN: testAPICert}, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err := tc.props.validate(); (err == nil) != tc.ok {
				t.Errorf("validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	if got := (&StackProps{SenderDomain: "example.com"}).From(); got != "PartnerHub <no-reply@example.com>" {
		t.Errorf("From() = %q", got)
	}
}
