package app

// A function reads its secrets with one signed GetSecretValue request each, not through the SDK's Secrets
// Manager client: that client's package init and first call are about 1.5 ms of a function's cold start (a
// fifth of it, measured by `make bench-init`), for the one call a function makes once. The request is the one
// the SDK makes: the JSON 1.1 protocol, signed by the SDK's SigV4 signer with the function's credentials, sent
// to the endpoint every client would use (AWS_ENDPOINT_URL_SECRETS_MANAGER, else the region's), and retried
// as the SDK's standard retryer would on throttling, 5xx answers and connection errors, within the bounds every
// client has (BoundsOf(ServiceSecrets)).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/partnerhub/partnerhub/pkg/secret"
)

// Secrets Manager's identity for endpoints and signing.
const (
	secretsServiceID = "Secrets Manager" // secretsmanager.ServiceID, the key of AWS_ENDPOINT_URL_SECRETS_MANAGER
	secretsSigningID = "secretsmanager"
)

// loadSecrets fills in what the configuration names by ARN and was not given directly: the HMAC keyring (a
// secret.Document) and the origin secret. A function given neither makes no call; one given both reads them side
// by side, so its cold start waits for one round trip, not two.
func loadSecrets(ctx context.Context, cfg aws.Config, c *Config) error {
	needKey := c.Key == nil && c.KeyText == "" && c.HMACSecretARN != ""
	needOrigin := c.OriginSecret == "" && c.OriginSecretARN != ""
	if !needKey && !needOrigin {
		return nil
	}
	sm, err := newSecretsReader(ctx, cfg)
	if err != nil {
		return err
	}
	var (
		wg                sync.WaitGroup
		key, origin       string
		errKey, errOrigin error
	)
	if needKey {
		wg.Go(func() { key, errKey = sm.read(ctx, c.HMACSecretARN) })
	}
	if needOrigin {
		wg.Go(func() { origin, errOrigin = sm.read(ctx, c.OriginSecretARN) })
	}
	wg.Wait()
	if errKey != nil {
		return fmt.Errorf("read hmac key: %w", errKey)
	}
	if errOrigin != nil {
		return fmt.Errorf("read origin secret: %w", errOrigin)
	}
	if needKey {
		if _, err := secret.ParseKeyring(key); err != nil {
			return fmt.Errorf("the hmac key secret: %w", err) // names no key: ParseKeyring's errors never do
		}
		c.KeyText = key
	}
	if needOrigin {
		c.OriginSecret = origin
	}
	return nil
}

// readKeyring reads the HMAC keyring from its secret again: what a warm function's keyring calls when it meets
// a key version newer than its own (secret.Keyring.ReloadWith), after a rotation.
func readKeyring(ctx context.Context, cfg aws.Config, arn string) (*secret.Keyring, error) {
	sm, err := newSecretsReader(ctx, cfg) // credentials as they are now, not as at cold start
	if err != nil {
		return nil, err
	}
	text, err := sm.read(ctx, arn)
	if err != nil {
		return nil, fmt.Errorf("read hmac key: %w", err)
	}
	return secret.ParseKeyring(text)
}

// secretsReader reads secrets' string values from Secrets Manager.
type secretsReader struct {
	endpoint string
	region   string
	creds    aws.Credentials
	signer   *v4.Signer
	client   aws.HTTPClient
}

func newSecretsReader(ctx context.Context, cfg aws.Config) (*secretsReader, error) {
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("aws credentials: %w", err)
	}
	return &secretsReader{
		endpoint: secretsEndpoint(ctx, cfg),
		region:   cfg.Region,
		creds:    creds,
		signer:   v4.NewSigner(),
		client:   httpClient(1).WithTimeout(BoundsOf(ServiceSecrets).Attempt), // only read in AWS,
	}, nil
}

// secretsEndpoint is where Secrets Manager answers: the endpoint settings, as every client reads them, else
// the region's endpoint (in its partition's domain).
func secretsEndpoint(ctx context.Context, cfg aws.Config) string {
	for _, src := range cfg.ConfigSources {
		if e, ok := src.(interface {
			GetServiceBaseEndpoint(context.Context, string) (string, bool, error)
		}); ok {
			if u, found, err := e.GetServiceBaseEndpoint(ctx, secretsServiceID); found && err == nil && !ignoreEndpointSettings() {
				return u
			}
		}
	}
	if cfg.BaseEndpoint != nil {
		return *cfg.BaseEndpoint
	}
	domain := "amazonaws.com"
	if strings.HasPrefix(cfg.Region, "cn-") {
		domain = "amazonaws.com.cn"
	}
	return "https://secretsmanager." + cfg.Region + "." + domain
}

// read returns the string value of the secret with that id (its ARN), trimmed.
func (r *secretsReader) read(ctx context.Context, id string) (string, error) {
	body, err := json.Marshal(struct{ SecretId string }{id})
	if err != nil {
		return "", err
	}
	bounds := BoundsOf(ServiceSecrets)
	var last error
	for attempt := range bounds.Attempts {
		if attempt > 0 {
			wait, _ := bounds.BackoffDelay(attempt, last)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		value, retry, err := r.call(ctx, body)
		if err == nil {
			return strings.TrimSpace(value), nil
		}
		if last = err; !retry {
			break
		}
	}
	return "", last
}

// call makes one GetSecretValue request and says whether a failure is worth another attempt.
func (r *secretsReader) call(ctx context.Context, body []byte) (value string, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(r.endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return "", false, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "secretsmanager.GetSecretValue")
	sum := sha256.Sum256(body)
	if err := r.signer.SignHTTP(ctx, r.creds, req, hex.EncodeToString(sum[:]), secretsSigningID, r.region, time.Now()); err != nil {
		return "", false, err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return "", true, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", true, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &e) // JSON 1.1 errors; "message" matches "Message" too
		typ := e.Type[strings.LastIndex(e.Type, "#")+1:]
		retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || strings.Contains(typ, "Throttl")
		return "", retry, fmt.Errorf("GetSecretValue: %s: %s (HTTP %d)", typ, e.Message, resp.StatusCode)
	}
	var out struct{ SecretString *string }
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", false, fmt.Errorf("GetSecretValue: %w", err)
	}
	if out.SecretString == nil {
		return "", false, errors.New("GetSecretValue: the secret holds no string")
	}
	return *out.SecretString, false, nil
}
