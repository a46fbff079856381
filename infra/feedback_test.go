package main

import (
	"slices"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestMailFeedback: the configuration set publishes hard bounces, complaints and deliveries to the default event
// bus; a rule that matches SES's events of this configuration set only invokes the mail-feedback function, with
// bounded retries and the failure queue as dead-letter queue; the function's failed invocations go to the same
// queue; EventBridge may invoke it; and its role may do no more than read and update items of the table.
func TestMailFeedback(t *testing.T) {
	tmpl, cfn := synth(t)
	fns := cfn.functions()
	setID := cfn.only(t, "AWS::SES::ConfigurationSet")
	queueID := cfn.only(t, "AWS::SQS::Queue")
	var feedbackFns []route.Function
	for _, f := range route.Functions {
		if f.Trigger == route.MailEvents {
			feedbackFns = append(feedbackFns, f)
		}
	}
	if len(feedbackFns) != 1 || feedbackFns[0].Name != route.MailFeedback {
		t.Fatalf("mail event functions %v, want %s alone", feedbackFns, route.MailFeedback)
	}
	fn := fns[route.MailFeedback]

	t.Run("case=destination", func(t *testing.T) {
		types := assertions.NewCapture(nil)
		check(t, func() {
			tmpl.HasResourceProperties(jsii.String("AWS::SES::ConfigurationSetEventDestination"), obj{
				"ConfigurationSetName": obj{"Ref": setID},
				"EventDestination": like(obj{
					"Enabled":                true,
					"MatchingEventTypes":     types,
					"EventBridgeDestination": obj{"EventBusArn": assertions.Match_AnyValue()},
				}),
			})
		})
		if t.Failed() {
			return
		}
		var got []string
		for _, v := range *types.AsArray() {
			got = append(got, v.(string))
		}
		// CloudFormation names them in lower case.
		if want := []string{"bounce", "complaint", "delivery"}; !slices.Equal(sorted(got), want) {
			t.Errorf("event types %v, want %v", got, want)
		}
	})

	t.Run("case=rule", func(t *testing.T) {
		check(t, func() {
			tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), obj{
				"State": "ENABLED",
				"EventPattern": obj{
					"source":      []any{"aws.ses"},
					"detail-type": []any{"Email Bounced", "Email Complaint Received", "Email Delivered"},
					"detail":      obj{"mail": obj{"tags": obj{"ses:configuration-set": []any{obj{"Ref": setID}}}}},
				},
				"Targets": []any{like(obj{
					"Arn":              obj{"Fn::GetAtt": []any{fn, "Arn"}},
					"DeadLetterConfig": obj{"Arn": obj{"Fn::GetAtt": []any{queueID, "Arn"}}},
					"RetryPolicy":      obj{"MaximumRetryAttempts": feedbackRetries, "MaximumEventAgeInSeconds": feedbackMaxAge * 3600},
				})},
			})
		})
		check(t, func() {
			tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), obj{
				"Action":       "lambda:InvokeFunction",
				"FunctionName": obj{"Fn::GetAtt": []any{fn, "Arn"}},
				"Principal":    "events.amazonaws.com",
			})
		})
		// EventBridge may send what it could not deliver to the failure queue, and only from this rule.
		check(t, func() {
			tmpl.HasResourceProperties(jsii.String("AWS::SQS::QueuePolicy"), obj{
				"Queues": []any{obj{"Ref": queueID}},
				"PolicyDocument": like(obj{"Statement": arrayWith(like(obj{
					"Action":    "sqs:SendMessage",
					"Principal": obj{"Service": "events.amazonaws.com"},
					"Condition": obj{"ArnEquals": obj{"aws:SourceArn": assertions.Match_AnyValue()}},
				}))}),
			})
		})
	})

	t.Run("case=failures", func(t *testing.T) {
		check(t, func() {
			tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), obj{
				"FunctionName":             obj{"Ref": fn},
				"MaximumRetryAttempts":     feedbackRetries,
				"MaximumEventAgeInSeconds": feedbackMaxAge * 3600,
				"DestinationConfig":        obj{"OnFailure": obj{"Destination": obj{"Fn::GetAtt": []any{queueID, "Arn"}}}},
			})
		})
	})

	t.Run("case=permissions", func(t *testing.T) {
		roleID, _ := getAtt(cfn.Resources[fn].Properties["Role"])
		var actions []string
		for _, s := range cfn.statements(roleID) {
			actions = append(actions, s.Actions...)
		}
		// PutItem is the audit record of a bounce or a complaint, written with the state, and the home account's
		// mark of the dead address, which DeleteItem takes away when a delivery clears it.
		for _, want := range []string{"dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "sqs:SendMessage"} {
			if !slices.Contains(actions, want) {
				t.Errorf("the role lacks %s: %v", want, actions)
			}
		}
		for _, a := range actions {
			if slices.Contains([]string{"dynamodb:Query", "ses:SendEmail", "secretsmanager:GetSecretValue"}, a) {
				t.Errorf("the role may %s, which recording feedback never needs", a)
			}
		}
	})
}
