package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// stackArgs points invoke at the test emulators and a fresh table, as if `make dev` ran them.
func stackArgs(t *testing.T, extra ...string) ([]string, func(string) string) {
	t.Helper()
	env := testenv.Get(t)
	name := env.NewTable(t)
	port := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return u.Port()
	}
	args := append([]string{"-dynamodb-port", port(env.DynamoURL), "-ses-port", port(env.SESURL), "-table", name, "-data", t.TempDir()}, extra...)
	key := hex.EncodeToString(env.Key)
	return args, func(k string) string {
		if k == "PH_HMAC_KEY" {
			return key
		}
		return ""
	}
}

func TestInvokeRunsTheHealthFunctionWithItsSampleEvent(t *testing.T) {
	t.Parallel()
	args, getenv := stackArgs(t, "-fn", "health", "-event", filepath.Join("..", "..", "events", "health.json"))
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, getenv, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		t.Fatalf("stdout is not a response: %v\n%s", err, stdout.String())
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `"status":"ok"`) {
		t.Fatalf("response = %+v", resp)
	}
	if !strings.Contains(stdout.String(), "\n  \"statusCode\": 200") {
		t.Fatalf("stdout is not indented JSON:\n%s", stdout.String())
	}
}

func TestInvokeFailsClearly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	streamEvent := filepath.Join(dir, "stream.json")
	if err := os.WriteFile(streamEvent, []byte(`{"Records":[{"eventSource":"aws:dynamodb","eventName":"INSERT"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	closed, err := emulator.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	health := filepath.Join("..", "..", "events", "health.json")
	tests := []struct {
		name  string
		args  []string // after the ones pointing at the test stack
		noKey bool     // as before the first `make dev`
		code  int
		wants string
	}{
		{"no function", []string{"-event", health}, false, exitSetupError, "usage"},
		{"unknown function", []string{"-fn", "nope", "-event", health}, false, exitSetupError, `no function "nope"`},
		{"missing event file", []string{"-fn", "health", "-event", filepath.Join(dir, "missing.json")}, false, exitSetupError, "read the event"},
		{"event of another trigger", []string{"-fn", "health", "-event", streamEvent}, false, exitFunctionError, "API Gateway HTTP API event"},
		{"stack not running", []string{"-fn", "health", "-event", health, "-dynamodb-port", strconv.Itoa(closed)}, false, exitSetupError, "make dev"},
		{"no key yet", []string{"-fn", "health", "-event", health}, true, exitSetupError, "make dev"},
	}
	for _, tc := range tests {
		t.Run("case="+tc.name, func(t *testing.T) {
			t.Parallel()
			args, getenv := stackArgs(t, tc.args...)
			if tc.noKey {
				getenv = func(string) string { return "" }
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, getenv, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.wants) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d mentioning %q", code, stdout.String(), stderr.String(), tc.code, tc.wants)
			}
		})
	}
}
