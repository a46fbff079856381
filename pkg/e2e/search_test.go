package e2e_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// holdRequests makes the page's API calls whose address contains part wait until releaseRequests (which sends
// them and puts the browser's own fetch back), so a test can see what the page shows while an answer is on its
// way.
const holdRequests = `(part => {
  window.__held = [];
  const real = window.__realFetch = window.fetch;
  window.fetch = (input, init) => String(input).includes(part)
    ? new Promise((resolve) => window.__held.push(() => resolve(real(input, init))))
    : real(input, init);
})(%q); undefined`

const releaseRequests = `(() => {
  window.fetch = window.__realFetch;
  const held = window.__held || [];
  window.__held = [];
  held.forEach((go) => go());
  return held.length;
})()`

// TestTreeSearchFindsAnAccountThreeLevelsDown searches the provider's whole tree from the partners page: a
// customer three levels down is found by part of its name while the search is busy (aria-busy and the visible
// line), its result shows its path Provider › MSP › Partner and opens it in the details panel, the kind filter
// narrows the results, the order by name Z to A reverses them, and a partner is found by its Partner ID.
func TestTreeSearchFindsAnAccountThreeLevelsDown(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const providerName = "Contoso Platform"
	_, admin := s.adminSession(t, providerName)
	root := sessionAccount(t, admin)
	msp := accountByAPI(t, admin, "msp", root, "Atlas Lagoon MSP", "Mia Msp", testenv.UniqueEmail(t, "msp"))
	partner := accountByAPI(t, admin, "partner", msp, "Beacon Partners", "Pat Partner", testenv.UniqueEmail(t, "partner"))
	customer := accountByAPI(t, admin, "customer", partner, "Blue Lagoon Dairy", "Cal Customer", testenv.UniqueEmail(t, "customer"))

	// The search index is written from the table's stream: wait until it holds the customer.
	deadline := time.Now().Add(15 * time.Second)
	for {
		var found struct {
			Items []struct{ ID string } `json:"items"`
		}
		admin.call("GET", "/v1/accounts/"+root+"/search?q=lagoon", nil, http.StatusOK, &found)
		if len(found.Items) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search index holds %d of the 2 lagoon accounts after 15 s", len(found.Items))
		}
		time.Sleep(100 * time.Millisecond)
	}

	p := s.signedInPage(t, admin)
	p.open("/partners", "tree-q")
	if got := eval[string](p, "read the search box's label", `document.querySelector('label[for="tree-q"]').textContent`); !strings.Contains(got, "name or Partner ID") {
		t.Errorf("the search box is labelled %q", got)
	}

	// While the answer is on its way the results say they are busy, on screen and to assistive technology.
	eval[chromedp.Void](p, "hold the search", fmt.Sprintf(holdRequests, "/search?"))
	p.typeInto("tree-q", "lagoon")
	p.until("the search is busy", `document.getElementById("search-results").getAttribute("aria-busy") === "true" && !document.getElementById("search-busy").hidden`)
	p.until("the debounced search is asked once", `window.__held.length === 1`)
	if n := eval[int](p, "release the search", releaseRequests); n != 1 {
		t.Errorf("%d searches were held for one word typed, want 1 (debounced)", n)
	}
	p.until("the results are shown", `document.getElementById("search-results").getAttribute("aria-busy") === "false" && document.getElementById("search-busy").hidden`)
	result := func(id string) string { return fmt.Sprintf(`#search-list li[data-id=%q]`, id) }
	p.visibleCSS(result(customer))
	p.visibleCSS(result(msp))
	if got := p.textCSS(result(customer) + " .search-path"); !strings.Contains(got, providerName+" › Atlas Lagoon MSP › Beacon Partners") {
		t.Errorf("the customer's path reads %q, want %s › Atlas Lagoon MSP › Beacon Partners", got, providerName)
	}
	p.snap("results")
	if got := p.text("search-summary"); !strings.Contains(got, "2 accounts match") {
		t.Errorf("the summary reads %q, want 2 accounts to match", got)
	}
	if got := p.attr("search-summary", "role"); got != "status" {
		t.Errorf("the summary's role is %q, want status (announced)", got)
	}

	// Name Z to A: the customer (Blue…) after the MSP (Atlas…) reversed.
	p.chooseOption("tree-sort", "name-desc")
	p.until("the order is reversed", fmt.Sprintf(`[...document.querySelectorAll("#search-list li")].map(li => li.dataset.id).join(",") === %q`, customer+","+msp))

	// The kind filter: only customers.
	p.chooseOption("tree-kind", "customer")
	p.until("only the customer is listed", fmt.Sprintf(`[...document.querySelectorAll("#search-list li")].map(li => li.dataset.id).join(",") === %q`, customer))

	// The keyboard: ↓ from the box to the result, Enter opens it in the details panel.
	p.do("focus the search box", chromedp.Focus(chromedp.ID("tree-q")))
	p.do("press ↓", chromedp.KeyEvent(kb.ArrowDown))
	p.until("the result has the focus", fmt.Sprintf(`document.activeElement.dataset.select === %q`, customer))
	p.do("press Enter", chromedp.KeyEvent(kb.Enter))
	p.until("the customer is opened", fmt.Sprintf(`document.getElementById("details").dataset.id === %q`, customer))
	focusIs(p, "details-title")
	p.snap("opened")
	if got := p.text("details-title"); got != "Blue Lagoon Dairy" {
		t.Errorf("the details panel shows %q, want Blue Lagoon Dairy", got)
	}

	// The search is in the address: a reload (or a link, or Back from an account opened below) brings it back.
	address := eval[string](p, "read the address", `location.search`)
	for _, want := range []string{"q=lagoon", "kind=customer", "sort=name-desc"} {
		if !strings.Contains(address, want) {
			t.Errorf("the address %q does not hold %s", address, want)
		}
	}
	p.do("reload", chromedp.Reload())
	p.until("the search comes back", fmt.Sprintf(`document.getElementById("tree-q").value === "lagoon" && document.getElementById("tree-kind").value === "customer" && document.getElementById("tree-sort").value === "name-desc" && [...document.querySelectorAll("#search-list li")].map(li => li.dataset.id).join(",") === %q`, customer))

	// The partner by the beginning of its Partner ID, in lower case and without the dash.
	var beacon struct {
		PartnerID string `json:"partnerId"`
	}
	admin.call("GET", "/v1/accounts/"+partner, nil, http.StatusOK, &beacon)
	if beacon.PartnerID == "" {
		t.Fatal("the partner has no Partner ID")
	}
	p.chooseOption("tree-kind", "")
	p.clear("tree-q")
	p.typeInto("tree-q", strings.ToLower(strings.ReplaceAll(beacon.PartnerID, "-", ""))[:6])
	p.until("the partner is found by its Partner ID", fmt.Sprintf(`!!document.querySelector('%s') && document.getElementById("search-results").getAttribute("aria-busy") === "false"`, result(partner)))
	if got := p.textCSS(result(partner) + " .search-meta"); !strings.Contains(got, beacon.PartnerID) {
		t.Errorf("the partner's result reads %q, want its Partner ID %s", got, beacon.PartnerID)
	}
	if got := p.textCSS(result(partner) + " .search-path"); !strings.Contains(got, providerName+" › Atlas Lagoon MSP") {
		t.Errorf("the partner's path reads %q", got)
	}

	// Nothing found is said, not left blank.
	p.clear("tree-q")
	p.typeInto("tree-q", "zzqx")
	p.until("no match is said", `document.getElementById("search-summary").textContent.includes("No accounts match")`)
}

