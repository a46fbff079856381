package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// placeholders stand in for what CloudFormation resolves at deploy time.
type placeholders struct {
	cfn   *template
	table string
	// secrets maps each stand-in secret ARN to its value: the HMAC key as the stack generates it (64 hex
	// characters), the origin secret a string.
	secrets map[string]string
}

// newPlaceholders stands in for a deployment of cfn whose table is the emulator's table: a fresh HMAC key and an
// origin secret behind stand-in ARNs.
func newPlaceholders(t *testing.T, cfn *template, table string) *placeholders {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &placeholders{cfn: cfn, table: table, secrets: map[string]string{
		secretARN(cfn.hmacKey(t)):      hex.EncodeToString(key),
		secretARN(cfn.originSecret(t)): standInOriginSecret,
	}}
}

// standInOriginSecret is the stand-in value of the origin secret, which the distribution adds to every API request.
const standInOriginSecret = "stand-in-origin-secret"

// throughDistribution adds the origin secret header to an API Gateway event, as the distribution does to every
// request it forwards: without it the API functions refuse the request.
func throughDistribution(t *testing.T, raw []byte) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	headers, _ := ev["headers"].(map[string]any)
	if headers == nil {
		headers = map[string]any{}
	}
	headers[httpapi.OriginSecretHeader] = standInOriginSecret
	ev["headers"] = headers
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// secretARN is the stand-in ARN of the secret with that logical id; Ref of a secret is its ARN.
func secretARN(logicalID string) string {
	return "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + logicalID + "-AbCdEf"
}

// resolve turns a template value into what the function would see. A token it has no stand-in for fails the
// test, so a new kind of variable is noticed here rather than passed on as JSON.
func (p *placeholders) resolve(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	if id := ref(v); id != "" {
		switch typ := p.cfn.Resources[id].Type; typ {
		case "AWS::DynamoDB::Table":
			return p.table, nil
		case "AWS::SecretsManager::Secret":
			if _, ok := p.secrets[secretARN(id)]; !ok {
				return "", fmt.Errorf("no stand-in value for secret %s", id)
			}
			return secretARN(id), nil
		case "AWS::SES::ConfigurationSet", "AWS::Events::EventBus":
			return id, nil
		default:
			return "", fmt.Errorf("no stand-in for a Ref to %s (%s)", id, typ)
		}
	}
	if id, attr := getAtt(v); id != "" {
		if typ := p.cfn.Resources[id].Type; typ == "AWS::CloudFront::Distribution" && attr == "DomainName" {
			return "d111111abcdef8.cloudfront.net", nil
		}
		return "", fmt.Errorf("no stand-in for Fn::GetAtt %s.%s", id, attr)
	}
	if m, _ := v.(obj); m["Fn::Join"] != nil {
		l, _ := m["Fn::Join"].([]any)
		sep, _ := l[0].(string)
		var parts []string
		for _, part := range joined(v) {
			s, err := p.resolve(part)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, sep), nil
	}
	return "", fmt.Errorf("no stand-in for %v", v)
}

// standInAWS answers the AWS calls no emulator serves: Secrets Manager's GetSecretValue (JSON 1.1 protocol)
// from secrets, keyed by ARN; DescribeSecret, which the key-rotation function's sample event makes (its version is
// the one current version of every secret here, so the step has nothing to do); and EventBridge's PutEvents (the
// lifecycle-events sample). Any other call fails the test, as nothing at start-up or on a sample event should make
// one.
func standInAWS(t *testing.T, secrets map[string]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		if target == "AWSEvents.PutEvents" {
			putEvents(w, r)
			return
		}
		if target == "secretsmanager.DescribeSecret" {
			var in struct{ SecretId string }
			_ = json.NewDecoder(r.Body).Decode(&in)
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_ = json.NewEncoder(w).Encode(map[string]any{
				"ARN": in.SecretId, "RotationEnabled": true,
				"VersionIdsToStages": map[string][]string{"00000000-0000-4000-8000-000000000001": {"AWSCURRENT"}},
			})
			return
		}
		if target != "secretsmanager.GetSecretValue" {
			t.Errorf("unexpected AWS call %s %s (target %q)", r.Method, r.URL.Path, target)
			http.Error(w, "not stood in for", http.StatusNotImplemented)
			return
		}
		var in struct{ SecretId string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		value, ok := secrets[in.SecretId]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{
				"__type": "ResourceNotFoundException", "Message": "Secrets Manager can't find the specified secret.",
			})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"ARN": in.SecretId, "Name": in.SecretId[strings.LastIndex(in.SecretId, ":")+1:], "SecretString": value,
			"VersionId": "00000000-0000-4000-8000-000000000001", "VersionStages": []string{"AWSCURRENT"},
			"CreatedDate": 1767225600,
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// putEvents answers EventBridge's PutEvents: every entry accepted.
func putEvents(w http.ResponseWriter, r *http.Request) {
	var in struct{ Entries []json.RawMessage }
	_ = json.NewDecoder(r.Body).Decode(&in)
	out := make([]map[string]string, len(in.Entries))
	for i := range out {
		out[i] = map[string]string{"EventId": fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{"FailedEntryCount": 0, "Entries": out})
}
