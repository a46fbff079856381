package apispec

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/docs"
)

// redocly runs Redocly CLI (pinned in tools/package.json) on a description with the repository's redocly.yaml.
func redocly(t *testing.T, file string) (string, error) {
	t.Helper()
	bin, err := filepath.Abs("../../tools/node_modules/.bin/redocly")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("Redocly CLI is not installed (cd tools && npm ci): %v", err)
	}
	cmd := exec.Command(bin, "lint", "--config", "../../redocly.yaml", file)
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestRedoclyLint lints docs/openapi.json with the rules of redocly.yaml: any problem fails. A copy whose 4xx
// answer is plain JSON instead of a problem document must fail, so the lint is known to bite.
func TestRedoclyLint(t *testing.T) {
	t.Parallel()
	if out, err := redocly(t, "../../docs/openapi.json"); err != nil {
		t.Fatalf("redocly lint docs/openapi.json: %v\n%s", err, out)
	}

	var doc map[string]any
	if err := json.Unmarshal(docs.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	answers := doc["paths"].(map[string]any)["/v1/health"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)
	answers["418"] = map[string]any{"description": "Not a problem document.",
		"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
	broken, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(file, broken, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := redocly(t, file)
	if err == nil || !strings.Contains(out, "operation-4xx-problem-details-rfc7807") {
		t.Fatalf("redocly lint passed a 4xx that is not a problem document (err %v):\n%s", err, out)
	}
}
