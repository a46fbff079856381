package lifecycle_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/lifecycle"
)

// awaitingAction are the types defined before the audit action they are published from exists (none now).
var awaitingAction = map[lifecycle.Type]bool{}

// sample is an audit record of action as the use cases write it, with every detail any of them writes for it
// and some that must never be published.
func sample(action audit.Action) audit.Event {
	target := audit.TargetUser
	switch {
	case strings.HasPrefix(string(action), "account."):
		target = audit.TargetAccount
	case strings.HasPrefix(string(action), "partner-access."):
		target = audit.TargetGrant
	case strings.HasPrefix(string(action), "staff-group."):
		target = audit.TargetGroup
	}
	return audit.Event{
		ID: "aud-" + string(action), AccountID: "acc-1", At: time.Date(2026, 12, 2, 20, 0, 0, 123, time.FixedZone("x", 3600)),
		ActorID: "usr-actor", Action: action, TargetType: target, TargetID: "tgt-1",
		Details: map[string]string{
			"kind": "customer", "name": "Acme", "parentId": "acc-0", "contactUserId": "usr-2", "status": "disabled",
			"roles": "admin", "userDisabled": "false", "from": "email", "to": "totp", "customerId": "acc-1",
			"customerName": "Acme", "partnerAccountId": "acc-9", "partnerName": "Partner Co", "endsAt": "2027-01-01T00:00:00Z",
			"previousEndsAt": "2026-07-05T00:00:00Z", "durationDays": "730", "autoExtend": "false",
			"by": "customer", "reason": "no longer needed", "bounceType": "Permanent", "scope": "others",
			"groupId": "grp-1", "groupName": "Helpdesk", "userId": "usr-3", "customers": "2",
			"tokenId": "tok-secret-id", "proof": "recovery-code", "mobile": "+44*****123", "code": "123456",
		},
	}
}

// published lists the audit actions that become events.
func published() []audit.Action {
	var out []audit.Action
	for _, a := range audit.Actions() {
		if _, ok := lifecycle.FromAudit(sample(a), lifecycle.BaseSource); ok {
			out = append(out, a)
		}
	}
	return out
}

