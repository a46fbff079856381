package main

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// Alarm thresholds, and why each is where it is.
const (
	// durationShare: a function whose p99 duration passes 80% of its timeout (route.Trigger.Timeout) is a few slow
	// calls away from being killed mid-work, which the errors alarm would only report once it happens.
	durationShare = 0.8
	// api5xx: five server errors in five minutes. A single one (a lost race, one bad input) is logged with its
	// request id and, if a function crashed, raises that function's errors alarm already; five is a fault many
	// people meet — a stalled dependency answering 503, a bad deploy, Lambda throttling the integration.
	api5xx = 5
	// apiLatencyP99: a p99 over 3 s for 15 minutes. pkg/app's call bounds fail a stalled table in about 3.4 s, so
	// this is many requests waiting on a slow dependency, not one cold start.
	apiLatencyP99 = 3 * time.Second
	// iteratorAge: a sign-in code is valid for 60 seconds (DESIGN.md §2) and reaches its user through the
	// mailer's stream, so once the oldest record waits a minute, codes arrive dead; the search index is then as
	// stale. Held for 5 minutes, so one slow batch (SES retries) does not page anyone.
	iteratorAge = time.Minute
	// sesBounceRate and sesComplaintRate are where AWS puts an account's sending under review (5% and 0.1%);
	// past them SES may pause the account, and every activation and sign-in email with it.
	sesBounceRate    = 0.05
	sesComplaintRate = 0.001
	// heartbeatWindow: the sweep runs every sweepEvery minutes; no invocation in three runs means the schedule
	// or the function is gone, and nothing expires (invitations, grants, challenges) until someone looks.
	heartbeatWindow = 3 * sweepEvery * time.Minute
)

// tableOperations are the DynamoDB operations the functions make (route.Function TableActions; the transactions
// are TransactWriteItems), whose throttles and system errors are alarmed on and graphed.
var tableOperations = []awsdynamodb.Operation{
	awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_BATCH_GET_ITEM, awsdynamodb.Operation_QUERY,
	awsdynamodb.Operation_PUT_ITEM, awsdynamodb.Operation_UPDATE_ITEM, awsdynamodb.Operation_DELETE_ITEM,
	awsdynamodb.Operation_BATCH_WRITE_ITEM, awsdynamodb.Operation_TRANSACT_WRITE_ITEMS,
}

// errNoAlarmEmail is the error of a stack without an alarm address: an alarm that reaches no one is not an alarm,
// so the stack refuses to synthesize rather than deploy one.
var errNoAlarmEmail = errors.New("an alarm email is required: set PH_ALARM_EMAIL (or cdk -c partnerhub:alarmEmail=...) " +
	"to the address that receives the stack's alarms; it gets a confirmation email from SNS after the deploy")

// checkAlarmEmail accepts a bare address, as SNS's email protocol takes it: "ops@example.com", not
// "Ops <ops@example.com>", and with a dotted domain.
func checkAlarmEmail(email string) error {
	if email == "" {
		return errNoAlarmEmail
	}
	addr, err := netmail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return fmt.Errorf("alarm email %q is not a bare email address (PH_ALARM_EMAIL or partnerhub:alarmEmail, e.g. ops@example.com)", email)
	}
	return nil
}

// watched is what the alarms and the dashboard watch.
type watched struct {
	api      *httpAPI
	table    awsdynamodb.Table
	fns      map[string]awslambda.Function
	failures awssqs.IQueue
}

// monitor creates the alarm topic with its email subscription, the alarms, every one of which notifies the topic
// when it fires and when it clears, and the dashboard.
func monitor(stack awscdk.Stack, email string, w *watched) {
	a := &alarms{stack: stack, action: awscloudwatchactions.NewSnsAction(newAlarmTopic(stack, email))}
	for _, f := range route.Functions {
		a.function(f, w.fns[f.Name])
	}
	a.api(w.api)
	a.table(w.table)
	a.failureQueue(w.failures)
	a.ses()
	newDashboard(stack, w, a.all)
}

