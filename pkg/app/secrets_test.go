package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/partnerhub/partnerhub/pkg/app"
)

// request is what a stand-in Secrets Manager saw of a GetSecretValue request.
type request struct {
	method, path, contentType, target, token string
	scope                                    string // the Authorization header's credential scope, without the date
	body                                     map[string]any
}

var credential = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/\d{8}/([^,]+), SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$`)

// recorder answers GetSecretValue with value and records each request.
func recorder(t *testing.T, value string) (*httptest.Server, func() []request) {
	var (
		mu   sync.Mutex
		seen []request
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		rq := request{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"),
			target: r.Header.Get("X-Amz-Target"), token: r.Header.Get("X-Amz-Security-Token")}
		if m := credential.FindStringSubmatch(r.Header.Get("Authorization")); m != nil && r.Header.Get("X-Amz-Date") != "" {
			rq.scope = m[1] + "/" + m[2]
		}
		_ = json.Unmarshal(raw, &rq.body)
		mu.Lock()
		seen = append(seen, rq)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": rq.body["SecretId"], "Name": "n", "SecretString": value})
	}))
	t.Cleanup(srv.Close)
	return srv, func() []request {
		mu.Lock()
		defer mu.Unlock()
		return append([]request(nil), seen...)
	}
}

// TestSecretReadIsTheSDKRequest: the one GetSecretValue request a function makes at start-up is the request the
// SDK's Secrets Manager client makes for the same secret: method, path, protocol headers, body, and a SigV4
// signature with the same credentials, service and region (and the session token).
func TestSecretReadIsTheSDKRequest(t *testing.T) {
	awsEnv(t)
	const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:origin-AbCdEf"
	srv, seen := recorder(t, "origin-value")
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)

	sdk := secretsmanager.NewFromConfig(aws.Config{Region: "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("ASIAEXAMPLEEXAMPLE00", "stand-in", "stand-in-token"),
		BaseEndpoint: aws.String(srv.URL)})
	if _, err := sdk.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), app.Config{Env: "aws", Table: "t", Region: "eu-west-1", OriginSecretARN: arn})
	if err != nil {
		t.Fatal(err)
	}
	if a.Config.OriginSecret != "origin-value" {
		t.Fatalf("origin secret %q", a.Config.OriginSecret)
	}
	r := seen()
	if len(r) != 2 {
		t.Fatalf("%d requests", len(r))
	}
	want, got := r[0], r[1]
	if want.scope != "ASIAEXAMPLEEXAMPLE00/eu-west-1/secretsmanager/aws4_request" {
		t.Fatalf("the SDK's request, which this test compares with, is not what it expects: %+v", want)
	}
	if got.method != want.method || got.path != want.path || got.contentType != want.contentType ||
		got.target != want.target || got.token != want.token || got.scope != want.scope {
		t.Errorf("request %+v\nthe SDK's %+v", got, want)
	}
	if gb, wb := mustJSON(t, got.body), mustJSON(t, want.body); gb != wb {
		t.Errorf("body %s, the SDK's %s", gb, wb)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSecretReadRetries: throttling and 5xx answers are tried again, as the SDK's standard retryer would (three
// attempts in all); an answer no retry can change is not.
func TestSecretReadRetries(t *testing.T) {
	awsEnv(t)
	for name, tc := range map[string]struct {
		failures  []int // statuses of the failed answers before a good one
		errType   string
		wantCalls int64
		wantErr   bool
	}{
		"case=a 500 then the secret":        {failures: []int{500}, wantCalls: 2},
		"case=throttled twice":              {failures: []int{400, 400}, errType: "ThrottlingException", wantCalls: 3},
		"case=three 503s":                   {failures: []int{503, 503, 503}, wantCalls: 3, wantErr: true},
		"case=not found is not retried":     {failures: []int{400, 400}, errType: "ResourceNotFoundException", wantCalls: 1, wantErr: true},
		"case=access denied is not retried": {failures: []int{400}, errType: "AccessDeniedException", wantCalls: 1, wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				w.Header().Set("Content-Type", "application/x-amz-json-1.1")
				if int(n) <= len(tc.failures) {
					w.WriteHeader(tc.failures[n-1])
					_, _ = w.Write([]byte(`{"__type":"com.amazonaws.secretsmanager#` + tc.errType + `","Message":"stand-in"}`))
					return
				}
				_, _ = w.Write([]byte(`{"SecretString":"value"}`))
			}))
			defer srv.Close()
			t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)
			_, err := app.New(context.Background(), app.Config{Env: "aws", Table: "t", Region: "us-east-1", OriginSecretARN: "arn:x"})
			if (err != nil) != tc.wantErr || calls.Load() != tc.wantCalls {
				t.Fatalf("err %v after %d calls; want error %v after %d", err, calls.Load(), tc.wantErr, tc.wantCalls)
			}
			if err != nil && tc.errType != "" && !strings.Contains(err.Error(), tc.errType) {
				t.Fatalf("err %v does not name %s", err, tc.errType)
			}
		})
	}
}
