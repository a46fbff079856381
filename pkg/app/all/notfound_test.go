package all_test

import (
	"bytes"
	"image"
	"image/png"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// validBodies are request bodies that pass each route's own checks, so that what the route answers for an
// unknown path parameter is its not-found problem rather than a validation problem. Routes not listed get {}.
var validBodies = map[string]any{
	"PATCH /v1/accounts/{id}":                        map[string]any{"company": map[string]any{"city": "Lyon"}},
	"PUT /v1/accounts/{id}/endpoints":                map[string]any{"count": 5},
	"PUT /v1/accounts/{id}/branding":                 map[string]any{"color": "#1f5fbf", "supportEmail": "help@example.com"},
	"PUT /v1/accounts/{id}/branding/logo":            []byte("\x89PNG\r\n\x1a\n"),
	"PUT /v1/accounts/{id}/branding/enabled":         map[string]any{"enabled": true},
	"POST /v1/accounts/{id}/users":                   map[string]any{"name": "Ada Lovelace", "email": "ada@example.com", "roles": []string{"account-admin"}},
	"PATCH /v1/users/{id}":                           map[string]any{"name": "Ada Lovelace"},
	"PUT /v1/users/{id}/two-factor":                  map[string]any{"enabled": true},
	"POST /v1/accounts/{id}/partner-access":          map[string]any{"partnerId": "ABCD-2345"},
	"POST /v1/share-links/{token}":                   map[string]any{"customerId": "customer-1"},
	"PUT /v1/partner-access/{grantId}/staff":         map[string]any{"userIds": []string{}},
	"POST /v1/partner-access/{grantId}/role-request": map[string]any{"roles": []string{"read-only"}},
	"PUT /v1/partner-access/{grantId}/roles":         map[string]any{"roles": []string{"read-only"}},
	"PUT /v1/partner-access/{grantId}/auto-extend":   map[string]any{"enabled": false},
	"PATCH /v1/me/passkeys/{passkeyId}":              map[string]any{"name": "Laptop"},
	"POST /v1/accounts/{id}/staff-groups":            map[string]any{"name": "Escalation"},
	"PATCH /v1/accounts/{id}/staff-groups/{groupId}": map[string]any{"name": "Escalation"},
}

// validQueries are query strings that pass each route's own checks, for the same reason; routes not listed get
// none.
var validQueries = map[string]map[string]string{
	"GET /v1/accounts/{id}/search": {"q": "acme"},
}

// TestMalformedPathParametersAnswerAsUnknownOnes holds the adapter's answers (httpapi.NotFound) to the
// endpoints': for every route with a path parameter, a well-formed value that names nothing and a value that
// cannot name anything get the same status, problem type and detail, for the provider's super administrator.
func TestMalformedPathParametersAnswerAsUnknownOnes(t *testing.T) {
	t.Parallel()
	p := platformtest.New(t)
	bodies := maps.Clone(validBodies)
	bodies["PUT /v1/accounts/{id}/branding/logo"] = tinyPNG(t)
	// A share link is opened by a customer's administrator, acting in the customer.
	customer := p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Unknown Links Customer")
	p.Activate(customer.ContactUserID)
	customerSession := p.Session(customer.ContactUserID, customer.ID)
	p.AcceptLicense(customerSession, license.Current().Version)
	bodies["POST /v1/share-links/{token}"] = map[string]any{"customerId": customer.ID}
	sessions := map[string]string{"POST /v1/share-links/{token}": customerSession}
	existing := map[string]map[string]string{}
	groupsWorld(t, p, customerSession, customer.ID, sessions, existing)
	for _, rt := range route.Routes {
		for _, param := range rt.Params() {
			t.Run("route="+rt.Key()+"/param="+param, func(t *testing.T) {
				// The other parameters name what exists, so the one under test is what the route looks up last.
				params := map[string]string{}
				for _, name := range rt.Params() {
					params[name] = sampleParam(name)
					if name == "id" && name != param {
						params[name] = p.ProviderID
					}
					if v, ok := existing[rt.Key()][name]; ok && name != param {
						params[name] = v
					}
				}
				body, ok := bodies[rt.Key()]
				if !ok {
					body = map[string]any{}
				}
				cookie, ok := sessions[rt.Key()]
				if !ok {
					cookie = p.Super
				}
				req := platformtest.Request{Function: rt.Function, Route: rt.Key(), Params: params, Query: validQueries[rt.Key()], Cookie: cookie, Body: body}
				if types := rt.MediaTypes(); types != nil {
					req.Headers = map[string]string{"origin": platformtest.Origin, "content-type": types[0]}
				}
				unknown := p.Call(req)
				if unknown.StatusCode != http.StatusNotFound {
					t.Fatalf("a well-formed unknown %s: %d %s; give the route a valid body in validBodies", param, unknown.StatusCode, unknown.Body)
				}
				req.Params = map[string]string{}
				for k, v := range params {
					req.Params[k] = v
				}
				req.Params[param] = malformedParams["long"]
				bad := p.Call(req)
				if bad.StatusCode != unknown.StatusCode || bad.Problem() != unknown.Problem() || bad.Str("detail") != unknown.Str("detail") {
					t.Fatalf("a malformed %s answers %d %s %q\nan unknown one %d %s %q", param,
						bad.StatusCode, bad.Problem(), bad.Str("detail"), unknown.StatusCode, unknown.Problem(), unknown.Str("detail"))
				}
			})
		}
	}
}

// groupsWorld makes what the staff group routes look up before their last parameter — a partner with an
// administrator, one of its users, a staff group and an active grant of the customer — and has those routes
// sent by the partner's administrator with those values for the parameters not under test.
func groupsWorld(t *testing.T, p *platformtest.Platform, customerSession, customerID string, sessions map[string]string, existing map[string]map[string]string) {
	t.Helper()
	partner := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Unknown Params Partner")
	p.Activate(partner.ContactUserID)
	admin := p.Session(partner.ContactUserID, partner.ID)
	p.AcceptLicense(admin, license.Current().Version)
	group := p.Call(platformtest.Request{Function: route.PartnerAccess, Route: "POST /v1/accounts/{id}/staff-groups", Cookie: admin,
		Params: map[string]string{"id": partner.ID}, Body: map[string]any{"name": "Helpdesk"}})
	platformtest.WantStatus(t, group, http.StatusCreated)
	invite := p.Call(platformtest.Request{Function: route.PartnerAccess, Route: "POST /v1/accounts/{id}/partner-access", Cookie: customerSession,
		Params: map[string]string{"id": customerID}, Body: map[string]any{"partnerId": p.Account(partner.ID).PartnerID}})
	platformtest.WantStatus(t, invite, http.StatusCreated)
	platformtest.WantStatus(t, p.Call(platformtest.Request{Function: route.PartnerAccess, Route: "POST /v1/partner-access/{grantId}/accept",
		Cookie: admin, Params: map[string]string{"grantId": invite.Str("id")}}), http.StatusOK)
	values := map[string]string{"id": partner.ID, "groupId": group.Str("id"), "userId": partner.ContactUserID, "grantId": invite.Str("id")}
	for _, rt := range route.Routes {
		if rt.Function == route.PartnerAccess && (slices.Contains(rt.Params(), "groupId")) {
			sessions[rt.Key()], existing[rt.Key()] = admin, values
		}
	}
	// Out of a group: the user is in it.
	platformtest.WantStatus(t, p.Call(platformtest.Request{Function: route.PartnerAccess, Route: "PUT /v1/accounts/{id}/staff-groups/{groupId}/members/{userId}",
		Cookie: admin, Params: map[string]string{"id": partner.ID, "groupId": group.Str("id"), "userId": partner.ContactUserID}}), http.StatusOK)
}

// tinyPNG is a valid 1×1 PNG.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
