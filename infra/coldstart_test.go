package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/runtimeapi"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// Bounds of the waits on a function process: its cold init (to the first poll of the Runtime API) and each
// invocation. Both take well under a second; the margin is for a loaded CI machine.
const (
	initBound   = 20 * time.Second
	invokeBound = 20 * time.Second
)

// TestEveryFunctionStartsWithItsStackEnvironment runs every function as Lambda would run it from this stack: its
// real bootstrap, started with exactly the Environment of its AWS::Lambda::Function in the synthesized template
// (CloudFormation tokens replaced by the emulators' table and a stand-in Secrets Manager) plus what the Lambda
// service sets, polling a stand-in Runtime API. Each must reach its first poll and answer its sample events from
// events/ on /response: a function whose stack environment lacks something its start-up needs fails here, not
// in AWS after a deploy.
func TestEveryFunctionStartsWithItsStackEnvironment(t *testing.T) {
	start := time.Now()
	_, cfn := synth(t)
	bin, err := builtFunctions()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("synthesis and the build of the %d bootstraps (started with the test binary) waited for: %v",
		len(route.Functions), time.Since(start).Round(time.Millisecond))

	env := testenv.Get(t)
	tableName := env.NewTable(t)
	stand := newPlaceholders(t, cfn, tableName)
	stub := standInAWS(t, stand.secrets)
	// The SDK's own endpoint settings, which every client a function builds reads (see app.New).
	endpoints := []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + env.DynamoURL,
		"AWS_ENDPOINT_URL_SESV2=" + env.SESURL,
		"AWS_ENDPOINT_URL_SECRETS_MANAGER=" + stub.URL,
		"AWS_ENDPOINT_URL_SNS=" + stub.URL,
		"AWS_ENDPOINT_URL_EVENTBRIDGE=" + stub.URL,
	}
	samples := sampleEvents(t)
	fns := cfn.functions()

	for _, f := range route.Functions {
		t.Run("fn="+f.Name, func(t *testing.T) {
			t.Parallel()
			id, ok := fns[f.Name]
			if !ok {
				t.Fatalf("no Lambda function tagged %s=%s", FunctionTag, f.Name)
			}
			vars, _ := prop(cfn.Resources[id].Properties, "Environment", "Variables").(obj)
			var fnEnv []string
			for _, name := range slices.Sorted(maps.Keys(vars)) {
				v, err := stand.resolve(vars[name])
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				fnEnv = append(fnEnv, name+"="+v)
			}
			if len(samples[f.Name]) == 0 {
				t.Fatalf("no sample event in events/ for %s", f.Name)
			}

			p := startFunction(t, filepath.Join(bin, f.Name), f.Name, fnEnv, endpoints)
			for _, s := range samples[f.Name] {
				t.Run("event="+s.file, func(t *testing.T) {
					prepare(t, env.Dynamo, tableName, f, s)
					raw := s.raw
					if f.Trigger == route.HTTP {
						raw = throughDistribution(t, raw)
					}
					out := p.invoke(t, raw)
					checkAnswer(t, f, s, out)
					if f.Trigger == route.HTTP {
						checkRefusedAround(t, p.invoke(t, s.raw))
					}
					if f.Name == route.SearchIndex {
						checkEntries(t, env.Dynamo, tableName, s)
					}
				})
			}
		})
	}
}

// buildFunctions builds every function's bootstrap for this machine, into dir/<name>, in one go build.
// builtFunctions waits for the bootstraps that TestMain started building when the test binary started (a
// shared fixture, like the synthesized stack), and returns their folder.
var builtFunctions = sync.OnceValues(func() (string, error) { return <-functionsBuilt, <-functionsBuildErr })

var (
	functionsBuilt    = make(chan string, 1)
	functionsBuildErr = make(chan error, 1)
)

// startBuildingFunctions builds every function's bootstrap into a folder of dir, in the background.
func startBuildingFunctions(dir string) {
	go func() {
		bin := filepath.Join(dir, "bin")
		functionsBuildErr <- buildFunctions(bin)
		functionsBuilt <- bin
	}()
}