// newAlarmTopic creates the topic every alarm notifies and subscribes the alarm address to it. The topic is
// encrypted with its own key: CloudWatch cannot publish to a topic under the AWS-managed SNS key, whose policy
// does not let it use the key.
func newAlarmTopic(stack awscdk.Stack, email string) awssns.Topic {
	key := awskms.NewKey(stack, jsii.String("AlarmsKey"), &awskms.KeyProps{
		Description:       jsii.String("PartnerHub alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
		// Alarm notifications are not kept: SNS holds a message only until it is delivered.
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		PendingWindow: awscdk.Duration_Days(jsii.Number(7)),
	})
	// CloudWatch may use the key and the topic on behalf of this account's alarms only (no confused deputy).
	cloudwatch := awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)
	ownAlarms := &map[string]any{
		"ArnLike":      map[string]any{"aws:SourceArn": stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("cloudwatch"), Resource: jsii.String("alarm"), ResourceName: jsii.String("*"), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME})},
		"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
	}
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{cloudwatch},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		Conditions: ownAlarms,
	}), jsii.Bool(false))
	topic := awssns.NewTopic(stack, jsii.String("Alarms"), &awssns.TopicProps{
		DisplayName: jsii.String("PartnerHub alarms"),
		EnforceSSL:  jsii.Bool(true),
		MasterKey:   key,
	})
	// The topic's policy (EnforceSSL writes one) replaces SNS's default one, so it says that CloudWatch may publish.
	topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{cloudwatch},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  &[]*string{topic.TopicArn()},
		Conditions: ownAlarms,
	}))
	topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(email), nil))
	return topic
}

// alarms creates alarms that notify one topic, and remembers them for the dashboard.
type alarms struct {
	stack  awscdk.Stack
	action awscloudwatch.IAlarmAction
	all    []awscloudwatch.Alarm
}

// rule is when an alarm fires: the metric against the threshold in `of` consecutive periods, `breaching` of
// them over it.
type rule struct {
	threshold float64
	op        awscloudwatch.ComparisonOperator
	of        float64
	breaching float64
	// missingBreaches treats no data as over the threshold: for a heartbeat, silence is the failure.
	missingBreaches bool
}

// anyIn fires when the metric is above zero in one period.
var anyIn = rule{threshold: 0, op: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, of: 1, breaching: 1}

// add creates one alarm. Every alarm notifies the topic when it fires and again when it clears, so whoever
// received the first email learns that it is over.
func (a *alarms) add(id string, metric awscloudwatch.IMetric, r rule, description string) {
	missing := awscloudwatch.TreatMissingData_NOT_BREACHING
	if r.missingBreaches {
		missing = awscloudwatch.TreatMissingData_BREACHING
	}
	alarm := awscloudwatch.NewAlarm(a.stack, jsii.String(id), &awscloudwatch.AlarmProps{
		Metric:             metric,
		Threshold:          jsii.Number(r.threshold),
		ComparisonOperator: r.op,
		EvaluationPeriods:  jsii.Number(r.of),
		DatapointsToAlarm:  jsii.Number(r.breaching),
		TreatMissingData:   missing,
		AlarmDescription:   jsii.String(description),
	})
	alarm.AddAlarmAction(a.action)
	alarm.AddOkAction(a.action)
	a.all = append(a.all, alarm)
}

func minutes(n float64) awscdk.Duration { return awscdk.Duration_Minutes(jsii.Number(n)) }

func sum(period float64) *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{Period: minutes(period), Statistic: jsii.String("Sum")}
}

// function alarms on one function's errors (a crash or a timeout: HTTP functions answer client errors without
// one), throttles (the account's concurrency is spent: requests fail outright) and p99 duration near its
// timeout; on a stream function's iterator age; and on a schedule function's heartbeat. The errors alarm keeps
// the construct id it had before this file, so a deploy updates it in place.
func (a *alarms) function(f route.Function, fn awslambda.Function) {
	id := pascal(f.Name)
	a.add(id+"Errors", fn.MetricErrors(sum(5)), anyIn, f.Name+" returned errors")
	a.add(id+"Throttles", fn.MetricThrottles(sum(5)), anyIn, f.Name+" was throttled: Lambda refused to run it")
	limit := f.Trigger.Timeout()
	a.add(id+"Duration", fn.MetricDuration(&awscloudwatch.MetricOptions{Period: minutes(5), Statistic: jsii.String("p99")}),
		rule{threshold: float64(limit.Milliseconds()) * durationShare, op: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, of: 3, breaching: 2},
		fmt.Sprintf("%s's p99 duration is over %.0f%% of its %v timeout", f.Name, durationShare*100, limit))
	switch f.Trigger {
	case route.Stream:
		a.add(id+"IteratorAge", iteratorAgeOf(fn, 1),
			rule{threshold: float64(iteratorAge.Milliseconds()), op: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, of: 5, breaching: 5},
			fmt.Sprintf("%s is behind the table's stream by more than %v", f.Name, iteratorAge))
	case route.Schedule:
		a.add(id+"Heartbeat", fn.MetricInvocations(sum(heartbeatWindow.Minutes())),
			rule{threshold: 1, op: awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD, of: 1, breaching: 1, missingBreaches: true},
			fmt.Sprintf("%s has not run in %v (it runs every %d minutes)", f.Name, heartbeatWindow, sweepEvery))
	}
}

