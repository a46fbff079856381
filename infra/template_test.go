package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// Synthesizing the stack through jsii takes seconds, so every test shares one synthesis: the jsii template for
// Match and Capture, and the same template decoded in Go for walks that would take many jsii round trips. Tests
// that make jsii calls do not call t.Parallel: they share one jsii process, which serves one call at a time.
var (
	once     sync.Once
	shared   assertions.Template
	cfn      *template
	findings []string
	synthErr error
	workDir  string
)

// Test inputs: what the stack is synthesized with.
const (
	testDomain = "example.com"
	testSender = "no-reply@example.com"
	testAlarms = "alarms@example.com"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "partnerhub-infra-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = dir
	// The emulators and the bootstraps are for TestEveryFunctionStartsWithItsStackEnvironment, which runs the real
	// functions; the build runs while the emulators start and the other tests synthesize.
	startBuildingFunctions(dir)
	code := testenv.Run(m)
	jsii.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// synth returns the synthesized stack, built once for the whole test binary.
func synth(t *testing.T) (assertions.Template, *template) {
	t.Helper()
	once.Do(func() { shared, cfn, findings, synthErr = build(workDir) })
	if synthErr != nil {
		t.Fatalf("synthesize the stack: %v", synthErr)
	}
	return shared, cfn
}

// testNotFoundPage is the 404 page of the web client the tests synthesize the stack with.
const testNotFoundPage = "<!doctype html><title>Page not found · PartnerHub</title>"

// build synthesizes the stack with a dummy bootstrap per function and a one-page web client (and its 404 page), using the feature
// flags of cdk.json so the tests see what `cdk synth` produces. The same synthesis runs cdk-nag's AwsSolutions
// pack and returns what the stack was annotated with: every error and warning, as "path: message".
func build(dir string) (tmpl assertions.Template, doc *template, annotations []string, err error) {
	defer func() {
		if r := recover(); r != nil { // jsii reports construct errors as panics
			err = fmt.Errorf("%v", r)
		}
	}()
	assets := filepath.Join(dir, "build")
	for _, f := range route.Functions {
		if err := os.MkdirAll(filepath.Join(assets, f.Name), 0o755); err != nil {
			return nil, nil, nil, err
		}
		if err := os.WriteFile(filepath.Join(assets, f.Name, "bootstrap"), []byte("#!/bin/sh\n# "+f.Name+"\n"), 0o755); err != nil {
			return nil, nil, nil, err
		}
	}
	web := filepath.Join(dir, "web")
	if err := os.MkdirAll(web, 0o755); err != nil {
		return nil, nil, nil, err
	}
	if err := os.WriteFile(filepath.Join(web, "index.html"), []byte("<!doctype html><title>PartnerHub</title>"), 0o644); err != nil {
		return nil, nil, nil, err
	}
	if err := os.WriteFile(filepath.Join(web, notFoundPage), []byte(testNotFoundPage), 0o644); err != nil {
		return nil, nil, nil, err
	}
	ctx, err := cdkContext("../cdk.json")
	if err != nil {
		return nil, nil, nil, err
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(dir, "cdk.out")), Context: &ctx})
	stack := NewPartnerHubStack(app, "PartnerHub", &StackProps{
		AssetDir:     assets,
		WebDir:       web,
		SenderDomain: testDomain,
		SenderEmail:  testSender,
		AlarmEmail:   testAlarms,
	})
	// Suppressed findings leave no annotation; the CSV report is not needed.
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Reports: jsii.Bool(false)}), nil)
	// One synthesis for both the template and the annotations (Template_FromStack and Annotations_FromStack
	// would each synthesize the app again).
	artifact := app.Synth(nil).GetStackArtifact(stack.ArtifactId())
	for _, m := range *artifact.Messages() {
		if m.Level == cxapi.SynthesisMessageLevel_ERROR || m.Level == cxapi.SynthesisMessageLevel_WARNING {
			annotations = append(annotations, fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data))
		}
	}
	body, ok := artifact.Template().(map[string]any)
	if !ok {
		return nil, nil, nil, fmt.Errorf("the stack's template is a %T", artifact.Template())
	}
	tmpl = assertions.Template_FromJSON(&body, nil)
	raw, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		return nil, nil, nil, err
	}
	doc = &template{}
	if err := json.Unmarshal(raw, doc); err != nil {
		return nil, nil, nil, err
	}
	return tmpl, doc, annotations, nil
}

// cdkContext reads the context (feature flags) of cdk.json.
func cdkContext(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c.Context, nil
}

// check runs a jsii assertion, which panics on a mismatch, and turns the panic into a test error.
func check(t *testing.T, assertion func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%v", r)
		}
	}()
	assertion()
}

// obj is a JSON object: a template fragment or a Match pattern.
type obj = map[string]any