// TestDeepLinkSurvivesSignIn opens a page of the portal signed out: sign-in (password, then the emailed code)
// brings the person back to that very address. A signed-in visit to the sign-in page with another site as the
// return target (https://evil.example, //evil.example, /\evil.example) stays on the portal's home page, while
// a path of the portal is followed.
func TestDeepLinkSurvivesSignIn(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	email := testenv.UniqueEmail(t, "admin")
	s.bootstrap(t, "Tailspin Platform", "Elena Ortiz", email)
	s.register(t, email)

	p := newPage(t, s.URL)
	p.do("open /users?q=elena", chromedp.Navigate(s.URL+"/users?q=elena"))
	p.untilAfterLoad("the sign-in page", `location.pathname === "/signin" && !!document.getElementById("credentials-form")`)
	p.visible("credentials-form")
	if got := eval[string](p, "read the address", `location.pathname + location.search`); got != "/signin?next="+url.QueryEscape("/users?q=elena") {
		t.Errorf("signed out, /users?q=elena went to %q, want the sign-in page with next=/users?q=elena", got)
	}
	seen := s.mailCount(t, email)
	p.typeInto("email", email)
	p.typeInto("password", goodPassword)
	p.click("credentials-submit")
	p.visible("code-form")
	p.typeInto("otp", codeIn(t, s.waitMail(t, email, seen)))
	p.click("code-submit")
	p.untilAfterLoad("the users page is back", `location.pathname + location.search === "/users?q=elena"`)
	p.visible("user-rows")
	if got := p.value("search"); got != "elena" {
		t.Errorf("the users page's search box holds %q, want elena", got)
	}

	// Signed in now, the sign-in page goes on at once: to a path of the portal, never to another site.
	for _, hostile := range []string{"https://evil.example/", "//evil.example/", `/\evil.example/`, "/\t/evil.example/"} {
		p.do("open the sign-in page for "+hostile, chromedp.Navigate(s.URL+"/signin?next="+url.QueryEscape(hostile)))
		p.untilAfterLoad("the home page", `location.pathname === "/" && location.origin === `+fmt.Sprintf("%q", s.URL))
	}
	p.do("open the sign-in page for /security", chromedp.Navigate(s.URL+"/signin?next="+url.QueryEscape("/security")))
	p.untilAfterLoad("the security page", `location.pathname === "/security"`)
}

