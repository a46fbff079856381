package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// The CDK tests run cdk-nag's AwsSolutions pack on the stack and fail on any finding left unsuppressed. Every
// rule the stack breaks on purpose is waived here, on the construct that breaks it, with the reason: a reviewer
// reads the exceptions where the resource is built, and a new resource starts with none.

// waiver is one AwsSolutions rule a construct breaks on purpose, and why.
type waiver struct {
	// rule is the rule's id without the pack's prefix, e.g. "IAM5".
	rule string
	// findings narrows the waiver to these findings of the rule: a string (e.g. "Resource::*") or a
	// cdknag.RegexAppliesTo. None waives the whole rule.
	findings []any
	reason   string
}

// waive attaches the waivers to c and every resource under it (a role and its default policy, an API's routes):
// every resource that exists when it is called, so call it once c's children are there.
func waive(c constructs.IConstruct, ws ...waiver) {
	list := make([]*cdknag.NagPackSuppression, 0, len(ws))
	for _, w := range ws {
		s := &cdknag.NagPackSuppression{Id: jsii.String("AwsSolutions-" + w.rule), Reason: jsii.String(w.reason)}
		if len(w.findings) > 0 {
			s.AppliesTo = &w.findings
		}
		list = append(list, s)
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &list, jsii.Bool(true))
}

// childWithPrefix returns the stack's direct child whose id starts with prefix, such as the singleton function
// CDK adds for a BucketDeployment ("Custom::CDKBucketDeployment<uuid>"), or nil.
func childWithPrefix(stack awscdk.Stack, prefix string) constructs.IConstruct {
	for _, c := range *stack.Node().Children() {
		if strings.HasPrefix(*c.Node().Id(), prefix) {
			return c
		}
	}
	return nil
}

// logicalID is the CloudFormation logical id of an L2 construct's resource, as cdk-nag names it in findings
// ("Resource::<TableCD117FA1.Arn>/index/*").
func logicalID(stack awscdk.Stack, c constructs.IConstruct) string {
	return *stack.GetLogicalId(c.Node().DefaultChild().(awscdk.CfnElement))
}
