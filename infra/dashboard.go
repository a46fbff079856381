package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// newDashboard creates the one dashboard of the stack: the alarms' states first, then the API (requests, 5xx,
// latency), the functions (errors, p99 duration), the table (consumed capacity, throttles), the streams' iterator
// ages and the SES rates, each graph with its alarm threshold drawn where there is one. Its name carries the
// region because dashboard names are unique in an account, across regions; the DashboardUrl output opens it.
func newDashboard(stack awscdk.Stack, w *watched, all []awscloudwatch.Alarm) awscloudwatch.Dashboard {
	name := *stack.StackName() + "-" + *stack.Region()
	d := awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName:   jsii.String(name),
		DefaultInterval: awscdk.Duration_Hours(jsii.Number(6)),
	})
	refs := make([]interfacesawscloudwatch.IAlarmRef, len(all))
	for i, a := range all {
		refs[i] = a
	}
	d.AddWidgets(awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{
		Title: jsii.String("Alarms"), Alarms: &refs, Width: jsii.Number(24), Height: jsii.Number(4),
		SortBy: awscloudwatch.AlarmStatusWidgetSortBy_STATE_UPDATED_TIMESTAMP,
	}))

	api := w.api.api
	d.AddWidgets(
		graph("API requests", metrics(api.MetricCount(sum(5)))),
		graph("API 5xx", metrics(api.MetricServerError(sum(5))), line{api5xx, "alarm"}),
		graph("API latency (ms)", metrics(
			api.MetricLatency(&awscloudwatch.MetricOptions{Period: minutes(5), Statistic: jsii.String("p50"), Label: jsii.String("p50")}),
			api.MetricLatency(&awscloudwatch.MetricOptions{Period: minutes(5), Statistic: jsii.String("p99"), Label: jsii.String("p99")}),
		), line{float64(apiLatencyP99.Milliseconds()), "p99 alarm"}),
	)

	var errs, durations, ages []awscloudwatch.IMetric
	for _, f := range route.Functions {
		fn := w.fns[f.Name]
		label := &awscloudwatch.MetricOptions{Period: minutes(5), Statistic: jsii.String("Sum"), Label: jsii.String(f.Name)}
		errs = append(errs, fn.MetricErrors(label))
		durations = append(durations, fn.MetricDuration(&awscloudwatch.MetricOptions{Period: minutes(5), Statistic: jsii.String("p99"), Label: jsii.String(f.Name)}))
		if f.Trigger == route.Stream {
			ages = append(ages, fn.Metric(jsii.String("IteratorAge"), &awscloudwatch.MetricOptions{Period: minutes(1), Statistic: jsii.String("Maximum"), Label: jsii.String(f.Name)}))
		}
	}
	d.AddWidgets(
		graph("Function errors", errs),
		graph("Function duration p99 (ms)", durations),
		graph("Stream iterator age (ms)", ages, line{float64(iteratorAge.Milliseconds()), "alarm"}),
	)

	t := w.table
	d.AddWidgets(
		graph("Table consumed capacity", metrics(
			t.MetricConsumedReadCapacityUnits(&awscloudwatch.MetricOptions{Period: minutes(5), Statistic: jsii.String("Sum"), Label: jsii.String("read units")}),
			t.MetricConsumedWriteCapacityUnits(&awscloudwatch.MetricOptions{Period: minutes(5), Statistic: jsii.String("Sum"), Label: jsii.String("write units")}),
		)),
		// One graph each: the two sums are math expressions over the same operations, whose ids would clash.
		graph("Table throttled requests", metrics(
			t.MetricThrottledRequestsForOperations(&awsdynamodb.OperationsMetricOptions{Operations: &tableOperations, Period: minutes(5), Label: jsii.String("throttled")}),
		), line{0, "alarm above"}),
		graph("Table system errors", metrics(
			t.MetricSystemErrorsForOperations(&awsdynamodb.SystemErrorsForOperationsMetricOptions{Operations: &tableOperations, Period: minutes(5), Label: jsii.String("system errors")}),
		), line{0, "alarm above"}),
	)
	d.AddWidgets(
		graph("SES bounce and complaint rates", metrics(sesRate("Reputation.BounceRate"), sesRate("Reputation.ComplaintRate")),
			line{sesBounceRate, "bounce alarm"}, line{sesComplaintRate, "complaint alarm"}),
	)

	awscdk.NewCfnOutput(stack, jsii.String("DashboardUrl"), &awscdk.CfnOutputProps{
		Value:       jsii.String("https://console.aws.amazon.com/cloudwatch/home?region=" + *stack.Region() + "#dashboards:name=" + name),
		Description: jsii.String("The CloudWatch dashboard of the stack"),
	})
	return d
}

// line is a horizontal line on a graph, at an alarm's threshold.
type line struct {
	value float64
	label string
}

func metrics(m ...awscloudwatch.IMetric) []awscloudwatch.IMetric { return m }

// graph is a graph a third of the dashboard wide, with the alarm thresholds drawn on it.
func graph(title string, left []awscloudwatch.IMetric, lines ...line) awscloudwatch.GraphWidget {
	annotations := make([]*awscloudwatch.HorizontalAnnotation, len(lines))
	for i, l := range lines {
		annotations[i] = &awscloudwatch.HorizontalAnnotation{Value: jsii.Number(l.value), Label: jsii.String(l.label)}
	}
	return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String(title), Left: &left, LeftAnnotations: &annotations, Width: jsii.Number(8), Height: jsii.Number(6),
	})
}
