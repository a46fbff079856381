// Package metrics writes the business events of package tally as CloudWatch metrics in the Embedded Metric Format
// (EMF): one JSON line per event on the function's output, which CloudWatch Logs turns into a metric with no API
// call, no agent and no dependency (the JSON is written here, by hand, to keep the functions' binaries small).
//
// A line looks like this (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
//
//	{"_aws":{"Timestamp":1767225600000,"CloudWatchMetrics":[{"Namespace":"PartnerHub","Dimensions":[["Function"]],
//	"Metrics":[{"Name":"SignIns","Unit":"Count"}]}]},"Function":"partnerhub-otp","SignIns":1}
//
// It names the event and the function and nothing else: no user, account, email or token ever goes into a metric.
package metrics

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"sync"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/tally"
)

// Namespace is the CloudWatch namespace of every PartnerHub metric.
const Namespace = "PartnerHub"

// Dimension is the one dimension every metric carries: which function counted it.
const Dimension = "Function"

// EMF writes one Embedded Metric Format line per counted event to W.
type EMF struct {
	// W is where the lines go: standard output in Lambda (CloudWatch Logs reads both streams; stdout keeps the
	// metrics apart from the logger's lines on standard error).
	W io.Writer
	// Function is the value of the Function dimension: the Lambda function's name (AWS_LAMBDA_FUNCTION_NAME), so
	// each stage's functions count apart.
	Function string
	// Clock stamps each line; CloudWatch files the metric under that minute.
	Clock clock.Clock

	mu sync.Mutex // one line at a time: concurrent writes of a line must not interleave
}

// New builds the writer of a function's metrics.
func New(w io.Writer, function string, clk clock.Clock) *EMF {
	return &EMF{W: w, Function: function, Clock: clk}
}

// Count writes one line counting name once. A failed write is dropped: a metric never fails the change it counts.
func (e *EMF) Count(_ context.Context, name tally.Name) {
	line := Line(name, e.Function, e.Clock.Now().UnixMilli())
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.W.Write(line)
}

// Counter is Count as the use cases hold it.
func (e *EMF) Counter() tally.Counter { return e.Count }

// Line is the EMF line, ending in a newline, that counts one name for function at the time ms (Unix milliseconds).
func Line(name tally.Name, function string, ms int64) []byte {
	n, f, d := quote(string(name)), quote(function), quote(Dimension)
	b := make([]byte, 0, 200)
	b = append(b, `{"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, ms, 10)
	b = append(b, `,"CloudWatchMetrics":[{"Namespace":`...)
	b = append(b, quote(Namespace)...)
	b = append(b, `,"Dimensions":[[`...)
	b = append(b, d...)
	b = append(b, `]],"Metrics":[{"Name":`...)
	b = append(b, n...)
	b = append(b, `,"Unit":"Count"}]}]},`...)
	b = append(b, d...)
	b = append(b, ':')
	b = append(b, f...)
	b = append(b, ',')
	b = append(b, n...)
	b = append(b, ":1}\n"...)
	return b
}

// quote is s as a JSON string.
func quote(s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return q
}