// TestWizardStepIsInTheAddress walks the add-account wizard with the browser's own Back and a reload: each step
// is in the address, Back goes to the previous step with what was typed, a reload keeps the step and the
// draft, and Cancel leaves the wizard for the tree.
func TestWizardStepIsInTheAddress(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Litware Platform")
	root := sessionAccount(t, admin)
	p := s.signedInPage(t, admin)
	p.open("/partners", "tree")
	address := func() string { return eval[string](p, "read the address", `location.pathname + location.search`) }

	p.click("add-account")
	p.visible("w-kind-partner")
	if got, want := address(), "/partners?add="+root+"&step=type"; got != want {
		t.Errorf("the wizard's first step is at %q, want %q", got, want)
	}
	p.click("w-kind-partner")
	p.click("w-next")
	p.visible("w-name")
	p.typeInto("w-name", "Proseware Partners")
	p.typeInto("w-address", "2 Dock Road")
	p.typeInto("w-country", "Ireland")
	p.typeInto("w-city", "Cork")
	p.click("w-next")
	p.visible("w-email")
	if got := address(); !strings.HasSuffix(got, "&step=contact") {
		t.Errorf("the contact step is at %q, want …&step=contact", got)
	}
	p.typeInto("w-contact-name", "Pia Partner")

	// The browser's Back: the company step, not the tree.
	p.do("go back", chromedp.NavigateBack())
	p.visible("w-name")
	if got := address(); !strings.HasSuffix(got, "&step=company") {
		t.Errorf("after Back the address is %q, want …&step=company", got)
	}
	wantValue(p, "w-name", "Proseware Partners")
	if eval[bool](p, "check the tree is hidden", `!document.getElementById("tree").hidden`) {
		t.Error("Back left the wizard for the tree")
	}

	// A reload keeps the step and what was typed.
	p.do("reload", chromedp.Reload())
	p.untilAfterLoad("the company step after the reload", `!document.getElementById("wizard").hidden && !document.getElementById("w-name").closest("section[data-step]").hidden`)
	wantValue(p, "w-name", "Proseware Partners")
	if !eval[bool](p, "check the kind kept", `document.getElementById("w-kind-partner").checked`) {
		t.Error("the reload lost the chosen kind")
	}

	// Forward and the wizard's own Back button, then Cancel: the tree, without the wizard in the address.
	p.click("w-next")
	p.visible("w-email")
	wantValue(p, "w-contact-name", "Pia Partner")
	p.click("w-back")
	p.visible("w-name")
	if got := address(); !strings.HasSuffix(got, "&step=company") {
		t.Errorf("after the Back button the address is %q, want …&step=company", got)
	}
	p.click("w-cancel")
	p.until("the tree is back", `!document.getElementById("tree").hidden`)
	if got := address(); got != "/partners" {
		t.Errorf("after Cancel the address is %q, want /partners", got)
	}

	// An address that adds below an account out of reach: the tree, saying so, without the wizard.
	p.open("/partners?add=0000000000000000000000&step=company", "level-alert")
	if got := address(); got != "/partners" {
		t.Errorf("the wizard below an unknown account left the address %q, want /partners", got)
	}
	if eval[bool](p, "check the wizard is hidden", `!document.getElementById("wizard").hidden`) {
		t.Error("the wizard opened below an unknown account")
	}
}

