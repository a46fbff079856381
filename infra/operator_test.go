package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestBootstrapFunction checks the function phctl bootstrap invokes: it runs with the stack's environment but no
// key, the stack names it in an output, and nothing but an IAM principal allowed by its own policy can invoke
// it: no resource policy (API Gateway's or anyone's), no route, no event source, no schedule.
func TestBootstrapFunction(t *testing.T) {
	tmpl, cfn := synth(t)
	id, ok := cfn.functions()[route.Bootstrap]
	if !ok {
		t.Fatalf("no Lambda function tagged %s=%s", FunctionTag, route.Bootstrap)
	}
	tableID := cfn.only(t, "AWS::DynamoDB::Table")
	env, _ := prop(cfn.Resources[id].Properties, "Environment", "Variables").(obj)
	if env["PH_ENV"] != "aws" || ref(env["TABLE_NAME"]) != tableID || env["MAIL_FROM"] == nil || env["PORTAL_URL"] == nil {
		t.Errorf("environment %v, want the stack's", env)
	}
	for _, name := range []string{"HMAC_SECRET_ARN", "ORIGIN_SECRET_ARN"} {
		if v, has := env[name]; has {
			t.Errorf("%s=%v: the bootstrap function reads no secret", name, v)
		}
	}

	check(t, func() {
		tmpl.HasOutput(jsii.String(route.BootstrapOutput), obj{"Value": obj{"Ref": id}})
	})

	// The check below can see a permission: every API function has API Gateway's.
	if api := cfn.functions()[route.Health]; !slices.ContainsFunc(slices.Collect(maps.Values(cfn.ofType("AWS::Lambda::Permission"))),
		func(p resource) bool { return refersTo(p.Properties["FunctionName"], api) }) {
		t.Fatalf("no permission refers to the %s function: refersTo misses them", route.Health)
	}
	for pid, p := range cfn.ofType("AWS::Lambda::Permission") {
		if refersTo(p.Properties["FunctionName"], id) {
			t.Errorf("permission %s lets %v invoke the bootstrap function", pid, p.Properties["Principal"])
		}
	}
	check(t, func() {
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::Lambda::Permission"), obj{
			"Action":       "lambda:InvokeFunction",
			"FunctionName": assertions.Match_ObjectLike(&map[string]any{"Fn::GetAtt": []any{id, "Arn"}}),
			"Principal":    "apigateway.amazonaws.com",
		}, jsii.Number(0))
	})
	for mid, m := range cfn.ofType("AWS::Lambda::EventSourceMapping") {
		if refersTo(m.Properties["FunctionName"], id) {
			t.Errorf("event source mapping %s feeds the bootstrap function", mid)
		}
	}
	for rid, r := range cfn.ofType("AWS::Events::Rule") {
		if refersTo(r.Properties["Targets"], id) {
			t.Errorf("rule %s targets the bootstrap function", rid)
		}
	}
	for iid, i := range cfn.ofType("AWS::ApiGatewayV2::Integration") {
		if refersTo(i.Properties["IntegrationUri"], id) {
			t.Errorf("API integration %s calls the bootstrap function", iid)
		}
	}
}

// refersTo reports whether a template value mentions the logical id, by Ref or Fn::GetAtt, anywhere inside it.
func refersTo(v any, id string) bool {
	s := fmt.Sprint(v)
	return strings.Contains(s, "Ref:"+id+"]") || strings.Contains(s, "Fn::GetAtt:["+id+" ")
}
