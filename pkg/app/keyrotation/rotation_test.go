package keyrotation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/partnerhub/partnerhub/pkg/app/keyrotation"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:HmacKey-AbCdEf"

// version is one version of the stand-in's secret.
type version struct {
	value  *string // nil: created by Secrets Manager for a rotation, not written yet
	stages []string
}

// secretsManager stands in for the four Secrets Manager operations a rotation makes (JSON 1.1 protocol), on one
// secret, with its versions and staging labels, as Secrets Manager keeps them.
type secretsManager struct {
	mu       sync.Mutex
	rotation bool
	versions map[string]*version
	calls    map[string]int
}

func newSecretsManager(t *testing.T, current string) (*secretsManager, *secretsmanager.Client) {
	sm := &secretsManager{rotation: true, versions: map[string]*version{"v-initial": {value: &current, stages: []string{"AWSCURRENT"}}}, calls: map[string]int{}}
	srv := httptest.NewServer(sm)
	t.Cleanup(srv.Close)
	client := secretsmanager.New(secretsmanager.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	return sm, client
}

// startRotation is what Secrets Manager does before it invokes the function: a new version id labelled
// AWSPENDING, with no value yet.
func (sm *secretsManager) startRotation(token string) {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	sm.versions[token] = &version{stages: []string{"AWSPENDING"}}
}

func (sm *secretsManager) current() (id, value string) {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	for id, v := range sm.versions {
		if slices.Contains(v.stages, "AWSCURRENT") {
			return id, *v.value
		}
	}
	return "", ""
}

func (sm *secretsManager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "secretsmanager.")
	sm.calls[op]++
	var in struct {
		SecretId, VersionId, VersionStage, ClientRequestToken, SecretString, MoveToVersionId, RemoveFromVersionId string
		VersionStages                                                                                             []string
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil || in.SecretId != arn || r.Header.Get("Authorization") == "" {
		fail(w, "ValidationException", "bad request")
		return
	}
	out := map[string]any{"ARN": arn, "Name": "HmacKey"}
	switch op {
	case "DescribeSecret":
		stages := map[string][]string{}
		for id, v := range sm.versions {
			stages[id] = v.stages
		}
		out["RotationEnabled"], out["VersionIdsToStages"] = sm.rotation, stages
	case "GetSecretValue":
		id, v := in.VersionId, sm.versions[in.VersionId]
		if id == "" {
			for vid, vv := range sm.versions {
				if slices.Contains(vv.stages, in.VersionStage) {
					id, v = vid, vv
				}
			}
		}
		if v == nil || v.value == nil || (in.VersionStage != "" && !slices.Contains(v.stages, in.VersionStage)) {
			fail(w, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value.")
			return
		}
		out["VersionId"], out["SecretString"], out["VersionStages"] = id, *v.value, v.stages
	case "PutSecretValue":
		v := sm.versions[in.ClientRequestToken]
		if v == nil || v.value != nil {
			fail(w, "ResourceExistsException", "this version exists")
			return
		}
		v.value, v.stages = &in.SecretString, in.VersionStages
		out["VersionId"], out["VersionStages"] = in.ClientRequestToken, v.stages
	case "UpdateSecretVersionStage":
		to, from := sm.versions[in.MoveToVersionId], sm.versions[in.RemoveFromVersionId]
		if to == nil || from == nil || !slices.Contains(from.stages, in.VersionStage) {
			fail(w, "InvalidParameterException", "the stage is not on the version to remove it from")
			return
		}
		from.stages = slices.DeleteFunc(from.stages, func(s string) bool { return s == in.VersionStage })
		to.stages = append(to.stages, in.VersionStage)
		if in.VersionStage == "AWSCURRENT" { // Secrets Manager keeps the previous version as AWSPREVIOUS
			from.stages = append(from.stages, "AWSPREVIOUS")
		}
	default:
		fail(w, "InvalidAction", "not stood in for: "+op)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

func fail(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "Message": msg})
}

func rotator(client *secretsmanager.Client, key byte) *keyrotation.Rotator {
	return &keyrotation.Rotator{SM: client, NewKey: func() []byte { return bytes.Repeat([]byte{key}, 32) },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func step(name, token string) events.SecretsManagerSecretRotationEvent {
	return events.SecretsManagerSecretRotationEvent{Step: name, SecretID: arn, ClientRequestToken: token}
}

var allSteps = []string{keyrotation.StepCreate, keyrotation.StepSet, keyrotation.StepTest, keyrotation.StepFinish}

// TestRotation runs whole rotations through the SDK's client: from the plain hex key of before (version 1) to a
// keyring of two, then three keys; each step run twice, as Secrets Manager may; old keys keep verifying.
func TestRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	key1 := strings.Repeat("11", 32)
	sm, client := newSecretsManager(t, key1)
	before, _ := secret.ParseKeyring(key1)
	link := before.LinkToken(secret.PurposeActivation, "link-id")

	for i, token := range []string{"v-second", "v-third"} {
		sm.startRotation(token)
		r := rotator(client, byte(0xa0+i))
		for _, s := range allSteps {
			for range 2 {
				if err := r.Rotate(ctx, step(s, token)); err != nil {
					t.Fatalf("rotation %d, %s: %v", i+1, s, err)
				}
			}
		}
		id, value := sm.current()
		k, err := secret.ParseKeyring(value)
		if err != nil || id != token {
			t.Fatalf("after rotation %d: current version %s (%v)", i+1, id, err)
		}
		if want := secret.Version(i + 2); k.Current() != want || len(k.Versions()) != i+2 {
			t.Fatalf("after rotation %d: current key %d of %v, want %d", i+1, k.Current(), k.Versions(), want)
		}
		if got, ok := k.ParseLinkToken(ctx, secret.PurposeActivation, link); !ok || got != "link-id" {
			t.Fatalf("after rotation %d the first key's link no longer verifies", i+1)
		}
		if !strings.Contains(value, strings.Repeat("a"+string("0123456789"[i]), 32)) {
			t.Fatalf("after rotation %d the new key is not the one made: %s", i+1, value)
		}
	}
	if sm.calls["PutSecretValue"] != 2 || sm.calls["UpdateSecretVersionStage"] != 2 {
		t.Fatalf("calls %v: want one write and one label move per rotation, whatever the retries", sm.calls)
	}
}

// TestRotationRefuses: the steps refuse a secret without rotation, a token that is no pending version, an
// unknown step, and a pending keyring that drops a key.
func TestRotationRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	key1 := strings.Repeat("11", 32)
	for name, tc := range map[string]struct {
		prepare func(sm *secretsManager)
		event   events.SecretsManagerSecretRotationEvent
	}{
		"rotation disabled": {func(sm *secretsManager) { sm.rotation = false; sm.startRotation("v-new") }, step(keyrotation.StepCreate, "v-new")},
		"unknown version":   {func(*secretsManager) {}, step(keyrotation.StepCreate, "v-none")},
		"not pending":       {func(sm *secretsManager) { sm.versions["v-new"] = &version{stages: []string{"AWSPREVIOUS"}} }, step(keyrotation.StepCreate, "v-new")},
		"unknown step":      {func(sm *secretsManager) { sm.startRotation("v-new") }, step("dropSecret", "v-new")},
		"pending drops key 1": {func(sm *secretsManager) {
			v := `{"current":2,"keys":{"2":"` + strings.Repeat("22", 32) + `"}}`
			sm.versions["v-new"] = &version{value: &v, stages: []string{"AWSPENDING"}}
		}, step(keyrotation.StepTest, "v-new")},
		"pending not newer": {func(sm *secretsManager) {
			v := key1
			sm.versions["v-new"] = &version{value: &v, stages: []string{"AWSPENDING"}}
		}, step(keyrotation.StepTest, "v-new")},
	} {
		t.Run("case="+name, func(t *testing.T) {
			t.Parallel()
			sm, client := newSecretsManager(t, key1)
			tc.prepare(sm)
			if err := rotator(client, 0xbb).Rotate(ctx, tc.event); err == nil {
				t.Fatal("the step succeeded")
			}
			if id, value := sm.current(); id != "v-initial" || value != key1 {
				t.Fatalf("the current version moved to %s", id)
			}
		})
	}
}
