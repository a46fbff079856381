package e2e_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnerhub/partnerhub/pkg/webpolicy"
)

// Every page of every browser test runs under the security headers of pkg/webpolicy, which the local gateway
// sends as CloudFront does in AWS; a page's cleanup (checkNoExceptions) fails the test on any Content Security
// Policy violation the browser reported, so the whole suite checks that the portal needs nothing the policy
// refuses. TestPortalRunsUnderTheSecurityHeaders adds what that cannot show on its own: that the headers arrive
// and that a violation is indeed seen.

// cspViolations are the browser's reports of Content Security Policy violations in the page's console.
func (p *page) cspViolations() []chromedp.ConsoleMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []chromedp.ConsoleMessage
	for _, m := range p.console {
		if isCSPViolation(m) {
			out = append(out, m)
		}
	}
	return out
}

// forgetCSPViolations drops the violations seen so far, for a test that caused them on purpose.
func (p *page) forgetCSPViolations() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.console = slices.DeleteFunc(p.console, isCSPViolation)
}

// isCSPViolation reports whether a console message is Chromium's report of a refused load or script, which it
// writes to the browser log as "Refused to ... because it violates the following Content Security Policy
// directive: ...".
func isCSPViolation(m chromedp.ConsoleMessage) bool {
	return strings.Contains(m.Text, "Content Security Policy")
}

// TestPortalRunsUnderTheSecurityHeaders opens the sign-in page and a signed-in administrator's pages, checks the
// headers the browser received against the definition, that none of the pages broke the policy, and that the
// policy is live: an image from another origin, added to the home page (which has no policy of its own in a
// <meta>), is refused and reported both as a securitypolicyviolation event and in the console.
func TestPortalRunsUnderTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Tailspin Platform")

	signin := newPage(t, s.URL)
	signin.open("/signin", "credentials-form")
	got := run(signin, "read the page's headers", chromedp.Evaluate[map[string]string](
		`fetch("/signin", {method: "HEAD"}).then(r => Object.fromEntries(r.headers))`, chromedp.EvalAwaitPromise))
	for _, h := range webpolicy.Headers(false) {
		if v := got[strings.ToLower(h.Name)]; v != h.Value {
			t.Errorf("%s = %q, want %q", h.Name, v, h.Value)
		}
	}

	p := s.signedInPage(t, admin)
	for _, page := range []struct{ path, waitFor string }{
		{"/", "home"}, {"/partners", "tree"}, {"/users", "user-rows"}, {"/security", "method-form"},
	} {
		before := len(p.cspViolations())
		p.open(page.path, page.waitFor)
		if v := p.cspViolations()[before:]; len(v) > 0 {
			t.Errorf("%s broke the Content Security Policy: %v", page.path, v)
		}
	}

	p.open("/", "home")
	eval[bool](p, "load an image from another origin", `(() => {
		document.addEventListener("securitypolicyviolation", e => { window.refused = e.violatedDirective; });
		const img = new Image();
		img.src = "http://203.0.113.7/tracker.png";
		document.body.append(img);
		return true;
	})()`)
	p.until("the page hears the violation", `window.refused === "img-src"`)
	// The console's report comes through its own event: a bounded wait for it.
	for deadline := time.Now().Add(stepWait); len(p.cspViolations()) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the console reported no violation for the refused image within %s:\n%s", stepWait, p.consoleText())
		}
	}
	p.forgetCSPViolations()
}
