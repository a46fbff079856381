package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
)

// Clients are the AWS SDK clients, built once per process.
type Clients struct {
	Dynamo  *dynamodb.Client
	Streams *dynamodbstreams.Client
	SES     *sesv2.Client
	Secrets *secretsmanager.Client
	// aws is the configuration the clients were built from, for clients built later (the mailer's SNS).
	aws aws.Config
}

// NewClients builds the SDK clients. With endpoints set (the local stack and tests) they talk to the emulators
// with static dummy credentials; otherwise they use the Lambda role.
func NewClients(ctx context.Context, c Config) (*Clients, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(c.Region)}
	if c.DynamoEndpoint != "" || c.SESEndpoint != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	return &Clients{
		Dynamo: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			if c.DynamoEndpoint != "" {
				o.BaseEndpoint = aws.String(c.DynamoEndpoint)
			}
		}),
		Streams: dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) {
			if c.DynamoEndpoint != "" {
				o.BaseEndpoint = aws.String(c.DynamoEndpoint)
			}
		}),
		SES: sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
			if c.SESEndpoint != "" {
				o.BaseEndpoint = aws.String(c.SESEndpoint)
			}
		}),
		Secrets: secretsmanager.NewFromConfig(cfg),
		aws:     cfg,
	}, nil
}

// LoadKey fills c.Key from Secrets Manager when the configuration names the secret and no key was given
// directly. The secret holds the key hex-encoded.
func (cl *Clients) LoadKey(ctx context.Context, c *Config) error {
	if c.Key != nil || c.HMACSecretARN == "" {
		return nil
	}
	out, err := cl.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.HMACSecretARN)})
	if err != nil {
		return fmt.Errorf("read hmac key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(aws.ToString(out.SecretString)))
	if err != nil || len(key) < 32 {
		return fmt.Errorf("the hmac key secret must hold at least 32 hex-encoded bytes")
	}
	c.Key = key
	return nil
}

// LoadOriginSecret fills c.OriginSecret from Secrets Manager when the stack named one (HTTP functions behind the
// portal's distribution).
func (cl *Clients) LoadOriginSecret(ctx context.Context, c *Config) error {
	if c.OriginSecret != "" || c.OriginSecretARN == "" {
		return nil
	}
	out, err := cl.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.OriginSecretARN)})
	if err != nil {
		return fmt.Errorf("read origin secret: %w", err)
	}
	c.OriginSecret = strings.TrimSpace(aws.ToString(out.SecretString))
	return nil
}
