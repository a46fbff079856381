package main

import (
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/webpolicy"
)

// TestSecurityHeaders checks the distribution's response headers policy against pkg/webpolicy, header by header
// and each overriding the origin's, and that both the portal's behavior and the API's use it.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	tmpl, cfn := synth(t)
	check(t, func() { tmpl.ResourceCountIs(jsii.String("AWS::CloudFront::ResponseHeadersPolicy"), jsii.Number(1)) })
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::CloudFront::ResponseHeadersPolicy"), obj{
			"ResponseHeadersPolicyConfig": like(obj{
				"SecurityHeadersConfig": obj{
					"ContentSecurityPolicy": obj{"ContentSecurityPolicy": webpolicy.ContentSecurityPolicy(), "Override": true},
					"ContentTypeOptions":    obj{"Override": true},
					"FrameOptions":          obj{"FrameOption": webpolicy.FrameOptions, "Override": true},
					"ReferrerPolicy":        obj{"ReferrerPolicy": webpolicy.ReferrerPolicy, "Override": true},
					"StrictTransportSecurity": obj{
						"AccessControlMaxAgeSec": webpolicy.HSTSMaxAge, "IncludeSubdomains": true, "Override": true,
					},
				},
				"CustomHeadersConfig": obj{"Items": []any{
					obj{"Header": "Permissions-Policy", "Value": webpolicy.PermissionsPolicy, "Override": true},
				}},
			}),
		})
	})
	policy := cfn.only(t, "AWS::CloudFront::ResponseHeadersPolicy")
	config := prop(cfn.Resources[cfn.only(t, "AWS::CloudFront::Distribution")].Properties, "DistributionConfig")
	if got := ref(prop(config, "DefaultCacheBehavior", "ResponseHeadersPolicyId")); got != policy {
		t.Errorf("the portal's behavior uses response headers policy %v, want %s", prop(config, "DefaultCacheBehavior", "ResponseHeadersPolicyId"), policy)
	}
	behaviors, _ := prop(config, "CacheBehaviors").([]any)
	found := false
	for _, b := range behaviors {
		if prop(b, "PathPattern") != apiPath {
			continue
		}
		found = true
		if got := ref(prop(b, "ResponseHeadersPolicyId")); got != policy {
			t.Errorf("the API's behavior uses response headers policy %v, want %s", prop(b, "ResponseHeadersPolicyId"), policy)
		}
	}
	if !found {
		t.Errorf("no behavior for %s", apiPath)
	}
}