func buildFunctions(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := []string{"build", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", dir + string(filepath.Separator)}
	for _, f := range route.Functions {
		args = append(args, "./functions/"+f.Name)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build the functions: %v\n%s", err, out)
	}
	return nil
}

// sample is one file of events/.
type sample struct {
	file string
	raw  []byte
	// to is the recipient an email the sample causes goes to instead of the file's: the SES emulator's mailbox
	// is shared by every test.
	to string
}

// sampleEvents maps each function to its sample events: an API event belongs to the function of its routeKey
// (events/revoke-partner-access.json is the revoke function's), an SES event to mail-feedback, any other to the
// function it is named after.
func sampleEvents(t *testing.T) map[string][]sample {
	files, err := filepath.Glob(filepath.Join("..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events/*.json (%v)", err)
	}
	out := map[string][]sample{}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var head struct{ RouteKey, Source string }
		if err := json.Unmarshal(raw, &head); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		fn := strings.TrimSuffix(filepath.Base(file), ".json")
		if head.RouteKey != "" {
			r, ok := route.ByKey(head.RouteKey)
			if !ok {
				t.Fatalf("%s: no route %q", file, head.RouteKey)
			}
			fn = r.Function
		}
		if head.Source == "aws.ses" { // events/mail-feedback-complaint.json and the like
			fn = route.MailFeedback
		}
		out[fn] = append(out[fn], sample{file: filepath.Base(file), raw: raw, to: testenv.UniqueEmail(t, "coldstart")})
	}
	return out
}

// process is a running bootstrap and the Runtime API it polls.
type process struct {
	api    *runtimeapi.Server
	exited chan struct{}
	log    *testenv.Buffer
	name   string
}

// startFunction starts a bootstrap with the environment Lambda gives it (the service's variables, then the
// function's own, then the endpoint overrides) and nothing of the test's, and waits for its first poll.
func startFunction(t *testing.T, path, name string, fnEnv, endpoints []string) *process {
	api, err := runtimeapi.Start()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path)
	cmd.Dir = t.TempDir()
	cmd.Env = slices.Concat(api.ServiceEnv(name, "us-east-1"), fnEnv, endpoints)
	p := &process{api: api, exited: make(chan struct{}), log: &testenv.Buffer{}, name: name}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	started := time.Now()
	if err := cmd.Start(); err != nil {
		api.Close()
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
		api.Close()
	})
	select {
	case <-api.Polled():
		t.Logf("%s: first poll %v after exec", name, api.FirstPoll().Sub(started).Round(time.Millisecond))
	case <-p.exited:
		t.Fatalf("%s exited (%v) before its first poll of the Runtime API; its output:\n%s", name, cmd.ProcessState, p.log)
	case <-time.After(initBound):
		t.Fatalf("%s did not poll the Runtime API within %v; its output:\n%s", name, initBound, p.log)
	}
	return p
}

