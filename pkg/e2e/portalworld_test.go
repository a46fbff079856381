package e2e_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// portalWorld is a stack where every page of the portal has what it shows when people use it: the accessibility
// and Lighthouse checks open each page in that state. A partner with its branding on (colour, logo, support
// address) has an administrator, two customers below it, a user who has not registered yet, and
// a customer that gave it access; the links of the public pages are real ones, read from the emails.
type portalWorld struct {
	s *stack
	// admin is the partner's administrator: every signed-in page is opened in their session, under the partner's
	// brand. customer is a customer's administrator, who opens the partner's share link; newcomer has the first
	// sign-in steps still to take.
	admin, customer, newcomer *api
	// links are the public pages' addresses (path and fragment), by page: activate, accept, reset, partner-invite.
	links map[string]string
}

func newPortalWorld(t *testing.T, s *stack) *portalWorld {
	t.Helper()
	w := newAccessWorld(t, s)
	pw := &portalWorld{s: s, admin: w.partnerAdmin, customer: w.customerAdmin, links: map[string]string{}}

	// The partner's brand: enabled by the provider, a colour, a logo sharp on a phone and a support address.
	w.provider.call("PUT", "/v1/accounts/"+w.partnerID+"/branding/enabled", map[string]bool{"enabled": true}, http.StatusOK, nil)
	w.partnerAdmin.call("PUT", "/v1/accounts/"+w.partnerID+"/branding", map[string]string{
		"name": w.partnerName, "color": "#7a1fa2", "supportEmail": "help@tailspin.example",
	}, http.StatusOK, nil)
	w.partnerAdmin.upload("PUT", "/v1/accounts/"+w.partnerID+"/branding/logo", "image/png", logoPNGAt(t, 3), http.StatusOK, nil)

	// Below the partner: two customers, one of whose contacts is the newcomer.
	accountByAPI(t, w.partnerAdmin, "customer", w.partnerID, "Harbour Dental", "Hana Harbour", testenv.UniqueEmail(t, "hana"))
	newcomerEmail := testenv.UniqueEmail(t, "nico")
	accountByAPI(t, w.partnerAdmin, "customer", w.partnerID, "Lighthouse Bakery", "Nico Newcomer", newcomerEmail)
	s.register(t, newcomerEmail)
	pw.newcomer = s.signIn(t, newcomerEmail)

	// The customer gives the partner access, which the partner accepts.
	var partnerAccess struct {
		PartnerID string `json:"partnerId"`
	}
	w.partnerAdmin.call("GET", "/v1/accounts/"+w.partnerID+"/partner-access", nil, http.StatusOK, &partnerAccess)
	var grant struct {
		ID string `json:"id"`
	}
	w.customerAdmin.call("POST", "/v1/accounts/"+w.customerID+"/partner-access", map[string]any{"partnerId": partnerAccess.PartnerID}, http.StatusCreated, &grant)
	w.partnerAdmin.call("POST", "/v1/partner-access/"+grant.ID+"/accept", map[string]any{}, http.StatusOK, nil)

	// A user invited to the partner who has not registered: their activation link.
	umaEmail := testenv.UniqueEmail(t, "uma")
	inviteByAPI(t, w.partnerAdmin, w.partnerID, "Uma Pending", umaEmail)
	pw.links["activate"] = pw.pathOf(t, s.activationLinkIn(t, s.waitMail(t, umaEmail, 0)))

	// The customer's administrator, who has a login, is added to the partner: the invitation's link.
	seen := s.mailCount(t, w.customerEmail)
	inviteByAPI(t, w.partnerAdmin, w.partnerID, "Cleo Customer", w.customerEmail)
	pw.links["accept"] = pw.pathOf(t, s.linkIn(t, s.waitMail(t, w.customerEmail, seen), "accept"))

	// A password reset link, asked for by the customer's administrator.
	seen = s.mailCount(t, w.customerEmail)
	s.client(t).call("POST", "/v1/password-resets", map[string]string{"email": w.customerEmail}, http.StatusAccepted, nil)
	pw.links["reset"] = pw.pathOf(t, s.linkIn(t, s.waitMail(t, w.customerEmail, seen), "reset"))

	// The partner's share link, which a customer's administrator opens.
	var share struct {
		URL string `json:"url"`
	}
	w.partnerAdmin.call("POST", "/v1/accounts/"+w.partnerID+"/share-links", map[string]any{}, http.StatusCreated, &share)
	pw.links["partner-invite"] = pw.pathOf(t, share.URL)
	return pw
}

// pathOf is a link of the portal without its origin.
func (pw *portalWorld) pathOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Path == "" {
		t.Fatalf("link %q: %v", link, err)
	}
	return u.Path + "#" + u.Fragment
}

// visit is a page of the portal opened as people see it.
type visit struct {
	// page is the page's file without .html (index, 404, signin...); path is the address opened.
	page, path string
	// as is whose session the browser holds: nil when nobody is signed in.
	as *api
	// ready is the id of the element the page shows once it has loaded what it shows.
	ready string
}

// portalPages lists the pages of the web client (web/*.html, without .html), so that a new page is checked
// without anyone adding it to a list.
func portalPages(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testenv.Get(t).Root, "web", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pages in web/: %v", err)
	}
	pages := make([]string, len(files))
	for i, f := range files {
		pages[i] = strings.TrimSuffix(filepath.Base(f), ".html")
	}
	return pages
}

// visits is how each page is opened: public pages signed out (with a valid link where they need one), the
// steps page by someone with steps to take, the share link's page by a customer's administrator, the 404 page
// through an address that is no page, and every other page by the partner's administrator.
func (pw *portalWorld) visits(t *testing.T, pages []string) []visit {
	t.Helper()
	known := map[string]visit{
		"index":          {path: "/", as: pw.admin, ready: "home"},
		"404":            {path: "/no-such-page", ready: "not-found"},
		"signin":         {path: "/signin", ready: "credentials-form"},
		"forgot":         {path: "/forgot", ready: "forgot-form"},
		"activate":       {path: pw.links["activate"], ready: "activate"},
		"accept":         {path: pw.links["accept"], ready: "invitation"},
		"reset":          {path: pw.links["reset"], ready: "reset-form"},
		"partner-invite": {path: pw.links["partner-invite"], as: pw.customer, ready: "confirm"},
		"steps":          {path: "/steps", as: pw.newcomer, ready: "license"},
		"partners":       {path: "/partners", as: pw.admin, ready: "rows-body"},
		"users":          {path: "/users", as: pw.admin, ready: "user-rows"},
		"partner-access": {path: "/partner-access", as: pw.admin, ready: "partner"},
		"branding":       {path: "/branding", as: pw.admin, ready: "brand-form"},
		"security":       {path: "/security", as: pw.admin, ready: "method-form"},
	}
	var out []visit
	for _, name := range pages {
		v, ok := known[name]
		if !ok {
			// A new page: opened signed in as the administrator, ready once its main content shows.
			v = visit{path: "/" + name, as: pw.admin, ready: "main"}
		}
		v.page = name
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b visit) int { return strings.Compare(a.page, b.page) })
	return out
}

// sessionCookie is the session cookie a client holds, as a Cookie header's value.
func (pw *portalWorld) sessionCookie(t *testing.T, c *api) string {
	t.Helper()
	origin, _ := url.Parse(pw.s.URL)
	for _, k := range c.http.Jar.Cookies(origin) {
		if k.Name == httpapi.SessionCookie {
			return k.Name + "=" + k.Value
		}
	}
	t.Fatal("the client holds no session cookie")
	return ""
}
