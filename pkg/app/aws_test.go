package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// awsEnv is the environment of a function in Lambda, as far as the AWS configuration goes: the role's
// credentials, and no endpoint setting unless the test sets one.
func awsEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEEXAMPLE00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "stand-in")
	t.Setenv("AWS_SESSION_TOKEN", "stand-in-token")
	for _, v := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SESV2", "AWS_ENDPOINT_URL_SNS",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
		t.Setenv(v, "")
	}
}

// TestClientsFollowTheSDKEndpointSettings: every client built from the App's configuration, by the App or by a
// function's wiring, takes its endpoint from AWS_ENDPOINT_URL_<SERVICE ID> as package config would give it, and
// from nothing else when none is set.
func TestClientsFollowTheSDKEndpointSettings(t *testing.T) {
	awsEnv(t)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://dynamodb.test")
	t.Setenv("AWS_ENDPOINT_URL_SESV2", "http://ses.test")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "http://streams.test")
	a, err := app.New(context.Background(), app.Config{Env: "aws", Table: "t", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]*string{
		"http://dynamodb.test": a.Dynamo().Options().BaseEndpoint,
		"http://ses.test":      sesv2.NewFromConfig(a.AWS()).Options().BaseEndpoint,
		"http://streams.test":  dynamodbstreams.NewFromConfig(a.AWS()).Options().BaseEndpoint,
	} {
		if aws.ToString(got) != name {
			t.Errorf("endpoint %q, want %q", aws.ToString(got), name)
		}
	}
	if got := sns.NewFromConfig(a.AWS()).Options().BaseEndpoint; got != nil {
		t.Errorf("SNS has endpoint %q with no setting for it", *got)
	}
	if r := a.AWS().Region; r != "eu-west-1" {
		t.Errorf("region %q", r)
	}
	creds, err := a.AWS().Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "ASIAEXAMPLEEXAMPLE00" || creds.SessionToken != "stand-in-token" {
		t.Errorf("credentials %+v, %v: want the environment's", creds, err)
	}

	t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
	a, err = app.New(context.Background(), app.Config{Env: "aws", Table: "t", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Dynamo().Options().BaseEndpoint; got != nil {
		t.Errorf("endpoint %q with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true", *got)
	}
}

// TestLocalStackEndpoints: the local stack's DYNAMODB_ENDPOINT serves DynamoDB and its streams, SES_ENDPOINT
// SES, with dummy credentials and no AWS credentials in the environment.
func TestLocalStackEndpoints(t *testing.T) {
	awsEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	a, err := app.New(context.Background(), app.Config{Env: "local", Table: "t", Region: "us-east-1",
		DynamoEndpoint: "http://127.0.0.1:8000", SESEndpoint: "http://127.0.0.1:8005"})
	if err != nil {
		t.Fatal(err)
	}
	for want, got := range map[string]*string{
		"http://127.0.0.1:8000": dynamodbstreams.NewFromConfig(a.AWS()).Options().BaseEndpoint,
		"http://127.0.0.1:8005": sesv2.NewFromConfig(a.AWS()).Options().BaseEndpoint,
	} {
		if aws.ToString(got) != want {
			t.Errorf("endpoint %q, want %q", aws.ToString(got), want)
		}
	}
	if got := aws.ToString(a.Dynamo().Options().BaseEndpoint); got != "http://127.0.0.1:8000" {
		t.Errorf("DynamoDB endpoint %q", got)
	}
}

// TestNoCredentialsFailsAtStart: outside the local stack, a process without credentials in its environment
// does not start, rather than fail on its first call.
func TestNoCredentialsFailsAtStart(t *testing.T) {
	awsEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	_, err := app.New(context.Background(), app.Config{Env: "aws", Table: "t", Region: "us-east-1"})
	if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Fatalf("err = %v, want one naming the missing credentials", err)
	}
}

// secretsManager stands in for Secrets Manager's GetSecretValue and counts the calls.
func secretsManager(t *testing.T, secrets map[string]string) (*httptest.Server, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var in struct{ SecretId string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || secrets[in.SecretId] == "" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"ResourceNotFoundException","Message":"no such secret"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"ARN": in.SecretId, "SecretString": secrets[in.SecretId]})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// TestSecretsAreReadOnlyWhenNamed: a function reads the secrets its configuration names by ARN (the HMAC key
// hex-encoded, the origin secret), and makes no call at all when it names none.
func TestSecretsAreReadOnlyWhenNamed(t *testing.T) {
	awsEnv(t)
	key := strings.Repeat("ab", 32)
	srv, calls := secretsManager(t, map[string]string{"arn:key": key + "\n", "arn:origin": " origin-value "})
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)

	a, err := app.New(context.Background(), app.Config{Env: "aws", Table: "t", Region: "us-east-1"})
	if err != nil || calls.Load() != 0 || a.Keys != nil {
		t.Fatalf("with no secret named: %v, %d calls, keys %v", err, calls.Load(), a.Keys != nil)
	}
	if _, err := a.Keyring(); !errors.Is(err, app.ErrNoKey) {
		t.Fatalf("Keyring without a key: %v", err)
	}

	a, err = app.New(context.Background(), app.Config{Env: "aws", Table: "t", Region: "us-east-1",
		HMACSecretARN: "arn:key", OriginSecretARN: "arn:origin"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Keys == nil || a.Keys.Current() != 1 || a.Config.KeyText != key || a.Config.OriginSecret != "origin-value" || calls.Load() != 2 {
		t.Fatalf("keyring %q, origin secret %q, %d calls", a.Config.KeyText, a.Config.OriginSecret, calls.Load())
	}

	for name, cfg := range map[string]app.Config{
		"hmac key":       {HMACSecretARN: "arn:missing"},
		"origin secret":  {OriginSecretARN: "arn:missing"},
		"hmac key:short": {HMACSecretARN: "arn:origin"},
	} {
		cfg.Env, cfg.Table, cfg.Region = "aws", "t", "us-east-1"
		if _, err := app.New(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), strings.Split(name, ":")[0]) {
			t.Errorf("%s: err = %v, want one naming it", name, err)
		}
	}
}

// TestWarmKeyringReadsTheSecretAgain: a function started before a rotation holds only key 1; a token of key 2
// makes it read the secret again, once, and verify; a made-up version right after reads nothing.
func TestWarmKeyringReadsTheSecretAgain(t *testing.T) {
	awsEnv(t)
	key1, key2 := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	secrets := map[string]string{"arn:key": key1}
	srv, calls := secretsManager(t, secrets)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)
	a, err := app.New(context.Background(), app.Config{Env: "aws", Table: "t", Region: "us-east-1", HMACSecretARN: "arn:key"})
	if err != nil || a.Keys.Current() != 1 || calls.Load() != 1 {
		t.Fatalf("cold start: %v, %d calls", err, calls.Load())
	}

	rotated := `{"current":2,"keys":{"1":"` + key1 + `","2":"` + key2 + `"}}`
	secrets["arn:key"] = rotated // read by the stand-in's handler only after this write, on the next request
	elsewhere, err := secret.ParseKeyring(rotated)
	if err != nil {
		t.Fatal(err)
	}
	tok := elsewhere.LinkToken(secret.PurposeActivation, "link-id")
	if id, ok := a.Keys.ParseLinkToken(context.Background(), secret.PurposeActivation, tok); !ok || id != "link-id" {
		t.Fatal("the warm function refused a token of the rotated key")
	}
	if calls.Load() != 2 || a.Keys.Current() != 2 {
		t.Fatalf("%d calls, current %d; want one more read and key 2 current", calls.Load(), a.Keys.Current())
	}
	made := strings.TrimSuffix(tok, ".2") + ".3"
	if _, ok := a.Keys.ParseLinkToken(context.Background(), secret.PurposeActivation, made); ok || calls.Load() != 2 {
		t.Fatalf("a made-up version: verified %v, %d calls (want no read within the interval)", ok, calls.Load())
	}
}
