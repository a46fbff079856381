package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/bootstrap"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// standIn is AWS as phctl bootstrap meets it: CloudFormation's DescribeStacks (query protocol, XML) with the
// outputs of the stacks it knows, and Lambda's Invoke, which runs the bootstrap function's real handler on the
// DynamoDB emulator. Anything else phctl sends (Secrets Manager, DynamoDB) fails the test.
type standIn struct {
	t       *testing.T
	handler bootstrap.Func
	// outputs are the stacks it knows, by name, with their BootstrapFunctionName output ("" for none).
	outputs map[string]string
	// broken is a function name whose invoke fails as a crashed function does.
	broken string

	mu    sync.Mutex
	calls []call
}

// call is one request phctl made: the operation, what it named, and the region its signature is for.
type call struct{ op, target, region string }

// signedRegion is the region of a SigV4 Authorization header's credential scope.
var signedRegion = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/`)

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	region := ""
	if m := signedRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		region = m[1]
	}
	body, _ := io.ReadAll(r.Body)
	invoke := regexp.MustCompile(`^/2015-03-31/functions/([^/]+)/invocations$`).FindStringSubmatch(r.URL.Path)
	switch {
	case r.Method == http.MethodPost && invoke != nil:
		s.record(call{"Invoke", invoke[1], region})
		s.invoke(w, r, invoke[1], body)
	case r.Method == http.MethodPost && r.URL.Path == "/" && strings.Contains(string(body), "Action=DescribeStacks"):
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		stack := r.PostForm.Get("StackName")
		s.record(call{"DescribeStacks", stack, region})
		s.describeStacks(w, stack)
	default:
		s.t.Errorf("phctl sent %s %s (%s, %q): it should only read the stack and invoke the function",
			r.Method, r.URL.Path, r.Header.Get("X-Amz-Target"), body)
		http.Error(w, "not a stand-in operation", http.StatusBadRequest)
	}
}

func (s *standIn) record(c call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// took returns the calls made since the last took.
func (s *standIn) took() []call {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls
	s.calls = nil
	return c
}

// invoke answers as Lambda does: 200 with the function's result, or 200 with X-Amz-Function-Error and the
// runtime's {"errorMessage", "errorType"} when the function returned an error.
func (s *standIn) invoke(w http.ResponseWriter, r *http.Request, function string, payload []byte) {
	if typ := r.Header.Get("X-Amz-Invocation-Type"); typ != "" && typ != "RequestResponse" {
		s.t.Errorf("invocation type %q, want RequestResponse", typ)
	}
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	w.Header().Set("Content-Type", "application/json")
	var (
		res bootstrap.Result
		err error
	)
	if function == s.broken {
		err = fmt.Errorf("Something went wrong on our side. (urn:partnerhub:request:stand-in)")
	} else {
		ctx := lambdacontext.NewContext(r.Context(), &lambdacontext.LambdaContext{AwsRequestID: "stand-in"})
		res, err = s.handler(ctx, payload)
	}
	if err != nil {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		_ = json.NewEncoder(w).Encode(map[string]string{"errorMessage": err.Error(), "errorType": "wrapError"})
		return
	}
	_ = json.NewEncoder(w).Encode(res)
}

func (s *standIn) describeStacks(w http.ResponseWriter, stack string) {
	w.Header().Set("Content-Type", "text/xml")
	fn, ok := s.outputs[stack]
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id %s does not exist</Message></Error><RequestId>stand-in</RequestId></ErrorResponse>`, stack)
		return
	}
	outputs := ""
	if fn != "" {
		outputs = `<Outputs>
          <member><OutputKey>TableName</OutputKey><OutputValue>some-table</OutputValue></member>
          <member><OutputKey>` + route.BootstrapOutput + `</OutputKey><OutputValue>` + fn + `</OutputValue><Description>The function phctl bootstrap invokes</Description></member>
        </Outputs>`
	}
	fmt.Fprintf(w, `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult>
    <Stacks>
      <member>
        <StackName>%s</StackName>
        <StackId>arn:aws:cloudformation:eu-west-3:123456789012:stack/%s/00000000-0000-0000-0000-000000000000</StackId>
        <CreationTime>2026-12-01T10:00:00Z</CreationTime>
        <StackStatus>UPDATE_COMPLETE</StackStatus>
        %s
      </member>
    </Stacks>
  </DescribeStacksResult>
  <ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata>
</DescribeStacksResponse>`, stack, stack, outputs)
}

