package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
)

// applicationLogLevel is the level below which Lambda drops a function's JSON log lines (LoggingFormat JSON), for
// the functions' LOG_LEVEL setting. It is never above INFO, whatever LOG_LEVEL says: Lambda files a JSON line
// without a "level" as INFO, and the EMF metric lines (package metrics) have none, so a WARN here would drop every
// business metric. The functions hold their own lines to LOG_LEVEL themselves (app.NewLogger); Lambda's filter
// only has to let DEBUG through when that is asked for.
func applicationLogLevel(level string) awslambda.ApplicationLogLevel {
	if strings.EqualFold(strings.TrimSpace(level), "debug") {
		return awslambda.ApplicationLogLevel_DEBUG
	}
	return awslambda.ApplicationLogLevel_INFO
}
