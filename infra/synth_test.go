package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSynthWithoutCredentials runs what `make synth` runs, the CDK CLI on cdk.json's app, in an environment with
// no AWS credentials, profile or region and none of the CDK's account settings, with the placeholders the
// Makefile stands in: it must write the stage's template, environment-agnostic, with the web ACL in the stack
// itself (no region, so no companion stack in us-east-1). Only the function builds are stand-ins (the dummy
// bootstraps of the shared synthesis), which `make synth` would build first.
func TestSynthWithoutCredentials(t *testing.T) {
	synth(t) // writes the function bootstraps and the web client under workDir
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	home := t.TempDir() // no ~/.aws, no CDK settings of the machine's user
	cmd := exec.CommandContext(t.Context(), filepath.Join(root, "tools", "node_modules", ".bin", "cdk"), "synth", "--quiet", "--output", out)
	cmd.Dir = root
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "GOFLAGS=-mod=readonly",
		"GOCACHE=" + goEnv(t, "GOCACHE"), "GOMODCACHE=" + goEnv(t, "GOMODCACHE"), "GOPATH=" + goEnv(t, "GOPATH"),
		"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
		"AWS_EC2_METADATA_DISABLED=true", "CDK_DISABLE_VERSION_CHECK=1",
		"PH_STAGE=ci", "PH_SENDER_EMAIL=" + testSender, "PH_ALARM_EMAIL=" + testAlarms,
		"PH_ASSET_DIR=" + filepath.Join(workDir, "build"), "PH_WEB_DIR=" + filepath.Join(workDir, "web"),
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cdk synth without credentials: %v\n%s", err, b)
	}
	body, err := os.ReadFile(filepath.Join(out, StackName("ci")+".template.json"))
	if err != nil {
		entries, _ := os.ReadDir(out)
		t.Fatalf("no template of stage ci (%v); the output holds %v", err, entries)
	}
	var doc template
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, r := range doc.Resources {
		types[r.Type]++
	}
	if types["AWS::Lambda::Function"] == 0 || types["AWS::WAFv2::WebACL"] != 1 || types["AWS::CloudFront::Distribution"] != 1 {
		t.Errorf("the template has %d functions, %d web ACLs, %d distributions", types["AWS::Lambda::Function"], types["AWS::WAFv2::WebACL"], types["AWS::CloudFront::Distribution"])
	}
	if matches, _ := filepath.Glob(filepath.Join(out, "*"+EdgeStackSuffix+".template.json")); len(matches) != 0 {
		t.Errorf("a region-agnostic synthesis wrote a companion edge stack: %v", matches)
	}
}

// goEnv is a go env setting, so the CDK's `go run` finds this machine's build and module caches.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
