package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// alarm is one CloudWatch alarm of the template: its logical id and properties.
type alarm struct {
	id    string
	props obj
}

// alarmsOf lists the template's alarms whose metric (or, for a metric math alarm, one of its metrics) has this
// name and a dimension with this value ({"Ref": id}, or nil for a metric without dimensions).
func (c *template) alarmsOf(metric string, dimension any) []alarm {
	var out []alarm
	for id, r := range c.ofType("AWS::CloudWatch::Alarm") {
		stats := []any{r.Properties}
		for _, m := range asList(r.Properties["Metrics"]) {
			if s := prop(m, "MetricStat", "Metric"); s != nil {
				stats = append(stats, s)
			}
		}
		for _, s := range stats {
			if prop(s, "MetricName") == metric && hasDimension(prop(s, "Dimensions"), dimension) {
				out = append(out, alarm{id, r.Properties})
				break
			}
		}
	}
	return out
}

func hasDimension(dims any, value any) bool {
	list := asList(dims)
	if value == nil {
		return len(list) == 0
	}
	want := fmt.Sprint(value)
	for _, d := range list {
		if fmt.Sprint(prop(d, "Value")) == want {
			return true
		}
	}
	return false
}

// oneAlarm fails the test unless exactly one alarm watches the metric.
func (c *template) oneAlarm(t *testing.T, metric string, dimension any) obj {
	t.Helper()
	found := c.alarmsOf(metric, dimension)
	if len(found) != 1 {
		t.Fatalf("%d alarms on %s %v, want 1", len(found), metric, dimension)
	}
	return found[0].props
}

func TestAlarmTopic(t *testing.T) {
	tmpl, cfn := synth(t)
	topic := cfn.only(t, "AWS::SNS::Topic")
	check(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), obj{
			"Protocol": "email", "Endpoint": testAlarms, "TopicArn": obj{"Ref": topic},
		})
	})
	// Encrypted with a key that CloudWatch may use, since an alarm cannot publish to a topic it cannot encrypt for.
	key, _ := getAtt(prop(cfn.Resources[topic].Properties, "KmsMasterKeyId"))
	if cfn.Resources[key].Type != "AWS::KMS::Key" {
		t.Fatalf("the topic's key is %v, want a KMS key of the stack", prop(cfn.Resources[topic].Properties, "KmsMasterKeyId"))
	}
	if prop(cfn.Resources[key].Properties, "EnableKeyRotation") != true {
		t.Error("the topic's key does not rotate")
	}
	// cloudwatchMay: a statement lets CloudWatch take the action, for this account's alarms only.
	cloudwatchMay := func(doc any, action string) bool {
		for _, st := range asList(prop(doc, "Statement")) {
			s := policyStatements(obj{"Statement": []any{st}})[0]
			if s.Effect == "Allow" && strings.Contains(strings.Join(s.Actions, " "), action) &&
				fmt.Sprint(prop(st, "Principal", "Service")) == "cloudwatch.amazonaws.com" &&
				prop(st, "Condition", "StringEquals", "aws:SourceAccount") != nil && prop(st, "Condition", "ArnLike", "aws:SourceArn") != nil {
				return true
			}
		}
		return false
	}
	if !cloudwatchMay(prop(cfn.Resources[key].Properties, "KeyPolicy"), "kms:GenerateDataKey") {
		t.Error("the key's policy does not let CloudWatch encrypt for the topic")
	}
	published := false
	for _, p := range cfn.ofType("AWS::SNS::TopicPolicy") {
		published = published || cloudwatchMay(p.Properties["PolicyDocument"], "sns:Publish")
	}
	if !published {
		t.Error("no topic policy lets CloudWatch publish")
	}
}

// TestEveryAlarmNotifiesTheTopic: an alarm reaches someone when it fires and again when it clears.
func TestEveryAlarmNotifiesTheTopic(t *testing.T) {
	_, cfn := synth(t)
	topic := obj{"Ref": cfn.only(t, "AWS::SNS::Topic")}
	all := cfn.ofType("AWS::CloudWatch::Alarm")
	if len(all) == 0 {
		t.Fatal("no alarms")
	}
	for id, r := range all {
		for _, actions := range []string{"AlarmActions", "OKActions"} {
			if got := asList(r.Properties[actions]); len(got) != 1 || fmt.Sprint(got[0]) != fmt.Sprint(topic) {
				t.Errorf("%s %s = %v, want [%v]", id, actions, got, topic)
			}
		}
	}
}