// TestBootstrapInvokesTheFunction runs phctl bootstrap as an operator does in AWS, through the SDK's real
// CloudFormation and Lambda clients, against the stand-in: the profile's region and credentials apply, the
// function comes from the stage's stack outputs, and the function (its real handler) creates the administrator
// and queues the activation email. phctl itself reads no key and writes nothing.
func TestBootstrapInvokesTheFunction(t *testing.T) {
	env := testenv.Get(t)
	tableName := env.NewTable(t)
	ctx := context.Background()

	// The function as the stack starts it: no key. Built before the endpoint settings below, which are phctl's.
	cfg := env.Config(tableName)
	cfg.Key = nil
	a, err := app.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(platformtest.Start)
	a.Clock = clk
	h, err := bootstrap.Handler(a)
	if err != nil {
		t.Fatal(err)
	}
	const fnName = "PartnerHub-staging-Bootstrap1A2B3C4D-x1y2z3"
	aws := &standIn{t: t, handler: h, broken: "broken-function", outputs: map[string]string{
		route.StackName("staging"): fnName,
		route.StackName("old"):     "",
	}}
	srv := httptest.NewServer(aws)
	t.Cleanup(srv.Close)

	// The operator's machine: a profile "ops" in eu-west-3, a default profile in ap-south-1, the endpoint of the
	// stand-in, no credentials in the environment, and a key ARN phctl must not read.
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("AWS_CONFIG_FILE", write("config", "[default]\nregion = ap-south-1\n\n[profile ops]\nregion = eu-west-3\n"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", write("credentials",
		"[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n\n[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = ops-secret\n"))
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "PH_ENV", "PH_STAGE", "TABLE_NAME", "PH_HMAC_KEY"} {
		t.Setenv(name, "")
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("HMAC_SECRET_ARN", "arn:aws:secretsmanager:eu-west-3:123456789012:secret:PartnerHubHmacKey-abc123")

	phctl := func(args ...string) (int, string, string) {
		var out, errOut strings.Builder
		code := run(ctx, args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	store := dynamo.Store{DB: env.Dynamo, Table: tableName}
	tbl := platformtest.TableOf(t, env, tableName)
	to := testenv.UniqueEmail(t, "ops")

	code, out, errOut := phctl("bootstrap", "--profile", "ops", "--stage", "staging", "--email", to, "--admin-name", "Ada Ops", "--name", "Contoso Cloud")
	if code != 0 || !strings.HasPrefix(out, "bootstrapped: provider account ") {
		t.Fatalf("first run: %d %q %q", code, out, errOut)
	}
	want := []call{{"DescribeStacks", "PartnerHub-staging", "eu-west-3"}, {"Invoke", fnName, "eu-west-3"}}
	if got := aws.took(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	u, err := store.UserByEmail(ctx, to)
	if err != nil || u.Name != "Ada Ops" || !strings.Contains(out, u.ID) {
		t.Fatalf("administrator %+v %v (phctl said %q)", u, err, out)
	}
	providerID, err := store.ProviderID(ctx)
	if err != nil || !strings.Contains(out, providerID) {
		t.Fatalf("provider %q %v (phctl said %q)", providerID, err, out)
	}
	msgs := tbl.Messages()
	if len(msgs) != 1 || msgs[0].To != to || msgs[0].Template != "activation" || msgs[0].ID != u.ActivationMessageID {
		t.Fatalf("outbox %+v", msgs)
	}
	if strings.Contains(out, msgs[0].SecretRef) {
		t.Fatalf("phctl printed the link's reference: %q", out)
	}

	t.Run("case=resend-activation", func(t *testing.T) {
		// Right after the bootstrap, the resend interval has not passed: nothing is sent.
		before := tbl.Snapshot()
		code, out, errOut := phctl("resend-activation", "--profile", "ops", "--stage", "staging", "--email", to)
		if code != 1 || out != to+": rate_limited\n" || !strings.Contains(errOut, "no activation email was sent") {
			t.Fatalf("early resend: %d %q %q", code, out, errOut)
		}
		if got := aws.took(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("calls %v, want %v", got, want)
		}
		tbl.Unchanged(before, "a rate-limited resend")

		clk.Advance(invitation.ResendInterval)
		if code, out, errOut := phctl("resend-activation", "--profile", "ops", "--function", fnName, "--email", to); code != 0 || out != to+": sent\n" {
			t.Fatalf("resend: %d %q %q", code, out, errOut)
		}
		if got := aws.took(); len(got) != 1 || got[0].op != "Invoke" {
			t.Fatalf("calls %v, want one invoke", got)
		}
		msgs := tbl.Messages()
		if len(msgs) != 2 || msgs[1].To != to || msgs[1].Template != "activation" || msgs[1].SecretRef == msgs[0].SecretRef {
			t.Fatalf("outbox after the resend %+v", msgs)
		}
		if code, out, _ := phctl("resend-activation", "--profile", "ops", "--function", fnName, "--email", "nobody@example.com"); code != 1 || out != "nobody@example.com: not_found\n" {
			t.Fatalf("resend to nobody: %d %q", code, out)
		}
		aws.took()
	})

	t.Run("case=repeated, stage from PH_STAGE, profile from AWS_PROFILE", func(t *testing.T) {
		t.Setenv("PH_STAGE", "staging")
		t.Setenv("AWS_PROFILE", "ops")
		before := tbl.Snapshot()
		code, out, errOut := phctl("bootstrap", "--email", "someone.else@example.com")
		if code != 0 || out != fmt.Sprintf("already bootstrapped: provider account %s, first super administrator user %s; nothing changed\n", providerID, u.ID) {
			t.Fatalf("second run: %d %q %q", code, out, errOut)
		}
		if got := aws.took(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("calls %v, want %v", got, want)
		}
		tbl.Unchanged(before, "a repeated bootstrap")
	})

	t.Run("case=--function and --region, default profile", func(t *testing.T) {
		code, out, errOut := phctl("bootstrap", "--function", fnName, "--region", "us-west-2", "--email", to)
		if code != 0 || !strings.HasPrefix(out, "already bootstrapped") {
			t.Fatalf("run: %d %q %q", code, out, errOut)
		}
		if got, want := aws.took(), []call{{"Invoke", fnName, "us-west-2"}}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("calls %v, want %v", got, want)
		}
	})

	t.Run("case=the default profile's region", func(t *testing.T) {
		if code, _, errOut := phctl("bootstrap", "--function", fnName, "--email", to); code != 0 {
			t.Fatalf("run: %d %q", code, errOut)
		}
		if got := aws.took(); len(got) != 1 || got[0].region != "ap-south-1" {
			t.Fatalf("calls %v, want one signed for ap-south-1", got)
		}
	})

	for name, tc := range map[string]struct {
		args []string
		code int
		says string
		// calls is how many requests reach the stand-in.
		calls int
	}{
		"case=bad address":     {[]string{"--function", fnName, "--email", "not-an-email"}, 1, "email: invalid_email", 1},
		"case=unknown stage":   {[]string{"--stage", "nope", "--email", to}, 1, "PartnerHub-nope does not exist", 1},
		"case=no output":       {[]string{"--stage", "old", "--email", to}, 1, "stack PartnerHub-old has no " + route.BootstrapOutput + " output", 1},
		"case=function failed": {[]string{"--function", aws.broken, "--email", to}, 1, "the bootstrap function broken-function failed (Unhandled): Something went wrong on our side.", 1},
		"case=no email":        {[]string{"--function", fnName}, 2, "--email is required", 0},
		"case=stray argument":  {[]string{"--email", to, "extra"}, 2, "unexpected arguments", 0},
	} {
		t.Run(name, func(t *testing.T) {
			before := tbl.Snapshot()
			code, out, errOut := phctl(append([]string{"bootstrap", "--profile", "ops"}, tc.args...)...)
			if code != tc.code || out != "" || !strings.Contains(errOut, tc.says) {
				t.Fatalf("exit %d, out %q, err %q; want exit %d saying %q", code, out, errOut, tc.code, tc.says)
			}
			if got := aws.took(); len(got) != tc.calls {
				t.Fatalf("calls %v, want %d", got, tc.calls)
			}
			tbl.Unchanged(before, "a refused bootstrap")
		})
	}
}
