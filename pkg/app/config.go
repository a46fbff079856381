// Package app is what every function starts from: it reads the configuration, reads the secrets the stack names,
// builds the AWS clients a function asks for (once, on first use), and hands the Lambda runtime the handler the
// function's own wiring builds.
//
// It imports no use case. Each function's wiring is a package of its own, pkg/app/<function> (the otp function's
// is pkg/app/otp, two-factor's pkg/app/twofactor), whose Handler functions/<name>/main.go passes to Start: a
// function links only its own use cases and clients. pkg/app/all builds every function's handler with that same
// wiring for the local stack, `make invoke` and the tests, so they run the code Lambda runs.
package app

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/secret"
)

// Config is what a function needs to know about its environment. Every field comes from an environment
// variable; the CDK stack sets them in AWS and the local stack sets them locally.
type Config struct {
	// Env is "local" for the local stack and the tests, "aws" when deployed.
	Env string // PH_ENV
	// Table is the DynamoDB table name.
	Table string // TABLE_NAME
	// Region is the AWS region.
	Region string // AWS_REGION
	// DynamoEndpoint and SESEndpoint point the SDK clients at the emulators (local only).
	DynamoEndpoint string // DYNAMODB_ENDPOINT
	SESEndpoint    string // SES_ENDPOINT
	// Key is the HMAC key for tokens, codes and sessions as one plain key, version 1 of the keyring: locally
	// PH_HMAC_KEY in hex, or what a test gives. KeyText is the keyring as its secret holds it (secret.Document:
	// JSON, or the plain hex key): in AWS the Secrets Manager secret named by HMAC_SECRET_ARN, read at cold start
	// and again when a newer key version turns up (see App.Keys); locally PH_HMAC_KEY when it is a JSON keyring.
	// Both are optional here: the stack gives the secret only to the functions whose route.Functions entry says
	// NeedsKey, and a handler that needs the key refuses to be built without it, so the others start without one.
	Key           []byte
	KeyText       string
	HMACSecretARN string // HMAC_SECRET_ARN
	// OriginSecret is the header value the portal's CloudFront distribution adds to API requests, so a function
	// may trust the viewer's address it forwards (rate limits per address) and refuses any request without it
	// (one sent around the distribution and its web ACL). In AWS it comes from the secret named by
	// ORIGIN_SECRET_ARN, read once at cold start; locally there is no distribution and it stays empty.
	OriginSecret    string
	OriginSecretARN string // ORIGIN_SECRET_ARN
	// MailFrom is the sender address of every email.
	MailFrom string // MAIL_FROM
	// ConfigurationSet is the SES configuration set (AWS only).
	ConfigurationSet string // SES_CONFIGURATION_SET
	// PortalURL is the portal's origin, used in links inside emails, e.g. http://localhost:3000.
	PortalURL string // PORTAL_URL
	// Origins may send state-changing requests; the portal's origin is always one of them.
	Origins []string // ALLOWED_ORIGINS, comma-separated
	// LogLevel is debug, info, warn or error.
	LogLevel string // LOG_LEVEL
	// EventBus is the EventBridge bus the lifecycle events go to (AWS only; locally they go to the local log).
	EventBus string // EVENT_BUS_NAME
	// EventSource is the lifecycle events' source, lifecycle.Source of the stage; empty: by Env.
	EventSource string // EVENT_SOURCE
}

// Local reports whether this is the local stack.
func (c Config) Local() bool { return c.Env == "local" }

// FromEnv reads the configuration from the environment.
func FromEnv() (Config, error) {
	c := Config{
		Env:              getenv("PH_ENV", "aws"),
		Table:            os.Getenv("TABLE_NAME"),
		Region:           getenv("AWS_REGION", "us-east-1"),
		DynamoEndpoint:   os.Getenv("DYNAMODB_ENDPOINT"),
		SESEndpoint:      os.Getenv("SES_ENDPOINT"),
		HMACSecretARN:    os.Getenv("HMAC_SECRET_ARN"),
		OriginSecretARN:  os.Getenv("ORIGIN_SECRET_ARN"),
		MailFrom:         getenv("MAIL_FROM", "PartnerHub <no-reply@partnerhub.local>"),
		ConfigurationSet: os.Getenv("SES_CONFIGURATION_SET"),
		PortalURL:        strings.TrimRight(getenv("PORTAL_URL", "http://localhost:3000"), "/"),
		LogLevel:         getenv("LOG_LEVEL", "info"),
		EventBus:         os.Getenv("EVENT_BUS_NAME"),
		EventSource:      os.Getenv("EVENT_SOURCE"),
	}
	c.Origins = []string{c.PortalURL}
	for _, o := range strings.Split(os.Getenv("ALLOWED_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" && o != c.PortalURL {
			c.Origins = append(c.Origins, o)
		}
	}
	if k := os.Getenv("PH_HMAC_KEY"); strings.HasPrefix(strings.TrimSpace(k), "{") {
		if _, err := secret.ParseKeyring(k); err != nil {
			return c, fmt.Errorf("PH_HMAC_KEY: %w", err)
		}
		c.KeyText = k
	} else if k != "" {
		key, err := hex.DecodeString(k)
		if err != nil || len(key) < 32 {
			return c, errors.New("PH_HMAC_KEY must be at least 32 bytes, hex-encoded")
		}
		c.Key = key
	}
	if c.Table == "" {
		return c, errors.New("TABLE_NAME is not set")
	}
	return c, nil
}

func getenv(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
