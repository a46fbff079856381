package main

import (
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/feedback"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Retries of an email event. EventBridge retries an invocation Lambda refused (throttled, unavailable) for up to
// feedbackMaxAge; Lambda retries an invocation whose function failed (the table unavailable) feedbackRetries
// times. Past either, the event goes to the failure queue, as stream records the functions gave up on do.
const (
	feedbackRetries = 2
	feedbackMaxAge  = 6 // hours, as streamMaxAge
)

// feedbackEvents are the SES events the configuration set publishes: what says something lasting about an
// address (a hard bounce, a complaint) and what clears it (a delivery). REJECT (a virus in our own email) and the
// engagement events say nothing about the address and are not published.
var feedbackEvents = []awsses.EmailSendingEvent{awsses.EmailSendingEvent_BOUNCE, awsses.EmailSendingEvent_COMPLAINT, awsses.EmailSendingEvent_DELIVERY}

// mailFeedback publishes the configuration set's bounces, complaints and deliveries to EventBridge's default bus,
// where a rule hands each to the mail-feedback function (every route.MailEvents function; there is one).
//
// EventBridge rather than an SNS topic: SES v2 publishes to the default bus with no resource of ours in between
// (no topic to encrypt with a key SES must be allowed to use, no subscription), a rule filters on the
// configuration set's own tag so that stages deployed side by side in one account each get only their emails'
// events, the rule's target has its own retry policy and dead-letter queue, and the lifecycle events of issue 13
// will travel on EventBridge too.
func mailFeedback(stack awscdk.Stack, m *mail, failures awssqs.IQueue, fns map[string]awslambda.Function) {
	for _, f := range route.Functions {
		if f.Trigger != route.MailEvents {
			continue
		}
		fn := fns[f.Name]
		bus := awsevents.EventBus_FromEventBusName(stack, jsii.String("DefaultBus"), jsii.String("default"))
		m.set.AddEventDestination(jsii.String("MailFeedbackDestination"), &awsses.ConfigurationSetEventDestinationOptions{
			Destination: awsses.EventDestination_EventBus(bus),
			Events:      &feedbackEvents,
		})
		var detailTypes []*string
		for _, t := range slices.Sorted(maps.Values(feedback.DetailTypes)) {
			detailTypes = append(detailTypes, jsii.String(t))
		}
		awsevents.NewRule(stack, jsii.String(pascal(f.Name)+"Rule"), &awsevents.RuleProps{
			Description: jsii.String("SES bounces, complaints and deliveries of this stack's configuration set, to " + f.Name),
			EventPattern: &awsevents.EventPattern{
				Source:     jsii.Strings(feedback.Source),
				DetailType: &detailTypes,
				Detail: &map[string]any{"mail": map[string]any{"tags": map[string]any{
					feedback.TagConfigurationSet: []any{m.set.ConfigurationSetName()},
				}}},
			},
			Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
				DeadLetterQueue: failures,
				RetryAttempts:   jsii.Number(feedbackRetries),
				MaxEventAge:     awscdk.Duration_Hours(jsii.Number(feedbackMaxAge)),
			})},
		})
		fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
			RetryAttempts: jsii.Number(feedbackRetries),
			MaxEventAge:   awscdk.Duration_Hours(jsii.Number(feedbackMaxAge)),
			OnFailure:     awslambdadestinations.NewSqsDestination(failures),
		})
	}
}
