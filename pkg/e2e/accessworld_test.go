package e2e_test

import (
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// accessWorld is what the partner access tests start from: a provider, a partner with its administrator and a
// customer with its administrator, the accounts made through the API, the administrators registered and signed
// in through the store (see register) and the license accepted through the API; addStaff adds the partner's
// staff.
type accessWorld struct {
	provider, partnerAdmin, customerAdmin, staff *api

	providerID, partnerID, customerID string
	partnerName, customerName         string
	customerEmail                     string
	// staffID is a partner user who may act for a customer; leaverID one who leaves the partner meanwhile.
	staffID, leaverID string
}

func newAccessWorld(t *testing.T, s *stack) *accessWorld {
	t.Helper()
	w := &accessWorld{partnerName: "Tailspin Support", customerName: "Wingtip Toys"}
	_, w.provider = s.adminSession(t, "Litware Platform")
	w.providerID = sessionAccount(t, w.provider)
	partnerEmail := testenv.UniqueEmail(t, "pat")
	w.customerEmail = testenv.UniqueEmail(t, "cleo")
	w.partnerID = accountByAPI(t, w.provider, "partner", w.providerID, w.partnerName, "Pat Partner", partnerEmail)
	w.customerID = accountByAPI(t, w.provider, "customer", w.providerID, w.customerName, "Cleo Customer", w.customerEmail)
	s.register(t, partnerEmail)
	s.register(t, w.customerEmail)
	w.partnerAdmin = s.signIn(t, partnerEmail)
	acceptLicense(t, w.partnerAdmin)
	w.customerAdmin = s.signIn(t, w.customerEmail)
	acceptLicense(t, w.customerAdmin)
	return w
}

// addStaff adds two read-only users to the partner, who both activate their logins: Sam Staff, signed in, and
// Dana Leaver.
func (w *accessWorld) addStaff(t *testing.T, s *stack) {
	t.Helper()
	add := func(name, email string) string {
		var added struct {
			UserID string `json:"userId"`
		}
		w.partnerAdmin.call("POST", "/v1/accounts/"+w.partnerID+"/users",
			map[string]any{"name": name, "email": email, "roles": []string{"read-only"}}, http.StatusCreated, &added)
		s.register(t, email)
		return added.UserID
	}
	staffEmail := testenv.UniqueEmail(t, "sam")
	w.staffID = add("Sam Staff", staffEmail)
	w.leaverID = add("Dana Leaver", testenv.UniqueEmail(t, "dana"))
	w.staff = s.signIn(t, staffEmail)
	acceptLicense(t, w.staff)
}

// accountByAPI creates an account below parent with its point of contact, and returns its id.
func accountByAPI(t *testing.T, c *api, kind, parent, name, contact, email string) string {
	t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	c.call("POST", "/v1/accounts", map[string]any{
		"kind": kind, "parentId": parent,
		"company": map[string]string{"name": name, "address": "1 Quay Street", "country": "Ireland", "city": "Galway"},
		"contact": map[string]string{"name": contact, "email": email},
	}, http.StatusCreated, &out)
	return out.ID
}

// sessionAccount is the id of the account a client's session acts in.
func sessionAccount(t *testing.T, c *api) string {
	t.Helper()
	var me struct {
		CurrentAccount struct {
			ID string `json:"id"`
		} `json:"currentAccount"`
	}
	c.call("GET", "/v1/me", nil, http.StatusOK, &me)
	return me.CurrentAccount.ID
}

// acceptLicense takes the license step of a first sign-in through the API, as the steps page would.
func acceptLicense(t *testing.T, c *api) {
	t.Helper()
	var license struct {
		Version string `json:"version"`
	}
	c.call("GET", "/v1/license", nil, http.StatusOK, &license)
	c.call("POST", "/v1/me/license-acceptance", map[string]string{"version": license.Version}, http.StatusOK, nil)
}

// acrossReload waits until a JavaScript expression is true on a page that navigates meanwhile (a reload, a
// redirect), which ends a plain wait with "target navigated".
func acrossReload(t *testing.T, p *page, what, expression string) {
	t.Helper()
	for range 5 {
		if p.poll(expression) {
			return
		}
	}
	p.until(what, expression) // fails the test with what the page shows
}
