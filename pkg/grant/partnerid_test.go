package grant_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// canonical is a shown Partner ID without its hyphen.
func canonical(shown string) string { return strings.ReplaceAll(shown, "-", "") }

// drawing is a random source that first yields the bytes that draw id, then real randomness: a writer using it
// draws id first.
func drawing(id string) io.Reader {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b []byte
	for _, r := range canonical(id) {
		b = append(b, byte(strings.IndexRune(alphabet, r)))
	}
	// partnerid.New reads 16 bytes at a time; pad the first read with bytes it skips.
	b = append(b, bytes.Repeat([]byte{255}, 8)...)
	return io.MultiReader(bytes.NewReader(b), rand.Reader)
}

// TestEveryPartnerHasAPartnerID checks that creating an MSP or a partner gives it a Partner ID, reserved by a
// guard that names it, and that customers get none.
func TestEveryPartnerHasAPartnerID(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	seen := map[string]bool{}
	for _, c := range []platformtest.Created{w.msp, w.partner} {
		shown := w.Account(c.ID).PartnerID
		if _, err := partnerid.Parse(shown); err != nil || len(shown) != 9 || shown[4] != '-' || seen[shown] {
			t.Fatalf("Partner ID %q", shown)
		}
		seen[shown] = true
		if g := w.Data().Item(table.PartnerIDGuard(canonical(shown))); platformtest.Str(g["accountId"]) != c.ID {
			t.Fatalf("guard of %s: %v", shown, g)
		}
		if v := w.viewAccount(w.Super, c.ID); v.Str("partnerId") != shown {
			t.Fatalf("account view: %s", v.Body)
		}
	}
	if pid := w.Account(w.customer.ID).PartnerID; pid != "" {
		t.Fatalf("a customer has Partner ID %q", pid)
	}
}

// TestPartnerIDCollisions makes the writers draw a Partner ID that is taken: account creation and the lazy
// allocation both draw again, and the first owner keeps its ID.
func TestPartnerIDCollisions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	taken := w.partnerID()
	super := actor.Actor{UserID: w.AdminID, AccountID: w.ProviderID, Roles: []role.Name{role.SuperAdmin}}
	ctx := context.Background()

	t.Run("case=create", func(t *testing.T) {
		ob, err := onboarding.New(onboarding.Deps{DB: w.Env.Dynamo, Table: w.Table, Keys: w.Keys, Clock: w.Clock, Random: drawing(taken)})
		if err != nil {
			t.Fatal(err)
		}
		created, err := ob.Create(ctx, super, onboarding.CreateAccountRequest{
			Kind: string(account.Partner), ParentID: w.ProviderID,
			Company: field.Company{Name: "Collision Partner", Address: "1 Main Street", Country: "US", City: "Seattle"},
			Contact: onboarding.ContactInput{Name: "Cole Lision", Email: testenv.UniqueEmail(t, "cole")},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := w.Account(created.ID).PartnerID
		if got == taken || got == "" {
			t.Fatalf("new partner got %q (taken: %s)", got, taken)
		}
		if g := w.Data().Item(table.PartnerIDGuard(canonical(got))); platformtest.Str(g["accountId"]) != created.ID {
			t.Fatal("the redrawn Partner ID has no guard")
		}
	})

	t.Run("case=lazy", func(t *testing.T) {
		if _, err := w.Env.Dynamo.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(w.Table), Key: table.AccountKey(w.msp.ID).AV(), UpdateExpression: aws.String("REMOVE partnerId"),
		}); err != nil {
			t.Fatal(err)
		}
		s, err := grant.New(grant.Deps{Store: dynamo.Store{DB: w.Env.Dynamo, Table: w.Table}, Keys: w.Keys, Clock: w.Clock, PortalURL: platformtest.Origin, Random: drawing(taken)})
		if err != nil {
			t.Fatal(err)
		}
		admin := actor.Actor{UserID: w.msp.ContactUserID, AccountID: w.msp.ID, Roles: []role.Name{role.AccountAdmin}}
		l, err := s.List(ctx, admin, w.msp.ID, grant.PageRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if l.PartnerID == nil || *l.PartnerID == taken || *l.PartnerID != w.Account(w.msp.ID).PartnerID {
			t.Fatalf("lazy Partner ID %v (taken: %s)", l.PartnerID, taken)
		}
	})

	if g := w.Data().Item(table.PartnerIDGuard(canonical(taken))); platformtest.Str(g["accountId"]) != w.partner.ID || w.partnerID() != taken {
		t.Fatal("the first owner lost its Partner ID")
	}
}
