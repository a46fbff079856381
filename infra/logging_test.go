package main

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
)

// TestFunctionsLogJSON: every function logs in Lambda's JSON format, and Lambda's level filter lets INFO through,
// which the EMF metric lines (no "level", so INFO to Lambda) need.
func TestFunctionsLogJSON(t *testing.T) {
	t.Parallel()
	_, cfn := synth(t)
	fns := cfn.functions()
	if len(fns) == 0 {
		t.Fatal("no functions in the template")
	}
	for name, id := range fns {
		cfg, _ := cfn.Resources[id].Properties["LoggingConfig"].(obj)
		if cfg["LogFormat"] != "JSON" || cfg["ApplicationLogLevel"] != "INFO" {
			t.Errorf("function %s: LoggingConfig %v, want LogFormat JSON and ApplicationLogLevel INFO", name, cfg)
		}
		if cfg["LogGroup"] == nil {
			t.Errorf("function %s: LoggingConfig %v names no log group", name, cfg)
		}
	}
}

func TestApplicationLogLevelNeverDropsInfo(t *testing.T) {
	t.Parallel()
	for level, want := range map[string]awslambda.ApplicationLogLevel{
		"debug": awslambda.ApplicationLogLevel_DEBUG, "DEBUG": awslambda.ApplicationLogLevel_DEBUG,
		"info": awslambda.ApplicationLogLevel_INFO, "warn": awslambda.ApplicationLogLevel_INFO,
		"error": awslambda.ApplicationLogLevel_INFO, "": awslambda.ApplicationLogLevel_INFO,
	} {
		if got := applicationLogLevel(level); got != want {
			t.Errorf("LOG_LEVEL %q: %s, want %s", level, got, want)
		}
	}
}
