// Package keyrotation is the wiring of the key-rotation function: Secrets Manager invokes it, step by step, to
// rotate the HMAC keyring secret. Rotating adds a fresh random key as the new current one and keeps every older
// key, so every link, session, code and sealed secret made before still verifies (secret.Next, pure and tested
// there); functions that meet the new version read the secret again (secret.Keyring.ReloadWith).
//
// The steps are Secrets Manager's rotation protocol:
//
//	createSecret   AWSCURRENT's keyring + a new key → a new version labelled AWSPENDING (once per rotation)
//	setSecret      nothing: the keyring lives in the secret alone, no other system holds it
//	testSecret     AWSPENDING parses, keeps every key of AWSCURRENT, and its current key is a new version
//	finishSecret   AWSCURRENT moves to the pending version; the functions pick it up as described above
//
// Every step may be invoked again for the same rotation (Secrets Manager retries) and does nothing the second time.
package keyrotation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// The staging labels of the rotation protocol.
const (
	StageCurrent = "AWSCURRENT"
	StagePending = "AWSPENDING"
)

// Steps of the rotation protocol, as the event names them.
const (
	StepCreate = "createSecret"
	StepSet    = "setSecret"
	StepTest   = "testSecret"
	StepFinish = "finishSecret"
)

// Secrets is the part of Secrets Manager a rotation uses.
type Secrets interface {
	DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	UpdateSecretVersionStage(ctx context.Context, in *secretsmanager.UpdateSecretVersionStageInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error)
}

var _ Secrets = (*secretsmanager.Client)(nil)

// Rotator runs the steps of a rotation of the HMAC keyring secret.
type Rotator struct {
	SM Secrets
	// NewKey makes the new key: secret.NewKey, or a fixed one in tests.
	NewKey func() []byte
	Log    *slog.Logger
}

// Handler builds the function's handler: the rotator on the SDK's Secrets Manager client, each step within the
// invocation's Budget.
func Handler(a *app.App) (func(context.Context, events.SecretsManagerSecretRotationEvent) error, error) {
	r := &Rotator{SM: secretsmanager.NewFromConfig(a.AWS()), NewKey: secret.NewKey, Log: a.Log.With("function", "key-rotation")}
	return func(ctx context.Context, ev events.SecretsManagerSecretRotationEvent) error {
		ctx, cancel := app.Budget(ctx)
		defer cancel()
		return r.Rotate(ctx, ev)
	}, nil
}

// Rotate runs one step of a rotation. The secret must have rotation enabled and the event's token must name a
// version of it labelled AWSPENDING, unless that version is already AWSCURRENT (a step invoked again after the
// rotation finished), when there is nothing to do.
func (r *Rotator) Rotate(ctx context.Context, ev events.SecretsManagerSecretRotationEvent) error {
	log := r.Log.With("step", ev.Step, "version", ev.ClientRequestToken)
	meta, err := r.SM.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(ev.SecretID)})
	if err != nil {
		return fmt.Errorf("describe secret: %w", err)
	}
	if !aws.ToBool(meta.RotationEnabled) {
		return errors.New("the secret does not have rotation enabled")
	}
	stages, ok := meta.VersionIdsToStages[ev.ClientRequestToken]
	switch {
	case !ok:
		return errors.New("the rotation's version is not a version of the secret")
	case has(stages, StageCurrent):
		log.InfoContext(ctx, "the rotation's version is already current")
		return nil
	case !has(stages, StagePending):
		return errors.New("the rotation's version is not labelled AWSPENDING")
	}
	switch ev.Step {
	case StepCreate:
		err = r.create(ctx, ev)
	case StepSet:
		// Nothing to set: no other system holds the keyring.
	case StepTest:
		err = r.test(ctx, ev)
	case StepFinish:
		err = r.finish(ctx, ev, meta.VersionIdsToStages)
	default:
		return fmt.Errorf("unknown rotation step %q", ev.Step)
	}
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "rotation step done")
	return nil
}

// create writes the next keyring as the pending version, unless a retried step already did.
func (r *Rotator) create(ctx context.Context, ev events.SecretsManagerSecretRotationEvent) error {
	current, err := r.read(ctx, ev.SecretID, "", StageCurrent)
	if err != nil {
		return err
	}
	_, err = r.SM.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(ev.SecretID), VersionId: aws.String(ev.ClientRequestToken), VersionStage: aws.String(StagePending),
	})
	var notFound *types.ResourceNotFoundException
	switch {
	case err == nil:
		return nil // written by an earlier try of this step
	case !errors.As(err, &notFound):
		return fmt.Errorf("read the pending version: %w", err)
	}
	next, err := secret.Next(current, r.NewKey())
	if err != nil {
		return fmt.Errorf("the current keyring: %w", err)
	}
	in := &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(ev.SecretID), ClientRequestToken: aws.String(ev.ClientRequestToken),
		SecretString: aws.String(next.String()), VersionStages: []string{StagePending},
	}
	if ev.RotationToken != "" {
		in.RotationToken = aws.String(ev.RotationToken)
	}
	if _, err := r.SM.PutSecretValue(ctx, in); err != nil {
		return fmt.Errorf("write the pending version: %w", err)
	}
	r.Log.InfoContext(ctx, "new hmac key written as pending", "current", int(next.Current), "versions", len(next.Keys))
	return nil
}

// test checks that the pending keyring is a successor of the current one: functions that read either verify
// everything the other's keys made.
func (r *Rotator) test(ctx context.Context, ev events.SecretsManagerSecretRotationEvent) error {
	current, err := r.read(ctx, ev.SecretID, "", StageCurrent)
	if err != nil {
		return err
	}
	pending, err := r.read(ctx, ev.SecretID, ev.ClientRequestToken, StagePending)
	if err != nil {
		return err
	}
	return secret.CheckSuccessor(current, pending)
}

// finish moves AWSCURRENT to the rotation's version.
func (r *Rotator) finish(ctx context.Context, ev events.SecretsManagerSecretRotationEvent, versions map[string][]string) error {
	in := &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String(ev.SecretID), VersionStage: aws.String(StageCurrent), MoveToVersionId: aws.String(ev.ClientRequestToken),
	}
	for id, stages := range versions {
		if has(stages, StageCurrent) {
			in.RemoveFromVersionId = aws.String(id)
		}
	}
	if _, err := r.SM.UpdateSecretVersionStage(ctx, in); err != nil {
		return fmt.Errorf("make the new version current: %w", err)
	}
	return nil
}

// read reads a version of the secret (by id, or by stage alone) as a keyring document.
func (r *Rotator) read(ctx context.Context, id, version, stage string) (secret.Document, error) {
	in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(id), VersionStage: aws.String(stage)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out, err := r.SM.GetSecretValue(ctx, in)
	if err != nil {
		return secret.Document{}, fmt.Errorf("read the %s version: %w", stage, err)
	}
	d, err := secret.ParseDocument(aws.ToString(out.SecretString))
	if err != nil {
		return secret.Document{}, fmt.Errorf("the %s version: %w", stage, err)
	}
	return d, nil
}

func has(stages []string, stage string) bool { return slices.Contains(stages, stage) }
