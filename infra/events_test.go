package main

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

func TestStreamMapping(t *testing.T) {
	tmpl, cfn := synth(t)
	var stream []route.Function
	for _, f := range route.Functions {
		if f.Trigger == route.Stream {
			stream = append(stream, f)
		}
	}
	check(t, func() {
		tmpl.ResourceCountIs(jsii.String("AWS::Lambda::EventSourceMapping"), jsii.Number(float64(len(stream))))
	})
	tableID := cfn.only(t, "AWS::DynamoDB::Table")
	fns := cfn.functions()
	for _, f := range stream {
		t.Run("fn="+f.Name, func(t *testing.T) {
			pattern, retries, age, queue := assertions.NewCapture(nil), assertions.NewCapture(nil), assertions.NewCapture(nil), assertions.NewCapture(nil)
			check(t, func() {
				tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), obj{
					"FunctionName":               obj{"Ref": fns[f.Name]},
					"EventSourceArn":             obj{"Fn::GetAtt": []any{tableID, "StreamArn"}},
					"StartingPosition":           "LATEST",
					"FilterCriteria":             obj{"Filters": []any{obj{"Pattern": pattern}}},
					"BisectBatchOnFunctionError": true,
					"MaximumRetryAttempts":       retries,
					"MaximumRecordAgeInSeconds":  age,
					"FunctionResponseTypes":      []any{"ReportBatchItemFailures"},
					"DestinationConfig":          obj{"OnFailure": obj{"Destination": obj{"Fn::GetAtt": []any{queue, "Arn"}}}},
				})
			})
			if t.Failed() {
				return
			}
			var got, want any
			if err := json.Unmarshal([]byte(*pattern.AsString()), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(table.StreamFilters[f.Name].PatternJSON()), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("filter pattern %v, want %v", got, want)
			}
			if n := *retries.AsNumber(); n < 0 || n > 10 {
				t.Errorf("MaximumRetryAttempts %v, want a small bound", n)
			}
			if n := *age.AsNumber(); n < 60 || n > 24*3600 {
				t.Errorf("MaximumRecordAgeInSeconds %v, want at most a day", n)
			}
			q := cfn.Resources[*queue.AsString()]
			if q.Type != "AWS::SQS::Queue" || q.Properties["SqsManagedSseEnabled"] != true || q.Properties["MessageRetentionPeriod"] != float64(14*24*3600) {
				t.Errorf("on-failure destination %s %v, want an encrypted SQS queue keeping messages 14 days", q.Type, q.Properties)
			}
		})
	}
}

func TestSchedule(t *testing.T) {
	tmpl, cfn := synth(t)
	fns := cfn.functions()
	for _, f := range route.Functions {
		if f.Trigger != route.Schedule {
			continue
		}
		t.Run("fn="+f.Name, func(t *testing.T) {
			check(t, func() {
				tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), obj{
					"ScheduleExpression": assertions.Match_StringLikeRegexp(jsii.String(`^rate\(\d+ minutes?\)$`)),
					"State":              "ENABLED",
					"Targets":            arrayWith(like(obj{"Arn": obj{"Fn::GetAtt": []any{fns[f.Name], "Arn"}}})),
				})
			})
			check(t, func() {
				tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), obj{
					"Action":       "lambda:InvokeFunction",
					"FunctionName": obj{"Fn::GetAtt": []any{fns[f.Name], "Arn"}},
					"Principal":    "events.amazonaws.com",
				})
			})
		})
	}
}
