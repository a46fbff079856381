package app

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestSecretsEndpoint: without an endpoint setting, Secrets Manager is the region's endpoint in its partition's
// domain; AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL, replace it, unless endpoint settings are ignored.
func TestSecretsEndpoint(t *testing.T) {
	for _, v := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
		t.Setenv(v, "")
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "a")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "b")
	endpoint := func(region string) string {
		t.Helper()
		cfg, err := awsConfig(aws.Config{}, Config{Region: region})
		if err != nil {
			t.Fatal(err)
		}
		return secretsEndpoint(context.Background(), cfg)
	}
	for region, want := range map[string]string{
		"us-east-1":     "https://secretsmanager.us-east-1.amazonaws.com",
		"eu-central-2":  "https://secretsmanager.eu-central-2.amazonaws.com",
		"us-gov-west-1": "https://secretsmanager.us-gov-west-1.amazonaws.com",
		"cn-north-1":    "https://secretsmanager.cn-north-1.amazonaws.com.cn",
	} {
		if got := endpoint(region); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://everything.test")
	if got := endpoint("us-east-1"); got != "http://everything.test" {
		t.Errorf("with AWS_ENDPOINT_URL: %s", got)
	}
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://secrets.test")
	if got := endpoint("us-east-1"); got != "http://secrets.test" {
		t.Errorf("with AWS_ENDPOINT_URL_SECRETS_MANAGER: %s", got)
	}
	t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
	if got := endpoint("us-east-1"); got != "https://secretsmanager.us-east-1.amazonaws.com" {
		t.Errorf("with the settings ignored: %s", got)
	}
}
