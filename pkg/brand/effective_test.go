package brand_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/branding/brandingtest"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// seen is the branding an account's people see, from every place that shows it; the test fails if they
// disagree. newContact is a fresh contact's activation link under the account (for customers: under its parent).
type seen struct {
	accountID, name, color, logo, support string
}

func seenFrom(m map[string]any) seen {
	str := func(k string) string { s, _ := m[k].(string); return s }
	return seen{accountID: str("accountId"), name: str("name"), color: str("color"), logo: str("logoUrl"), support: str("supportEmail") + str("supportUrl")}
}

// everywhere reads the effective branding of an account in the branding answer, in /v1/me of its
// administrator, in the activation page of a new user there, and through the Resolver the account view uses.
func (tr *tree) everywhere(t *testing.T, c platformtest.Created, admin string) seen {
	t.Helper()
	fromGet := seenFrom(member(tr.get(tr.Super, c.ID), "effective"))

	me := tr.Call(platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Cookie: admin, Headers: map[string]string{}})
	if me.StatusCode != http.StatusOK {
		t.Fatalf("me: %d %s", me.StatusCode, me.Body)
	}
	fromMe := seenFrom(member(me, "branding"))

	var fromLink seen
	if acc := tr.Account(c.ID); acc.Kind != account.Customer {
		child := tr.CreateAccount(tr.Super, account.Customer, c.ID, "Customer "+secret.NewID())
		link := tr.Call(platformtest.Request{Function: route.Activation, Route: onboarding.RouteGetActivation,
			Params: map[string]string{"token": tr.LinkToken(child.ContactUserID)}, Headers: map[string]string{}})
		if link.StatusCode != http.StatusOK {
			t.Fatalf("link: %d %s", link.StatusCode, link.Body)
		}
		fromLink = seenFrom(member(link, "branding"))
	} else {
		fromLink = fromMe
	}

	e, err := branding.Resolver{Store: tr.Store}.Effective(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	fromResolver := seen{accountID: e.AccountID, name: e.Name, color: e.Color, logo: e.LogoURL, support: e.SupportEmail + e.SupportURL}

	for what, s := range map[string]seen{"/v1/me": fromMe, "activation link": fromLink, "resolver": fromResolver} {
		if s != fromGet {
			t.Fatalf("%s shows %+v, the branding answer %+v", what, s, fromGet)
		}
	}
	return fromGet
}

func TestEffectiveBrandingIsTheNearestBrandedAncestors(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	def := seen{name: "PartnerHub", color: "#1f5fbf"}
	if got := tr.everywhere(t, tr.customer, tr.customerAdmin); got != def {
		t.Fatalf("before any branding: %+v", got)
	}

	// The msp brands itself and everything below it.
	tr.brandPartner(tr.msp.ID, tr.mspAdmin, map[string]string{"color": "#111111", "supportEmail": "help@northwind.example"})
	if r := tr.upload(tr.mspAdmin, tr.msp.ID, brandingtest.PNG(t), "image/png"); r.StatusCode != http.StatusOK {
		t.Fatalf("msp logo: %d %s", r.StatusCode, r.Body)
	}
	mspBrand := seen{accountID: tr.msp.ID, name: "Northwind MSP", color: "#111111",
		logo: branding.LogoPath(tr.msp.ID, branding.Hash(brandingtest.PNG(t))), support: "help@northwind.example"}
	for _, c := range []struct {
		acc   platformtest.Created
		admin string
	}{{tr.msp, tr.mspAdmin}, {tr.partner, tr.partnerAdmin}, {tr.customer, tr.customerAdmin}} {
		if got := tr.everywhere(t, c.acc, c.admin); got != mspBrand {
			t.Fatalf("%s: %+v, want the msp's %+v", c.acc.ID, got, mspBrand)
		}
	}

	// The partner's own branding overrides the msp's for itself and its customer; enabled but not set, it would not.
	if r := tr.enable(tr.Super, tr.partner.ID, true); r.StatusCode != http.StatusOK {
		t.Fatal(r.Body)
	}
	if got := tr.everywhere(t, tr.customer, tr.customerAdmin); got != mspBrand {
		t.Fatalf("enabled but not set: %+v", got)
	}
	if r := tr.set(tr.partnerAdmin, tr.partner.ID, map[string]string{"color": "#222222", "supportUrl": "https://help.contoso.example", "name": "Contoso Cloud"}); r.StatusCode != http.StatusOK {
		t.Fatal(r.Body)
	}
	partnerBrand := seen{accountID: tr.partner.ID, name: "Contoso Cloud", color: "#222222", support: "https://help.contoso.example"}
	if got := tr.everywhere(t, tr.customer, tr.customerAdmin); got != partnerBrand {
		t.Fatalf("customer under a branded partner: %+v", got)
	}
	if got := tr.everywhere(t, tr.msp, tr.mspAdmin); got != mspBrand {
		t.Fatalf("the msp keeps its own: %+v", got)
	}

	// Switching the partner's branding off falls back to the msp's; the msp's too, to PartnerHub's.
	tr.enable(tr.Super, tr.partner.ID, false)
	if got := tr.everywhere(t, tr.customer, tr.customerAdmin); got != mspBrand {
		t.Fatalf("partner disabled: %+v", got)
	}
	tr.enable(tr.Super, tr.msp.ID, false)
	if got := tr.everywhere(t, tr.customer, tr.customerAdmin); got != def {
		t.Fatalf("all disabled: %+v", got)
	}
	// The provider's own people always see PartnerHub's.
	me := tr.Call(platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Cookie: tr.Super, Headers: map[string]string{}})
	if got := seenFrom(member(me, "branding")); got != def {
		t.Fatalf("provider: %+v", got)
	}
}

// countingDB counts the reads a lookup makes; a query of any kind is a failure.
type countingDB struct {
	*dynamodb.Client
	gets, batches, queries atomic.Int32
}

func (c *countingDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.batches.Add(1)
	return c.Client.BatchGetItem(ctx, in, opts...)
}

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.gets.Add(1)
	return c.Client.GetItem(ctx, in, opts...)
}

func (c *countingDB) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.queries.Add(1)
	return c.Client.Query(ctx, in, opts...)
}

// An account's effective branding costs two requests whatever its depth: the account, then one batch of the
// branding records on its path (none for the provider).
func TestResolutionReadsTwice(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.brandPartner(tr.msp.ID, tr.mspAdmin, map[string]string{"color": "#111111", "supportEmail": "help@northwind.example"})
	db := &countingDB{Client: tr.Env.Dynamo}
	r := branding.Resolver{Store: dynamo.Store{DB: db, Table: tr.Table}}
	for _, c := range []struct {
		id      string
		batches int32
	}{{tr.customer.ID, 1}, {tr.partner.ID, 1}, {tr.msp.ID, 1}, {tr.ProviderID, 0}} {
		db.gets.Store(0)
		db.batches.Store(0)
		e, err := r.Effective(context.Background(), c.id)
		if err != nil {
			t.Fatal(err)
		}
		if gets, batches := db.gets.Load(), db.batches.Load(); gets != 1 || batches != c.batches || db.queries.Load() != 0 {
			t.Fatalf("%s: %d GetItems, %d batches and %d queries, want 1, %d and none", c.id, gets, batches, db.queries.Load(), c.batches)
		}
		if c.id != tr.ProviderID && e.AccountID != tr.msp.ID {
			t.Fatalf("%s: branding of %q", c.id, e.AccountID)
		}
	}
}
