package app

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// awsConfig completes base (zero, or what WithAWS gave) into the configuration every client of the process is
// built from: the region, the credentials, the endpoint settings, and the bounds of every call (bounds.go).
//
// A function does not load the SDK's default configuration (package config). In Lambda the role's credentials
// are the environment's (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), which is what the
// default chain finds first; package config links the shared files, SSO, STS, IMDS and login providers
// besides, 2 MB (a third of a hello-world function) that no function uses. With the local stack's endpoints
// set, the clients use static dummy credentials, as the emulators want.
func awsConfig(base aws.Config, c Config) (aws.Config, error) {
	cfg := base
	if cfg.Region == "" {
		cfg.Region = c.Region
	}
	if cfg.Credentials == nil {
		id, key := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		switch {
		case c.DynamoEndpoint != "" || c.SESEndpoint != "":
			cfg.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
		case id != "" && key != "":
			cfg.Credentials = credentials.NewStaticCredentialsProvider(id, key, os.Getenv("AWS_SESSION_TOKEN"))
		default:
			return cfg, errors.New("no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (Lambda sets them to the role's)")
		}
	}
	if u := os.Getenv("AWS_ENDPOINT_URL"); u != "" && cfg.BaseEndpoint == nil && !ignoreEndpointSettings() {
		cfg.BaseEndpoint = aws.String(u)
	}
	local := map[string]string{}
	if c.DynamoEndpoint != "" {
		local["DynamoDB"], local["DynamoDB Streams"] = c.DynamoEndpoint, c.DynamoEndpoint
	}
	if c.SESEndpoint != "" {
		local["SESv2"] = c.SESEndpoint
	}
	cfg.ConfigSources = append([]any{endpoints{local: local}}, cfg.ConfigSources...)
	return bounded(cfg, slackOf(c)), nil
}

// endpoints is where every client built from the configuration asks for its service's endpoint (the SDK's
// configuration source interfaces for base endpoints): the local stack's emulator for the service, else the
// SDK's own setting AWS_ENDPOINT_URL_<SERVICE ID> (upper case, spaces as underscores), read as package config
// reads it. None means the service's endpoint in the region.
type endpoints struct {
	// local maps a service id (dynamodb.ServiceID, ...) to its emulator's URL.
	local map[string]string
}

// GetServiceBaseEndpoint is the endpoint of the service with that SDK id, if one is set.
func (e endpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	if u := e.local[sdkID]; u != "" {
		return u, true, nil
	}
	if u := os.Getenv("AWS_ENDPOINT_URL_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_")); u != "" {
		return u, true, nil
	}
	return "", false, nil
}

// GetIgnoreConfiguredEndpoints is the SDK's AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: true ignores the endpoint
// settings.
func (endpoints) GetIgnoreConfiguredEndpoints(context.Context) (bool, bool, error) {
	return ignoreEndpointSettings(), os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") != "", nil
}

func ignoreEndpointSettings() bool {
	return strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true")
}
