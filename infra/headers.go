package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/webpolicy"
)

// newSecurityHeaders is the distribution's response headers policy, built from pkg/webpolicy, which the local
// gateway sends too. Every header overrides whatever the origin sent, so neither S3 metadata nor a function can
// loosen it. It is attached to the portal's files and to the API: the CSP and the rest cost a JSON answer
// nothing, and a logo (/v1/logos/{id}) or an error page opened on its own is then under the same rules.
func newSecurityHeaders(stack awscdk.Stack) awscloudfront.ResponseHeadersPolicy {
	return awscloudfront.NewResponseHeadersPolicy(stack, jsii.String("SecurityHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("PartnerHub security headers (pkg/webpolicy)"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(webpolicy.ContentSecurityPolicy()),
				Override:              jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions: &awscloudfront.ResponseHeadersFrameOptions{
				FrameOption: frameOption(webpolicy.FrameOptions),
				Override:    jsii.Bool(true),
			},
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: referrerPolicy(webpolicy.ReferrerPolicy),
				Override:       jsii.Bool(true),
			},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Seconds(jsii.Number(webpolicy.HSTSMaxAge)),
				IncludeSubdomains:   jsii.Bool(true),
				Override:            jsii.Bool(true),
			},
		},
		// Permissions-Policy has no typed setting in CloudFront: a custom header.
		CustomHeadersBehavior: &awscloudfront.ResponseCustomHeadersBehavior{
			CustomHeaders: &[]*awscloudfront.ResponseCustomHeader{{
				Header:   jsii.String("Permissions-Policy"),
				Value:    jsii.String(webpolicy.PermissionsPolicy),
				Override: jsii.Bool(true),
			}},
		},
	})
}

// frameOption is CloudFront's setting for an X-Frame-Options value. jsii knows its enums by member name, not by
// value, so the values are mapped here; a value CloudFront has no setting for stops the synthesis.
func frameOption(value string) awscloudfront.HeadersFrameOption {
	switch value {
	case "DENY":
		return awscloudfront.HeadersFrameOption_DENY
	case "SAMEORIGIN":
		return awscloudfront.HeadersFrameOption_SAMEORIGIN
	}
	panic(fmt.Sprintf("X-Frame-Options %q has no CloudFront setting", value))
}

// referrerPolicy is CloudFront's setting for a Referrer-Policy value (see frameOption).
func referrerPolicy(value string) awscloudfront.HeadersReferrerPolicy {
	switch value {
	case "no-referrer":
		return awscloudfront.HeadersReferrerPolicy_NO_REFERRER
	case "same-origin":
		return awscloudfront.HeadersReferrerPolicy_SAME_ORIGIN
	case "strict-origin":
		return awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN
	case "strict-origin-when-cross-origin":
		return awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN_WHEN_CROSS_ORIGIN
	}
	panic(fmt.Sprintf("Referrer-Policy %q has no CloudFront setting", value))
}