// invoke hands the process one event and returns what it posted to /response; an /error or an exit fails the test.
func (p *process) invoke(t *testing.T, event []byte) []byte {
	ctx, cancel := context.WithTimeout(t.Context(), invokeBound)
	defer cancel()
	go func() {
		select {
		case <-p.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	out, err := p.api.Invoke(ctx, event)
	var fe *runtimeapi.FunctionError
	switch {
	case errors.As(err, &fe):
		t.Fatalf("%s answered on /error: %v; its output:\n%s", p.name, fe, p.log)
	case err != nil:
		select {
		case <-p.exited:
			t.Fatalf("%s crashed on the event; its output:\n%s", p.name, p.log)
		default:
		}
		t.Fatalf("%s: %v; its output:\n%s", p.name, err, p.log)
	}
	return out
}

// prepare puts in the table what the sample event is about, where the event alone cannot succeed: the mailer's
// outbox message, addressed to a mailbox of this test's own. (The search indexer needs nothing: the images are
// all it reads.)
func prepare(t *testing.T, db *dynamodb.Client, tableName string, f route.Function, s sample) {
	if f.Name != route.Mailer {
		return
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(s.raw, &ev); err != nil || len(ev.Records) == 0 {
		t.Fatalf("%s is not a stream event (%v)", s.file, err)
	}
	for _, r := range ev.Records {
		item := testenv.ItemOf(t, r.Change.NewImage)
		item["to"] = &types.AttributeValueMemberS{Value: s.to}
		if _, err := db.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(tableName), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
}

// checkEntries checks that the search indexer wrote the entries of the sample's memberships: each user is found
// by their name in their account's partition of the index.
func checkEntries(t *testing.T, db *dynamodb.Client, tableName string, s sample) {
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(s.raw, &ev); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range ev.Records {
		img := r.Change.NewImage
		if img["type"].String() != "membership" {
			continue
		}
		checked++
		out, err := db.Query(t.Context(), &dynamodb.QueryInput{
			TableName:              aws.String(tableName),
			KeyConditionExpression: aws.String("pk = :p AND begins_with(sk, :q)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":p": &types.AttributeValueMemberS{Value: "FINDUSERS#" + img["accountId"].String()},
				":q": &types.AttributeValueMemberS{Value: strings.ToLower(img["userName"].String())},
			},
		})
		if err != nil || len(out.Items) == 0 {
			t.Fatalf("no search entry for %s in %s (%v)", img["userName"].String(), img["accountId"].String(), err)
		}
	}
	if checked == 0 {
		t.Fatalf("%s holds no membership to check", s.file)
	}
}

// checkRefusedAround checks the answer to a sample sent without the origin secret, as to API Gateway's own
// endpoint: the function, given the secret by its stack environment, refuses it with 403 not-through-portal.
func checkRefusedAround(t *testing.T, out []byte) {
	t.Helper()
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("answered %s, not an API Gateway v2 response (%v)", out, err)
	}
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Body, "/problems/not-through-portal") {
		t.Fatalf("without the origin secret: %d %s, want 403 not-through-portal", resp.StatusCode, resp.Body)
	}
}

// checkAnswer reads the answer as the function's trigger would: an API Gateway v2 response that is not a 5xx (health:
// 200, since its table is there), a stream response with no failed record and the email in the mailbox, a
// schedule's or a rotation step's null.
func checkAnswer(t *testing.T, f route.Function, s sample, out []byte) {
	switch f.Trigger {
	case route.HTTP:
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode == 0 {
			t.Fatalf("%s answered %s, not an API Gateway v2 response (%v)", f.Name, out, err)
		}
		if resp.StatusCode >= 500 || (f.Name == route.Health && resp.StatusCode != http.StatusOK) {
			t.Fatalf("%s answered %s with %d: %s", f.Name, s.file, resp.StatusCode, resp.Body)
		}
		t.Logf("%s: %d", s.file, resp.StatusCode)
	case route.Stream:
		var resp events.DynamoDBEventResponse
		if err := json.Unmarshal(out, &resp); err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("%s answered %s (%v), want no failed record", f.Name, out, err)
		}
		if f.Name != route.Mailer {
			return
		}
		if mails := testenv.Get(t).Emails(t, s.to); len(mails) != 1 {
			t.Fatalf("%d emails sent for %s, want 1", len(mails), s.file)
		}
	case route.Schedule, route.MailEvents, route.Rotation:
		if string(bytes.TrimSpace(out)) != "null" {
			t.Fatalf("%s answered %s, want null", f.Name, out)
		}
	case route.Operator:
		// The bootstrap function's answer: the provider and its first administrator, created now or found.
		var res struct {
			AccountID, UserID string
			Problem           any
		}
		if err := json.Unmarshal(out, &res); err != nil || res.AccountID == "" || res.UserID == "" || res.Problem != nil {
			t.Fatalf("%s answered %s (%v), want the provider and its administrator", f.Name, out, err)
		}
	default:
		t.Fatalf("%s has a trigger checkAnswer does not know", f.Name)
	}
}
