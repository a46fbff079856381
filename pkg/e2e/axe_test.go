package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/partnerhub/partnerhub/pkg/emulator"
)

// axeTags are the rules every page is held to: WCAG 2.0 and 2.1 at levels A and AA, and axe's best practices.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// axeSource is axe-core's script, pinned by tools/package-lock.json, read once per test binary.
var axeSource = sync.OnceValues(func() (string, error) {
	root, err := emulator.Root()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(root, "tools", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		return "", fmt.Errorf("axe-core is missing (make deps installs it): %w", err)
	}
	return string(b), nil
})

// axeViolation is one rule a page breaks, with the elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axe runs axe-core on the page as it is now and fails the test with every violation and each element that
// causes it. The script goes in through the DevTools protocol (Runtime.evaluate), which the page's Content
// Security Policy does not govern, so the page is checked under its real policy.
func (p *page) axe(where string) {
	p.t.Helper()
	src, err := axeSource()
	if err != nil {
		p.t.Fatal(err)
	}
	if !eval[bool](p, "look for axe", `typeof window.axe === "object"`) {
		eval[chromedp.Void](p, "inject axe", src+"\n;undefined")
	}
	tags := `["` + strings.Join(axeTags, `","`) + `"]`
	found := run(p, "run axe on "+where, chromedp.Evaluate[[]axeViolation](`axe.run(document, {
			runOnly: {type: "tag", values: `+tags+`}, resultTypes: ["violations"]
		}).then(r => r.violations.map(v => ({
			id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary || ""}))
		})))`, chromedp.EvalAwaitPromise))
	for _, v := range found {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s (%s): %s\n  %s", where, v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n  - %s\n    %s\n    %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n    "))
		}
		p.t.Error(b.String())
	}
}

// settled waits until the page shows its ready element and nothing on it says it is still loading.
func (p *page) settled(ready string) {
	p.t.Helper()
	p.visible(ready)
	p.until("the page has loaded what it shows", `document.readyState === "complete" &&
		![...document.querySelectorAll('[aria-busy="true"]')].some(e => e.checkVisibility())`)
}

// TestEveryPageHasNoAxeViolations opens every page of the portal (web/*.html: a new page is in without being
// listed) as people see it, at a desktop's and a phone's width, and runs axe-core's WCAG 2.1 A and AA rules and
// its best practices on it: no violation anywhere.
func TestEveryPageHasNoAxeViolations(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	pw := newPortalWorld(t, s)
	eachPage(t, s, pw, func(p *page, v visit, size string) { p.axe(v.page + " (" + size + ")") })
}
