package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Stream mapping limits. A record that still fails after the retries (each retry halves the batch, so a poison
// record ends up alone) or that is older than streamMaxAge hours goes to the failure queue instead of blocking its shard.
const (
	streamBatch   = 10
	streamRetries = 5
	streamMaxAge  = 6 // hours
	sweepEvery    = 5 // minutes
)

// newFailureQueue creates the queue where the stream mappings send what their functions gave up on (its alarm is
// in alarms.go).
func newFailureQueue(stack awscdk.Stack) awssqs.Queue {
	q := awssqs.NewQueue(stack, jsii.String("MailFailures"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	waive(q, waiver{rule: "SQS3", reason: "This queue is itself a dead-letter queue: the stream mappings' on-failure destination (subscribeStream), " +
		"and the mail-feedback rule's dead-letter queue and its function's asynchronous on-failure destination (mailFeedback), " +
		"which cdk-nag does not recognize as one because no queue's redrive policy names it; nothing consumes it, an operator reads it after the alarm."})
	return q
}

// subscribeStream connects each stream function to the table's stream, filtered with the same filter the local
// stack's poller applies (table.StreamFilters: outbox inserts for the mailer, account and membership changes for
// the search indexer), so no other change invokes them.
func subscribeStream(data awsdynamodb.Table, failures awssqs.IQueue, fns map[string]awslambda.Function) {
	for _, f := range route.Functions {
		if f.Trigger != route.Stream {
			continue
		}
		filter, ok := table.StreamFilters[f.Name]
		if !ok {
			panic(fmt.Sprintf("stream function %s has no filter in table.StreamFilters", f.Name))
		}
		fns[f.Name].AddEventSource(awslambdaeventsources.NewDynamoEventSource(data, &awslambdaeventsources.DynamoEventSourceProps{
			StartingPosition:        awslambda.StartingPosition_LATEST,
			BatchSize:               jsii.Number(streamBatch),
			Filters:                 &[]*map[string]any{awslambda.FilterCriteria_Filter(ptr(filter.Pattern()))},
			BisectBatchOnError:      jsii.Bool(true),
			RetryAttempts:           jsii.Number(streamRetries),
			MaxRecordAge:            awscdk.Duration_Hours(jsii.Number(streamMaxAge)),
			ReportBatchItemFailures: jsii.Bool(true),
			OnFailure:               awslambdaeventsources.NewSqsDlq(failures),
		}))
	}
}

// schedule runs each schedule function every few minutes. A failed run is not retried: the next one picks up
// whatever is still due.
func schedule(stack awscdk.Stack, fns map[string]awslambda.Function) {
	for _, f := range route.Functions {
		if f.Trigger != route.Schedule {
			continue
		}
		awsevents.NewRule(stack, jsii.String(pascal(f.Name)+"Schedule"), &awsevents.RuleProps{
			Description: jsii.String("Runs " + f.Name),
			Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(sweepEvery))),
			Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fns[f.Name], &awseventstargets.LambdaFunctionProps{
				RetryAttempts: jsii.Number(0),
			})},
		})
	}
}

func ptr[T any](v T) *T { return &v }
