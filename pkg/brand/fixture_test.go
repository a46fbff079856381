package brand_test

import (
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// tree is a platform with provider → msp → partner → customer, each created by the super administrator, and a
// signed-in administrator of each who has accepted the license (activated and given a session as the activation
// and sign-in transactions leave them: packages onboarding and signin test those requests).
type tree struct {
	*platformtest.Platform
	msp, partner, customer                platformtest.Created
	mspAdmin, partnerAdmin, customerAdmin string
}

func newTree(t *testing.T) *tree {
	t.Helper()
	p := platformtest.New(t)
	tr := &tree{Platform: p}
	tr.msp = p.CreateAccount(p.Super, account.MSP, p.ProviderID, "Northwind MSP")
	tr.partner = p.CreateAccount(p.Super, account.Partner, tr.msp.ID, "Contoso Partner")
	tr.customer = p.CreateAccount(p.Super, account.Customer, tr.partner.ID, "Fabrikam Customer")
	tr.mspAdmin = tr.admin(tr.msp)
	tr.partnerAdmin = tr.admin(tr.partner)
	tr.customerAdmin = tr.admin(tr.customer)
	return tr
}

// admin activates an account's contact, gives them a session in the account and takes the license step.
func (tr *tree) admin(c platformtest.Created) string {
	tr.T.Helper()
	tr.Activate(c.ContactUserID)
	cookie := tr.Session(c.ContactUserID, c.ID)
	tr.AcceptLicense(cookie, license.Current().Version)
	return cookie
}

func (tr *tree) get(cookie, id string) platformtest.Reply {
	tr.T.Helper()
	return tr.Call(platformtest.Request{Function: route.Branding, Route: "GET /v1/accounts/{id}/branding",
		Params: map[string]string{"id": id}, Cookie: cookie, Headers: map[string]string{}})
}

func (tr *tree) enable(cookie, id string, on bool) platformtest.Reply {
	tr.T.Helper()
	return tr.Call(platformtest.Request{Function: route.Branding, Route: "PUT /v1/accounts/{id}/branding/enabled",
		Params: map[string]string{"id": id}, Cookie: cookie, Body: map[string]bool{"enabled": on}})
}

func (tr *tree) set(cookie, id string, body any) platformtest.Reply {
	tr.T.Helper()
	return tr.Call(platformtest.Request{Function: route.Branding, Route: "PUT /v1/accounts/{id}/branding",
		Params: map[string]string{"id": id}, Cookie: cookie, Body: body})
}

// upload sends a logo as the browser does: the raw bytes with a declared type, base64 as API Gateway passes it.
func (tr *tree) upload(cookie, id string, data []byte, contentType string) platformtest.Reply {
	tr.T.Helper()
	return tr.Call(platformtest.Request{Function: route.Branding, Route: "PUT /v1/accounts/{id}/branding/logo",
		Params: map[string]string{"id": id}, Cookie: cookie, Body: data,
		Headers: map[string]string{"origin": platformtest.Origin, "content-type": contentType}})
}

// publicLogo is GET /v1/logos/{id}, with no session.
func (tr *tree) publicLogo(id, version string, headers map[string]string) platformtest.Reply {
	tr.T.Helper()
	var query map[string]string
	if version != "" {
		query = map[string]string{"v": version}
	}
	if headers == nil {
		headers = map[string]string{}
	}
	return tr.Call(platformtest.Request{Function: route.Branding, Route: "GET /v1/logos/{id}",
		Params: map[string]string{"id": id}, Query: query, Headers: headers})
}

// brandPartner enables and sets an account's branding as the provider and its administrator would.
func (tr *tree) brandPartner(id, admin string, settings map[string]string) {
	tr.T.Helper()
	if r := tr.enable(tr.Super, id, true); r.StatusCode != http.StatusOK {
		tr.T.Fatalf("enable: %d %s", r.StatusCode, r.Body)
	}
	if r := tr.set(admin, id, settings); r.StatusCode != http.StatusOK {
		tr.T.Fatalf("set: %d %s", r.StatusCode, r.Body)
	}
}

func wantProblem(t *testing.T, r platformtest.Reply, status int, slug string) {
	t.Helper()
	if r.StatusCode != status || r.Problem() != slug {
		t.Fatalf("want %d %s, got %d %s", status, slug, r.StatusCode, r.Body)
	}
}

// effective is the "effective" member of a branding answer, or the answer itself for /v1/me's branding.
func member(r platformtest.Reply, key string) map[string]any {
	m, _ := r.JSON[key].(map[string]any)
	return m
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