// like and arrayWith shorten Match_ObjectLike and Match_ArrayWith.
func like(o obj) assertions.Matcher { return assertions.Match_ObjectLike(&o) }
func arrayWith(items ...any) assertions.Matcher {
	return assertions.Match_ArrayWith(&items)
}

// template is a synthesized CloudFormation template decoded in Go.
type template struct {
	Resources map[string]resource `json:"Resources"`
	Outputs   map[string]obj      `json:"Outputs"`
}

// resource is one resource of the template.
type resource struct {
	Type           string `json:"Type"`
	Properties     obj    `json:"Properties"`
	DeletionPolicy string `json:"DeletionPolicy"`
	Metadata       obj    `json:"Metadata"`
}

// ofType lists the logical ids of the resources of a type.
func (c *template) ofType(typ string) map[string]resource {
	out := map[string]resource{}
	for id, r := range c.Resources {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

// functions maps each route.Function name to the logical id of its Lambda function, found by FunctionTag.
func (c *template) functions() map[string]string {
	out := map[string]string{}
	for id, r := range c.ofType("AWS::Lambda::Function") {
		tags, _ := r.Properties["Tags"].([]any)
		for _, tag := range tags {
			if m, _ := tag.(obj); m["Key"] == FunctionTag {
				out[fmt.Sprint(m["Value"])] = id
			}
		}
	}
	return out
}

// only returns the logical id of the one resource of a type.
func (c *template) only(t *testing.T, typ string) string {
	t.Helper()
	ids := c.ofType(typ)
	if len(ids) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(ids), typ)
	}
	for id := range ids {
		return id
	}
	return ""
}

// secret finds the Secrets Manager secret whose description starts with prefix.
func (c *template) secret(t *testing.T, prefix string) string {
	t.Helper()
	var found []string
	for id := range c.ofType("AWS::SecretsManager::Secret") {
		if d, _ := c.Resources[id].Properties["Description"].(string); strings.HasPrefix(d, prefix) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d secrets described %q..., want 1", len(found), prefix)
	}
	return found[0]
}

// hmacKey and originSecret are the stack's two secrets.
func (c *template) hmacKey(t *testing.T) string { return c.secret(t, "PartnerHub HMAC key") }

func (c *template) originSecret(t *testing.T) string { return c.secret(t, "PartnerHub origin secret") }

// statement is one IAM policy statement, with Action and Resource normalized to lists.
type statement struct {
	Effect    string
	Actions   []string
	Resources []any
}

// statements lists every statement of the policies attached to a role.
func (c *template) statements(roleID string) []statement {
	var out []statement
	for _, r := range c.ofType("AWS::IAM::Policy") {
		roles, _ := r.Properties["Roles"].([]any)
		for _, role := range roles {
			if ref(role) == roleID {
				out = append(out, policyStatements(r.Properties["PolicyDocument"])...)
			}
		}
	}
	if role, ok := c.Resources[roleID]; ok {
		inline, _ := role.Properties["Policies"].([]any)
		for _, p := range inline {
			out = append(out, policyStatements(p.(obj)["PolicyDocument"])...)
		}
	}
	return out
}

// allStatements lists every statement of every policy in the template.
func (c *template) allStatements() []statement {
	var out []statement
	for _, r := range c.Resources {
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
			out = append(out, policyStatements(r.Properties["PolicyDocument"])...)
		case "AWS::IAM::Role":
			inline, _ := r.Properties["Policies"].([]any)
			for _, p := range inline {
				out = append(out, policyStatements(p.(obj)["PolicyDocument"])...)
			}
		}
	}
	return out
}

func policyStatements(doc any) []statement {
	d, _ := doc.(obj)
	list, _ := d["Statement"].([]any)
	var out []statement
	for _, s := range list {
		m := s.(obj)
		st := statement{Effect: fmt.Sprint(m["Effect"]), Resources: asList(m["Resource"])}
		for _, a := range asList(m["Action"]) {
			st.Actions = append(st.Actions, fmt.Sprint(a))
		}
		out = append(out, st)
	}
	return out
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// ref returns the logical id of {"Ref": id}, or "".
func ref(v any) string {
	m, _ := v.(obj)
	s, _ := m["Ref"].(string)
	return s
}

// getAtt returns the logical id and attribute of {"Fn::GetAtt": [id, attr]}.
func getAtt(v any) (id, attr string) {
	m, _ := v.(obj)
	l, _ := m["Fn::GetAtt"].([]any)
	if len(l) != 2 {
		return "", ""
	}
	return fmt.Sprint(l[0]), fmt.Sprint(l[1])
}

// joined returns the parts of {"Fn::Join": ["", parts]}.
func joined(v any) []any {
	m, _ := v.(obj)
	l, _ := m["Fn::Join"].([]any)
	if len(l) != 2 {
		return nil
	}
	parts, _ := l[1].([]any)
	return parts
}

// prop walks nested properties: prop(r.Properties, "A", "B") is r.Properties["A"]["B"].
func prop(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(obj)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}
