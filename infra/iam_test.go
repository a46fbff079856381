package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestLeastPrivilege checks every statement our functions' roles carry: exactly their route.Function table
// actions on the table and its indexes, SES and the key only where listed (rotating it for the rotation function), and nothing else but tracing, writing
// to the function's own log group (no managed policy) and, for stream functions, reading the stream and writing
// the failure queue.
func TestLeastPrivilege(t *testing.T) {
	_, cfn := synth(t)
	for _, s := range cfn.allStatements() {
		for _, a := range s.Actions {
			if a == "*" || a == "dynamodb:*" || a == "dynamodb:Scan" {
				t.Errorf("a policy allows %s on %v", a, s.Resources)
			}
		}
	}
	tableID := cfn.only(t, "AWS::DynamoDB::Table")
	keyID, originID := cfn.hmacKey(t), cfn.originSecret(t)
	queueID := cfn.only(t, "AWS::SQS::Queue")
	busID := cfn.only(t, "AWS::Events::EventBus")
	isTable := func(r any) bool { return sameAtt(r, tableID, "Arn") }
	isIndexes := func(r any) bool {
		parts := joined(r)
		return len(parts) == 2 && sameAtt(parts[0], tableID, "Arn") && parts[1] == "/index/*"
	}
	fns := cfn.functions()
	for _, f := range route.Functions {
		t.Run("fn="+f.Name, func(t *testing.T) {
			roleID, _ := getAtt(cfn.Resources[fns[f.Name]].Properties["Role"])
			if managed := cfn.Resources[roleID].Properties["ManagedPolicyArns"]; managed != nil {
				t.Errorf("role %s has managed policies %v", roleID, managed)
			}
			logsID := ref(prop(cfn.Resources[fns[f.Name]].Properties, "LoggingConfig", "LogGroup"))
			var tableActions, ses, sms, secrets, logs, events []string
			for _, s := range cfn.statements(roleID) {
				if s.Effect != "Allow" {
					continue
				}
				onTable := slices.ContainsFunc(s.Resources, isTable) || slices.ContainsFunc(s.Resources, isIndexes)
				for _, a := range s.Actions {
					if strings.Contains(a, "*") {
						t.Errorf("wildcard action %s", a)
					}
					switch {
					case onTable:
						if !slices.ContainsFunc(s.Resources, isTable) || !slices.ContainsFunc(s.Resources, isIndexes) {
							t.Errorf("%s is not granted on both the table and its indexes: %v", a, s.Resources)
						}
						tableActions = append(tableActions, a)
					case strings.HasPrefix(a, "ses:"):
						ses = append(ses, a)
					case strings.HasPrefix(a, "sns:"):
						sms = append(sms, a)
					case strings.HasPrefix(a, "secretsmanager:"):
						for _, r := range s.Resources { // CDK merges statements of one action
							switch {
							case r == "*" && f.Trigger == route.Rotation && a == "secretsmanager:GetRandomPassword":
								// CDK's rotation schedule grants it to every rotation function; IAM has it on * only.
								secrets = append(secrets, a+" *")
								continue
							}
							switch ref(r) {
							case keyID:
								secrets = append(secrets, a+" key")
							case originID:
								secrets = append(secrets, a+" origin")
							default:
								t.Errorf("%s on %v, want the HMAC key or the origin secret", a, r)
							}
						}
					case a == "logs:CreateLogStream" || a == "logs:PutLogEvents":
						for _, r := range s.Resources {
							if !sameAtt(r, logsID, "Arn") {
								t.Errorf("%s on %v, want the function's own log group", a, r)
							}
						}
						logs = append(logs, a)
					case a == "events:PutEvents":
						for _, r := range s.Resources {
							if !sameAtt(r, busID, "Arn") {
								t.Errorf("%s on %v, want the stack's event bus only", a, r)
							}
						}
						events = append(events, a)
					case a == "xray:PutTraceSegments" || a == "xray:PutTelemetryRecords":
					case f.Trigger == route.Stream && streamAction(a, s.Resources, tableID, queueID):
					case f.Trigger == route.MailEvents && failureAction(a, s.Resources, queueID):
					default:
						t.Errorf("unexpected %s on %v", a, s.Resources)
					}
				}
			}
			if want := []string{"logs:CreateLogStream", "logs:PutLogEvents"}; !reflect.DeepEqual(sorted(logs), want) {
				t.Errorf("log actions %v, want %v on the function's log group", sorted(logs), want)
			}
			if want := sorted(f.TableActions); !reflect.DeepEqual(sorted(tableActions), want) {
				t.Errorf("table actions %v, want exactly %v", sorted(tableActions), want)
			}
			if want := map[bool][]string{true: {"ses:SendEmail"}}[f.SendsEmail]; !reflect.DeepEqual(ses, want) {
				t.Errorf("SES actions %v, SendsEmail=%v", ses, f.SendsEmail)
			}
			if want := map[bool][]string{true: {"sns:Publish"}}[f.SendsSMS]; !reflect.DeepEqual(sms, want) {
				t.Errorf("SNS actions %v, SendsSMS=%v", sms, f.SendsSMS)
			}
			if want := map[bool][]string{true: {"events:PutEvents"}}[f.PublishesEvents]; !reflect.DeepEqual(events, want) {
				t.Errorf("EventBridge actions %v, PublishesEvents=%v", events, f.PublishesEvents)
			}
			// The HMAC key for the functions that need it; the origin secret for every API function.
			var want []string
			if f.NeedsKey {
				want = append(want, "secretsmanager:GetSecretValue key")
			}
			if f.Trigger == route.HTTP {
				want = append(want, "secretsmanager:GetSecretValue origin")
			}
			if f.Trigger == route.Rotation { // rotating the HMAC key, and only it
				want = append(want, "secretsmanager:DescribeSecret key", "secretsmanager:GetSecretValue key",
					"secretsmanager:PutSecretValue key", "secretsmanager:UpdateSecretVersionStage key", "secretsmanager:GetRandomPassword *")
			}
			if !reflect.DeepEqual(sorted(secrets), sorted(want)) {
				t.Errorf("Secrets Manager grants %v, want %v (NeedsKey=%v)", sorted(secrets), sorted(want), f.NeedsKey)
			}
		})
	}
}

// streamAction reports whether a is what a stream consumer needs: read the table's stream (ListStreams has no
// resource), send to the failure queue.
func streamAction(a string, resources []any, tableID, queueID string) bool {
	all := func(ok func(any) bool) bool {
		return len(resources) > 0 && !slices.ContainsFunc(resources, func(r any) bool { return !ok(r) })
	}
	switch a {
	case "dynamodb:ListStreams":
		return all(func(r any) bool { return r == "*" })
	case "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator":
		return all(func(r any) bool { return sameAtt(r, tableID, "StreamArn") })
	case "sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl":
		return all(func(r any) bool { return sameAtt(r, queueID, "Arn") })
	}
	return false
}

// failureAction reports whether a is what an asynchronously invoked function needs to send a failed event to the
// failure queue (its on-failure destination).
func failureAction(a string, resources []any, queueID string) bool {
	switch a {
	case "sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl":
		return len(resources) > 0 && !slices.ContainsFunc(resources, func(r any) bool { return !sameAtt(r, queueID, "Arn") })
	}
	return false
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