// TestUnknownPageIsAStyledNotFound checks that an address that is no page of the portal answers 404 with the
// portal's own page: its title, its heading, a link home, the portal's style sheet, and the basics of an
// accessible page (language, landmark, one h1, a named link, the skip link's target).
func TestUnknownPageIsAStyledNotFound(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	res, err := http.Get(s.URL + "/no/such/page")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /no/such/page = %d %s, want 404 HTML", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(string(body), "We could not find that page") {
		t.Errorf("the 404 answer is not the portal's page:\n%s", body)
	}

	p := newPage(t, s.URL)
	p.open("/no/such/page", "home-link")
	p.snap("not-found")
	if got := eval[string](p, "read the title", `document.title`); got != "Page not found · PartnerHub" {
		t.Errorf("the title is %q", got)
	}
	if got := p.attr("home-link", "href"); got != "/" {
		t.Errorf("the home link goes to %q, want /", got)
	}
	checks := map[string]string{
		"the page's language":        `document.documentElement.lang === "en"`,
		"one h1":                     `document.querySelectorAll("h1").length === 1`,
		"a main landmark":            `document.querySelectorAll("main").length === 1`,
		"the skip link's target":     `!!document.getElementById(document.querySelector("a.skip").hash.slice(1))`,
		"the portal's style applied": `getComputedStyle(document.querySelector(".topbar")).display !== "inline"`,
		"every link named":           `[...document.querySelectorAll("a")].every(a => a.textContent.trim().length > 0)`,
	}
	for what, expression := range checks {
		if !eval[bool](p, "check "+what, expression) {
			t.Errorf("the 404 page lacks %s", what)
		}
	}
	p.click("home-link")
	p.untilAfterLoad("the home link is followed", `location.pathname !== "/no/such/page"`)
}

// TestUsersListIsBusyWhileItSorts holds the users list's answer after a sort: meanwhile the table says it is
// busy (aria-busy) and a line on screen says the list is loading; the answer ends both.
func TestUsersListIsBusyWhileItSorts(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Adatum Platform")
	p := s.signedInPage(t, admin)
	p.open("/users", "user-rows")
	p.until("the list is loaded", `document.getElementById("user-table").getAttribute("aria-busy") === "false" && document.getElementById("users-busy").hidden`)

	eval[chromedp.Void](p, "hold the list", fmt.Sprintf(holdRequests, "/users?"))
	p.clickCSS(`#th-email button.sort`)
	p.until("the list is busy", `document.getElementById("user-table").getAttribute("aria-busy") === "true" && !document.getElementById("users-busy").hidden`)
	p.snap("busy")
	if got := p.text("users-busy"); !strings.Contains(got, "Loading") {
		t.Errorf("the busy line reads %q, want it to say the list is loading", got)
	}
	if n := eval[int](p, "release the list", releaseRequests); n != 1 {
		t.Errorf("%d list requests were held for one sort, want 1", n)
	}
	p.until("the sorted list is shown", `document.getElementById("user-table").getAttribute("aria-busy") === "false" && document.getElementById("users-busy").hidden`)
	if got := p.attr("th-email", "aria-sort"); got != "ascending" {
		t.Errorf("the email column's aria-sort is %q after the sort, want ascending", got)
	}
}