func iteratorAgeOf(fn awslambda.Function, period float64) awscloudwatch.Metric {
	return fn.Metric(jsii.String("IteratorAge"), &awscloudwatch.MetricOptions{Period: minutes(period), Statistic: jsii.String("Maximum")})
}

// api alarms on the HTTP API's server errors and p99 latency.
func (a *alarms) api(api *httpAPI) {
	a.add("Api5xx", api.api.MetricServerError(sum(5)),
		rule{threshold: api5xx, op: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD, of: 1, breaching: 1},
		fmt.Sprintf("The API answered %d or more 5xx in 5 minutes", api5xx))
	a.add("ApiLatency", api.api.MetricLatency(&awscloudwatch.MetricOptions{Period: minutes(5), Statistic: jsii.String("p99")}),
		rule{threshold: float64(apiLatencyP99.Milliseconds()), op: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, of: 3, breaching: 3},
		fmt.Sprintf("The API's p99 latency is over %v", apiLatencyP99))
}

// table alarms on the table's throttled requests and system errors. The table is on demand: a throttle means a
// hot partition or traffic past twice its previous peak, which the SDK's retries hide until they run out; a
// system error is DynamoDB failing.
func (a *alarms) table(t awsdynamodb.Table) {
	a.add("TableThrottles", t.MetricThrottledRequestsForOperations(&awsdynamodb.OperationsMetricOptions{
		Operations: &tableOperations, Period: minutes(5), Statistic: jsii.String("Sum"),
	}), anyIn, "The table throttled requests")
	a.add("TableSystemErrors", t.MetricSystemErrorsForOperations(&awsdynamodb.SystemErrorsForOperationsMetricOptions{
		Operations: &tableOperations, Period: minutes(5), Statistic: jsii.String("Sum"),
	}), anyIn, "DynamoDB answered requests with system errors")
}

// failureQueue alarms as soon as a message waits in the failure queue: an email that was never sent, or a change
// the search index missed (an account or a membership whose entries are stale until it changes again). The id is
// the one it had before this file.
func (a *alarms) failureQueue(q awssqs.IQueue) {
	a.add("MailFailuresAlarm", q.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: minutes(5), Statistic: jsii.String("Maximum"),
	}), anyIn, "Stream records the mailer or the search indexer gave up on are waiting in the failure queue")
}

// sesRate is one of the account's SES reputation metrics (a fraction: 0.05 is 5%), over an hour: SES computes
// them over a window of recent sending, not per email.
func sesRate(name string) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace: jsii.String("AWS/SES"), MetricName: jsii.String(name),
		Period: minutes(60), Statistic: jsii.String("Maximum"),
	})
}

// ses alarms on the account's bounce and complaint rates, at the levels where AWS reviews an account.
func (a *alarms) ses() {
	a.add("SesBounceRate", sesRate("Reputation.BounceRate"),
		rule{threshold: sesBounceRate, op: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD, of: 1, breaching: 1},
		fmt.Sprintf("SES bounce rate is %.0f%% or more: AWS reviews the account's sending", sesBounceRate*100))
	a.add("SesComplaintRate", sesRate("Reputation.ComplaintRate"),
		rule{threshold: sesComplaintRate, op: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD, of: 1, breaching: 1},
		fmt.Sprintf("SES complaint rate is %.1f%% or more: AWS reviews the account's sending", sesComplaintRate*100))
}
