package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

func TestBootstrapCommand(t *testing.T) {
	env := testenv.Get(t)
	name := env.NewTable(t)
	t.Setenv("PH_ENV", "local")
	t.Setenv("TABLE_NAME", name)
	t.Setenv("DYNAMODB_ENDPOINT", env.DynamoURL)
	// The local bootstrap and resend run the bootstrap function's handler, which needs no key.
	t.Setenv("PH_HMAC_KEY", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("LOG_LEVEL", "error")
	ctx := context.Background()
	phctl := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, args, &out, &errOut)
		return code, out.String(), errOut.String()
	}

	code, out, errOut := phctl("bootstrap", "--email", "ops@example.com", "--name", "Contoso Cloud")
	if code != 0 || !strings.HasPrefix(out, "bootstrapped: provider account ") {
		t.Fatalf("first run: %d %q %q", code, out, errOut)
	}
	code, out, errOut = phctl("bootstrap", "--email", "ops@example.com", "--name", "Contoso Cloud")
	if code != 0 || !strings.HasPrefix(out, "already bootstrapped") {
		t.Fatalf("second run: %d %q %q", code, out, errOut)
	}
	store := dynamo.Store{DB: env.Dynamo, Table: name}
	id, err := store.ProviderID(ctx)
	if err != nil || !strings.Contains(out, id) {
		t.Fatalf("provider %q %v", id, err)
	}
	if u, err := store.UserByEmail(ctx, "OPS@example.com"); err != nil || u.Name != "Administrator" || !strings.Contains(out, u.ID) {
		t.Fatalf("admin %+v %v", u, err)
	}

	// Right after the bootstrap the resend interval has not passed.
	if code, out, _ := phctl("resend-activation", "--email", "ops@example.com"); code != 1 || !strings.Contains(out, "rate_limited") {
		t.Fatalf("resend: %d %q", code, out)
	}
	if code, out, _ := phctl("resend-activation", "--email", "nobody@example.com"); code != 1 || !strings.Contains(out, "not_found") {
		t.Fatalf("resend to nobody: %d %q", code, out)
	}
	if code, _, errOut := phctl("bootstrap", "--email", "not-an-email"); code != 1 || !strings.Contains(errOut, "email: invalid_email") {
		t.Fatalf("bad email: %d %q", code, errOut)
	}
	// reindex writes the search entries of what the bootstrap created, which no indexer saw: the provider is
	// found by its name, its administrator by theirs.
	code, out, errOut = phctl("reindex")
	if code != 0 || !strings.HasPrefix(out, "indexed 1 accounts and 1 memberships: ") {
		t.Fatalf("reindex: %d %q %q", code, out, errOut)
	}
	fq, _ := table.ParseFind("contoso")
	if found, err := store.SearchAccounts(ctx, id, fq, 10); err != nil || len(found) != 1 || found[0].ID != id {
		t.Fatalf("the provider after reindex: %+v %v", found, err)
	}
	fq, _ = table.ParseFind("administrator")
	if found, err := store.SearchMembers(ctx, id, fq, 10); err != nil || len(found) != 1 || found[0].Email != "ops@example.com" {
		t.Fatalf("the administrator after reindex: %+v %v", found, err)
	}
	if code, _, _ := phctl("frobnicate"); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
	if code, _, _ := phctl(); code != 2 {
		t.Fatalf("no command: exit %d", code)
	}
}