func TestFunctionAlarms(t *testing.T) {
	_, cfn := synth(t)
	fns := cfn.functions()
	for _, f := range route.Functions {
		t.Run("fn="+f.Name, func(t *testing.T) {
			fn := obj{"Ref": fns[f.Name]}
			for _, metric := range []string{"Errors", "Throttles"} {
				a := cfn.oneAlarm(t, metric, fn)
				if a["Threshold"] != 0.0 || a["ComparisonOperator"] != "GreaterThanThreshold" || a["Statistic"] != "Sum" {
					t.Errorf("%s alarm: %v %v %v, want Sum > 0", metric, a["Statistic"], a["ComparisonOperator"], a["Threshold"])
				}
			}
			a := cfn.oneAlarm(t, "Duration", fn)
			want := float64(f.Trigger.Timeout().Milliseconds()) * 0.8
			if a["ExtendedStatistic"] != "p99" || a["Threshold"] != want || a["ComparisonOperator"] != "GreaterThanThreshold" {
				t.Errorf("duration alarm: %v %v %v, want p99 > %v ms (80%% of the %v timeout)",
					a["ExtendedStatistic"], a["ComparisonOperator"], a["Threshold"], want, f.Trigger.Timeout())
			}
			ages := cfn.alarmsOf("IteratorAge", fn)
			if stream := f.Trigger == route.Stream; stream != (len(ages) == 1) {
				t.Errorf("%d IteratorAge alarms, want one for a stream function and none otherwise", len(ages))
			}
			beats := cfn.alarmsOf("Invocations", fn)
			if schedule := f.Trigger == route.Schedule; schedule != (len(beats) == 1) {
				t.Fatalf("%d heartbeat alarms, want one for a schedule function and none otherwise", len(beats))
			}
			if len(beats) == 1 {
				b := beats[0].props
				// The sweep runs every 5 minutes: no run in 15 minutes, or no data at all, is an alarm.
				if b["Period"] != 900.0 || b["Statistic"] != "Sum" || b["ComparisonOperator"] != "LessThanThreshold" ||
					b["Threshold"] != 1.0 || b["TreatMissingData"] != "breaching" {
					t.Errorf("heartbeat alarm %v, want Sum of Invocations < 1 over 900 s, missing data breaching", b)
				}
			}
		})
	}
}

func TestServiceAlarms(t *testing.T) {
	_, cfn := synth(t)
	api := obj{"Ref": cfn.only(t, "AWS::ApiGatewayV2::Api")}
	table := obj{"Ref": cfn.only(t, "AWS::DynamoDB::Table")}
	queue := obj{"Fn::GetAtt": []any{cfn.only(t, "AWS::SQS::Queue"), "QueueName"}}
	for _, tc := range []struct {
		name, metric string
		dimension    any
		threshold    float64
	}{
		{"api-5xx", "5xx", api, 5},
		{"api-latency", "Latency", api, 3000},
		{"table-throttles", "ThrottledRequests", table, 0},
		{"table-system-errors", "SystemErrors", table, 0},
		{"failure-queue", "ApproximateNumberOfMessagesVisible", queue, 0},
		{"ses-bounces", "Reputation.BounceRate", nil, 0.05},
		{"ses-complaints", "Reputation.ComplaintRate", nil, 0.001},
	} {
		t.Run("alarm="+tc.name, func(t *testing.T) {
			a := cfn.oneAlarm(t, tc.metric, tc.dimension)
			if a["Threshold"] != tc.threshold {
				t.Errorf("threshold %v, want %v", a["Threshold"], tc.threshold)
			}
		})
	}
	if a := cfn.oneAlarm(t, "Latency", api); a["ExtendedStatistic"] != "p99" {
		t.Errorf("the latency alarm watches %v, want p99", a["ExtendedStatistic"])
	}
}

func TestDashboard(t *testing.T) {
	_, cfn := synth(t)
	var body strings.Builder
	for _, part := range joined(cfn.Resources[cfn.only(t, "AWS::CloudWatch::Dashboard")].Properties["DashboardBody"]) {
		body.WriteString(fmt.Sprint(part))
	}
	for _, want := range []string{`"Count"`, `"5xx"`, `"Latency"`, `"Errors"`, `"Duration"`, `"ConsumedReadCapacityUnits"`,
		`"ConsumedWriteCapacityUnits"`, `"ThrottledRequests"`, `"IteratorAge"`, `"Reputation.BounceRate"`, `"Reputation.ComplaintRate"`, `"alarms"`} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("the dashboard shows no %s", want)
		}
	}
	fns := cfn.functions()
	for _, f := range route.Functions {
		if !strings.Contains(body.String(), fmt.Sprint(map[string]any{"Ref": fns[f.Name]})) && !strings.Contains(body.String(), `"label":"`+f.Name+`"`) {
			t.Errorf("the dashboard has no line for %s", f.Name)
		}
	}
}

// TestNoAlarmEmail: a stack whose alarms would reach no one is refused before anything is built, with an error
// that names the setting.
func TestNoAlarmEmail(t *testing.T) {
	props := &StackProps{AssetDir: "build", SenderDomain: testDomain}
	if err := props.validate(); !errors.Is(err, errNoAlarmEmail) {
		t.Errorf("validate() = %v, want errNoAlarmEmail", err)
	}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "PH_ALARM_EMAIL") {
			t.Errorf("NewPartnerHubStack without an alarm email: %v, want a panic that names PH_ALARM_EMAIL", r)
		}
	}()
	NewPartnerHubStack(awscdk.NewApp(nil), "PartnerHub", props)
}

func TestCheckAlarmEmail(t *testing.T) {
	t.Parallel()
	for email, ok := range map[string]bool{
		"ops@example.com":          true,
		"ops+alarms@example.co.uk": true,
		"":                         false,
		"ops":                      false,
		"ops@localhost":            false,
		"Ops <ops@example.com>":    false,
		" ops@example.com":         false,
		"ops@example.com, b@c.io":  false,
	} {
		t.Run("email="+email, func(t *testing.T) {
			t.Parallel()
			if err := checkAlarmEmail(email); (err == nil) != ok {
				t.Errorf("checkAlarmEmail(%q) = %v, want ok=%v", email, err, ok)
			}
		})
	}
}
