package all_test

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/route"
)

const module = "github.com/partnerhub/partnerhub/"

// useCases are the use-case packages. A function links exactly the ones its routes (or its trigger) need.
var useCases = []string{"onboarding", "signin", "tree", "member", "brand", "profile", "twofactor", "reset", "grant",
	"health", "sweep", "mailer", "feedback"}

// links says, per function, its wiring package (pkg/app/<wiring>), the other wiring packages it builds a shared
// service with (besides auth, every session function's), and the use cases it links: each HTTP function with
// session routes links sign-in for its sessions, the mailer links brand for the branding of its emails.
var links = map[string]struct {
	wiring   string
	borrows  []string
	useCases []string
}{
	route.Health:        {"health", nil, []string{"health"}},
	route.Signup:        {"signup", nil, []string{"onboarding", "signin"}},
	route.Activation:    {"activation", []string{"signup"}, []string{"onboarding", "reset", "signin"}},
	route.OTP:           {"otp", nil, []string{"signin"}},
	route.Mailer:        {"mailer", nil, []string{"mailer", "brand"}},
	route.Sweep:         {"sweep", nil, []string{"sweep", "grant"}},
	route.Accounts:      {"accounts", nil, []string{"tree", "signin"}},
	route.Revoke:        {"revoke", []string{"accounts", "users", "partneraccess"}, []string{"tree", "member", "grant", "signin"}},
	route.Branding:      {"branding", nil, []string{"brand", "signin"}},
	route.Profile:       {"profile", nil, []string{"profile", "signin"}},
	route.Users:         {"users", nil, []string{"member", "signin"}},
	route.TwoFactor:     {"twofactor", nil, []string{"twofactor", "signin"}},
	route.PartnerAccess: {"partneraccess", nil, []string{"grant", "signin"}},
	route.Passkeys:      {"passkeys", nil, []string{"twofactor", "signin"}},
	route.SearchIndex:   {"searchindex", nil, nil},
	route.Bootstrap:     {"bootstrap", nil, []string{"onboarding"}},
	route.Events:        {"lifecycleevents", nil, nil},
	route.MailFeedback:  {"mailfeedback", nil, []string{"feedback"}},
	route.KeyRotation:   {"keyrotation", nil, nil},
}

// TestEachFunctionLinksOnlyItsOwnCode reads the packages each function's binary links (go list -deps, with the
// tags `make build` uses) and holds them to what the function needs: its own wiring and use cases and no other
// function's; SES, SNS and the template engines only in the mailer; the Secrets Manager client only in
// key-rotation; the WebAuthn library only in passkeys; sign-in and Argon2id only where a route needs a session or a password (or onboarding, which sets
// them); nowhere the SDK's default configuration loader or the DynamoDB Streams client.
func TestEachFunctionLinksOnlyItsOwnCode(t *testing.T) {
	t.Parallel()
	args := []string{"list", "-tags", "lambda.norpc", "-f", "{{.ImportPath}} {{join .Deps \" \"}}"}
	for _, f := range route.Functions {
		args = append(args, "./functions/"+f.Name)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = "../../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr(err))
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		deps[strings.TrimPrefix(fields[0], module+"functions/")] = slices.Sorted(slices.Values(fields[1:]))
	}
	for _, f := range route.Functions {
		t.Run("fn="+f.Name, func(t *testing.T) {
			t.Parallel()
			want, ok := links[f.Name]
			if !ok {
				t.Fatalf("no entry in links for %s", f.Name)
			}
			d := deps[f.Name]
			if len(d) == 0 {
				t.Fatalf("go list gave no dependencies of ./functions/%s", f.Name)
			}
			has := func(p string) bool { _, found := slices.BinarySearch(d, p); return found }
			if !has(module + "pkg/app/" + want.wiring) {
				t.Errorf("does not link its wiring, pkg/app/%s", want.wiring)
			}
			for _, p := range d {
				w, ok := strings.CutPrefix(p, module+"pkg/app/")
				if ok && w != want.wiring && w != "auth" && !slices.Contains(want.borrows, w) {
					t.Errorf("links another function's wiring, %s", p)
				}
			}
			for _, uc := range useCases {
				if linked, wanted := has(module+"pkg/"+uc), slices.Contains(want.useCases, uc); linked != wanted {
					t.Errorf("links use case %s: %v, want %v", uc, linked, wanted)
				}
			}
			never := []string{"github.com/aws/aws-sdk-go-v2/config", "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"}
			if f.Name != route.KeyRotation { // the one function that writes a secret uses the SDK's client for it
				never = append(never, "github.com/aws/aws-sdk-go-v2/service/secretsmanager")
			}
			if f.Name != route.Mailer {
				never = append(never, "github.com/aws/aws-sdk-go-v2/service/sesv2", "github.com/aws/aws-sdk-go-v2/service/sns",
					"text/template", "html/template")
			}
			if f.Name != route.Passkeys { // the WebAuthn library's init parses attestation roots: one function pays
				never = append(never, "github.com/go-webauthn/webauthn/webauthn", module+"pkg/relyingparty")
			}
			if !slices.Contains(want.useCases, "signin") {
				never = append(never, module+"pkg/app/auth")
				// Onboarding sets passwords (activation), so the bootstrap function, which links it for Bootstrap
				// alone, links Argon2id without running it: its size, not its start-up (package init is free).
				if !slices.Contains(want.useCases, "onboarding") {
					never = append(never, "golang.org/x/crypto/argon2", module+"pkg/passhash")
				}
			}
			for _, p := range never {
				if has(p) {
					t.Errorf("links %s", p)
				}
			}
		})
	}
}

// stderr is what a failed command wrote on its standard error.
func stderr(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(exit.Stderr)
	}
	return ""
}
