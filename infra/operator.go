package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// operatorOutputs names the functions an operator invokes (route.Operator), so that phctl finds the bootstrap
// function of a stage from its stack, PartnerHub-<stage>. Such a function gets no route, no event source and no
// resource policy: only a principal whose own IAM policy allows lambda:InvokeFunction on it can call it.
func operatorOutputs(stack awscdk.Stack, fns map[string]awslambda.Function) {
	awscdk.NewCfnOutput(stack, jsii.String(route.BootstrapOutput), &awscdk.CfnOutputProps{
		Value:       fns[route.Bootstrap].FunctionName(),
		Description: jsii.String("The function phctl bootstrap invokes to create the first administrator (lambda:InvokeFunction)"),
	})
}