func compile(t *testing.T, typ lifecycle.Type) *jsonschema.Schema {
	t.Helper()
	raw, err := lifecycle.Schema(typ)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("schema of %s: %v", typ, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	url := typ.Slug() + ".json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile the schema of %s: %v", typ, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, v any) error {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

func TestEveryMappedEventValidates(t *testing.T) {
	t.Parallel()
	actions := published()
	if len(actions) == 0 {
		t.Fatal("no audit action is published")
	}
	for _, a := range actions {
		t.Run("action="+string(a), func(t *testing.T) {
			t.Parallel()
			e, _ := lifecycle.FromAudit(sample(a), lifecycle.Source("staging"))
			env := e.Envelope("eb-1", "123456789012", "eu-west-1")
			if err := validate(t, compile(t, e.Type), env); err != nil {
				t.Errorf("%s does not validate against its schema: %v", e.Type, err)
			}
		})
	}
}

func TestEmailBouncedValidates(t *testing.T) {
	t.Parallel()
	e := lifecycle.Event{Source: lifecycle.BaseSource, Type: lifecycle.EmailBounced, Time: time.Now().UTC(), Detail: lifecycle.Detail{
		ID: "aud-1", OccurredAt: time.Now().UTC(), AccountID: "acc-1", TargetType: "user", TargetID: "usr-1",
		Details: map[string]string{"bounceType": "Permanent", "bounceSubType": "General"},
	}}
	if err := validate(t, compile(t, e.Type), e.Envelope("eb-1", "123456789012", "eu-west-1")); err != nil {
		t.Error(err)
	}
}

// TestSchemasRefuse shows that the schemas do fail: an event with an unknown detail field, the wrong type or a
// missing id is refused.
func TestSchemasRefuse(t *testing.T) {
	t.Parallel()
	e, _ := lifecycle.FromAudit(sample(audit.AccountCreated), lifecycle.BaseSource)
	s := compile(t, lifecycle.AccountCreated)
	cases := map[string]func(env *lifecycle.Envelope){
		"unknown-detail":    func(env *lifecycle.Envelope) { env.Detail.Details["token"] = "x" },
		"wrong-type":        func(env *lifecycle.Envelope) { env.DetailType = lifecycle.AccountDisabled },
		"missing-id":        func(env *lifecycle.Envelope) { env.Detail.ID = "" },
		"wrong-source":      func(env *lifecycle.Envelope) { env.Source = "acme" },
		"wrong-target":      func(env *lifecycle.Envelope) { env.Detail.TargetType = "grant" },
		"unexpected-change": func(env *lifecycle.Envelope) { env.Detail.Change = "enabled" },
	}
	for name, spoil := range cases {
		t.Run("case="+name, func(t *testing.T) {
			t.Parallel()
			env := e.Envelope("eb-1", "123456789012", "eu-west-1")
			env.Detail.Details = maps.Clone(env.Detail.Details)
			spoil(&env)
			if err := validate(t, s, env); err == nil {
				t.Error("validated")
			}
		})
	}
}

func TestEverySchemaHasItsType(t *testing.T) {
	t.Parallel()
	var want []string
	for _, typ := range lifecycle.Types() {
		want = append(want, typ.Slug()+".json")
		if len(typ.Actions()) == 0 && !awaitingAction[typ] {
			t.Errorf("type %s has no audit action in the catalog", typ)
		}
		if len(typ.Actions()) > 0 && awaitingAction[typ] {
			t.Errorf("type %s has its action now: remove it from awaitingAction", typ)
		}
		var schema struct {
			Title      string `json:"title"`
			Properties struct {
				Detail struct {
					Properties struct {
						Details struct {
							Properties map[string]any `json:"properties"`
						} `json:"details"`
					} `json:"properties"`
				} `json:"detail"`
			} `json:"properties"`
		}
		raw, err := lifecycle.Schema(typ)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &schema); err != nil {
			t.Fatal(err)
		}
		if schema.Title != string(typ) {
			t.Errorf("schema of %s has title %q", typ, schema.Title)
		}
		got := slices.Sorted(maps.Keys(schema.Properties.Detail.Properties.Details.Properties))
		if fields := slices.Sorted(slices.Values(typ.Fields())); !slices.Equal(got, fields) {
			t.Errorf("schema of %s lists details %v, the catalog %v", typ, got, fields)
		}
	}
	slices.Sort(want)
	if got := lifecycle.SchemaFiles(); !slices.Equal(got, want) {
		t.Errorf("schema files %v, want one per type %v", got, want)
	}
}

func TestFromAudit(t *testing.T) {
	t.Parallel()
	t.Run("case=fields", func(t *testing.T) {
		in := sample(audit.GrantRevoked)
		e, ok := lifecycle.FromAudit(in, "partnerhub.staging")
		if !ok {
			t.Fatal("partner-access.revoked is not published")
		}
		want := lifecycle.Detail{
			ID: in.ID, OccurredAt: in.At.UTC(), AccountID: "acc-1", ActorID: "usr-actor", TargetType: "grant", TargetID: "tgt-1",
			Details: map[string]string{"customerId": "acc-1", "customerName": "Acme", "partnerAccountId": "acc-9",
				"partnerName": "Partner Co", "by": "customer", "reason": "no longer needed"},
		}
		if e.Type != lifecycle.PartnerAccessRevoked || e.Source != "partnerhub.staging" || e.ID() != in.ID || !e.Time.Equal(in.At) {
			t.Errorf("event %+v", e)
		}
		if e.Detail.ID != want.ID || !e.Detail.OccurredAt.Equal(want.OccurredAt) || e.Detail.OccurredAt.Location() != time.UTC ||
			e.Detail.AccountID != want.AccountID || e.Detail.ActorID != want.ActorID || e.Detail.TargetType != want.TargetType ||
			e.Detail.TargetID != want.TargetID || e.Detail.Change != "" || !maps.Equal(e.Detail.Details, want.Details) {
			t.Errorf("detail %+v, want %+v", e.Detail, want)
		}
	})
	t.Run("case=two-factor", func(t *testing.T) {
		changes := map[audit.Action]string{}
		for _, a := range lifecycle.TwoFactorChanged.Actions() {
			e, _ := lifecycle.FromAudit(sample(a), lifecycle.BaseSource)
			changes[a] = e.Detail.Change
		}
		if len(changes) < 2 {
			t.Fatalf("two-factor changes %v: want the several two-factor actions", changes)
		}
		seen := map[string]bool{}
		for a, c := range changes {
			if c == "" || seen[c] {
				t.Errorf("%s has change %q: each two-factor action needs its own", a, c)
			}
			seen[c] = true
		}
	})
	t.Run("case=not-published", func(t *testing.T) {
		for _, a := range []audit.Action{audit.PlatformBootstrapped, audit.UserPasswordReset, audit.BrandingUpdated, audit.UserActivationResent} {
			if e, ok := lifecycle.FromAudit(sample(a), lifecycle.BaseSource); ok {
				t.Errorf("%s is published as %s", a, e.Type)
			}
		}
	})
	t.Run("case=no-secret", func(t *testing.T) {
		for _, a := range published() {
			e, _ := lifecycle.FromAudit(sample(a), lifecycle.BaseSource)
			b, _ := json.Marshal(e.Detail)
			for _, bad := range []string{"tok-secret-id", "tokenId", "123456", "proof", "mobile"} {
				if strings.Contains(string(b), bad) {
					t.Errorf("%s publishes %q: %s", a, bad, b)
				}
			}
		}
	})
	t.Run("case=system-actor", func(t *testing.T) {
		in := sample(audit.GrantExpired)
		in.ActorID = ""
		e, _ := lifecycle.FromAudit(in, lifecycle.BaseSource)
		b, _ := json.Marshal(e.Detail)
		if strings.Contains(string(b), "actorId") {
			t.Errorf("a system change names an actor: %s", b)
		}
	})
}

func TestSource(t *testing.T) {
	t.Parallel()
	for stage, want := range map[string]string{"": "partnerhub", "prod": "partnerhub", "staging": "partnerhub.staging", "Dev": "partnerhub.dev"} {
		if got := lifecycle.Source(stage); got != want {
			t.Errorf("Source(%q) = %q, want %q", stage, got, want)
		}
	}
}

func TestSchemaNames(t *testing.T) {
	t.Parallel()
	if got := lifecycle.TwoFactorChanged.SchemaName(); got != "partnerhub@TwoFactorChanged" {
		t.Errorf("schema name %q", got)
	}
	if got := lifecycle.PartnerAccessRevoked.Slug(); got != "partner-access-revoked" {
		t.Errorf("slug %q", got)
	}
}
