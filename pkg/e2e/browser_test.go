package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepWait bounds one step in the browser: a page load, a request and what the page does with the answer.
const stepWait = 20 * time.Second

// chromiumPath finds the browser. A missing browser fails the run: CI must run these tests, not skip them.
func chromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("CHROMIUM_PATH=%s: %w", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	return "", errors.New("Chromium is required by the browser tests and was not found: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH")
}

// browserStartWait bounds the start of the browser, which is slower than any step.
const browserStartWait = 30 * time.Second

// shared is the one Chromium of the test binary. A browser takes seconds to start; a tab in a browser context of
// its own (its own cookies and storage, as a fresh profile has) takes a fraction of that, so every page is such a
// tab of this browser. The first test that opens a page starts it; TestMain stops it.
var shared struct {
	once sync.Once
	// ctx is the browser's first tab, which the pages' contexts derive from; stop ends the browser.
	ctx  context.Context
	stop func()
	err  error
}

// browser is the shared browser, started on first use if TestMain has not started it; a browser that does not
// start fails the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	startBrowserOnce()
	if shared.err != nil {
		t.Fatalf("start Chromium: %v", shared.err)
	}
	return shared.ctx
}

// startBrowser starts a headless Chromium with a temporary profile, which chromedp removes when it stops.
func startBrowser() (context.Context, func(), error) {
	path, err := chromiumPath()
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// chromedp's default list, plus the omnibox popups that every new window preloads in two renderers of its
		// own: a headless window never shows them, and they made opening a page cost about a second.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,WebUIOmniboxPopup,WebUIOmniboxAimPopup"),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	stop := func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTab()
		cancelAlloc()
	}
	// The first action starts the browser, which then lives as long as the context of that action: so it runs
	// on the browser's own context, and the deadline is kept here.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			stop()
			return nil, nil, err
		}
	case <-time.After(browserStartWait):
		stop()
		return nil, nil, fmt.Errorf("no answer within %s", browserStartWait)
	}
	return ctx, stop, nil
}

// startBrowserOnce starts the shared browser unless it was started; it returns when the browser is up, or failed
// to start.
func startBrowserOnce() {
	shared.once.Do(func() { shared.ctx, shared.stop, shared.err = startBrowser() })
}

// stopBrowser ends the shared browser, if it was started, once its start is over.
func stopBrowser() {
	shared.once.Do(func() {}) // waits for a start under way; starts none
	if shared.stop != nil {
		shared.stop()
	}
}

// page is one browser tab on a stack. Its methods run steps with a deadline each and fail the test with what
// the page showed, and what its console said, when a step does not complete.
type page struct {
	t   *testing.T
	ctx context.Context
	// base is the portal's origin; paths passed to open are relative to it.
	base string

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// newPage opens a tab of the shared browser in a browser context of its own, as a fresh profile would be: no
// cookies, no storage, shared with no other page. The tab, in a window of its own so that it is never a hidden
// background tab, closes when the test ends.
func newPage(t *testing.T, base string) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)

	p := &page{t: t, ctx: ctx, base: base}
	// The first action opens the tab, which then lives as long as the context of that action: so it runs on the
	// tab's own context, and the deadline is kept here.
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(ctx, chromedp.Navigate("about:blank")) }()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("open a tab: %v", err)
		}
	case <-time.After(stepWait):
		cancel()
		t.Fatalf("open a tab: not done within %s", stepWait)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.console = append(p.console, m)
			p.mu.Unlock()
		}
	}()
	t.Cleanup(p.checkNoExceptions)
	return p
}

// do runs steps, failing the test with what went wrong.
func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepWait)
	defer cancel()
	for {
		err := chromedp.Do(ctx, steps...)
		if err == nil {
			return
		}
		if !again(ctx, err) {
			p.fail(what, err)
			return
		}
	}
}

// open navigates to a path of the portal (or a full URL) and waits for an element of the page.
func (p *page) open(target, waitFor string) {
	p.t.Helper()
	if !strings.Contains(target, "://") {
		target = p.base + target
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(target), chromedp.WaitVisible(chromedp.ID(waitFor))}
	// A link that differs from the address shown only in its fragment would not load the page anew: it goes
	// through about:blank then. Only then, since leaving the site for about:blank and coming back costs a new
	// renderer process, which made every open about twice as slow.
	if sameDocument(run(p, "read the address", chromedp.Location()), target) {
		steps = append([]chromedp.Action[chromedp.Void]{chromedp.Navigate("about:blank")}, steps...)
	}
	p.do("open "+target, steps...)
}

// sameDocument reports whether navigating from one address to another only moves to a fragment of the same page.
func sameDocument(from, to string) bool {
	page, _, moves := strings.Cut(to, "#")
	fromPage, _, _ := strings.Cut(from, "#")
	return moves && page == fromPage
}

// visible waits until an element (by id) is shown.
func (p *page) visible(id string) {
	p.t.Helper()
	p.do("wait for #"+id, chromedp.WaitVisible(chromedp.ID(id)))
}

// typeInto types text into an element, key by key, as a person would.
func (p *page) typeInto(id, text string) {
	p.t.Helper()
	p.do("type into #"+id, chromedp.SendKeys(chromedp.ID(id), text))
}

// chooseOption picks an option of a select by its value; the page hears input and change, as from a person.
func (p *page) chooseOption(id, value string) {
	p.t.Helper()
	p.do("choose "+value+" in #"+id, chromedp.SetValue(chromedp.ID(id), value))
}

// clear empties a form field and tells the page, as selecting everything and deleting it would.
func (p *page) clear(id string) {
	p.t.Helper()
	eval[chromedp.Void](p, "clear #"+id, fmt.Sprintf(
		`(el => { el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); })(document.getElementById(%q)); undefined`, id))
}

// click clicks an element.
func (p *page) click(id string) {
	p.t.Helper()
	p.do("click #"+id, chromedp.Click(chromedp.ID(id)))
}

// text reads an element's visible text.
func (p *page) text(id string) string {
	p.t.Helper()
	return run(p, "read #"+id, chromedp.Text(chromedp.ID(id), chromedp.NodeVisible))
}

// value reads a form field's value.
func (p *page) value(id string) string {
	p.t.Helper()
	return run(p, "read the value of #"+id, chromedp.Value(chromedp.ID(id)))
}

// attr reads an attribute of an element ("" when it has none).
func (p *page) attr(id, name string) string {
	p.t.Helper()
	res := run(p, fmt.Sprintf("read %s of #%s", name, id), chromedp.AttributeValue(chromedp.ID(id), name))
	return res.Value
}

// until waits until a JavaScript expression is true, e.g. a rule's state after typing.
func (p *page) until(what, expression string) {
	p.t.Helper()
	run(p, "wait until "+what, chromedp.Poll[bool](expression, chromedp.WithPollingTimeout(stepWait)))
}

// eval runs a script in the page and returns its value.
func eval[T any](p *page, what, expression string) T {
	p.t.Helper()
	return run(p, what, chromedp.Evaluate[T](expression))
}

func run[T any](p *page, what string, action chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepWait)
	defer cancel()
	for {
		v, err := chromedp.Run(ctx, action)
		if err == nil {
			return v
		}
		if !again(ctx, err) {
			p.fail(what, err)
			return v
		}
	}
}

// staleNode is how Chromium refuses a node id that no longer names a node.
const staleNode = "Could not find node with given id"

// again reports whether a step that failed is to be run again, after a short pause, within its deadline: only
// when it failed because the node it found went stale, which happens when chromedp fetches the document anew
// after a navigation between finding the node and acting on it. The step has then sent nothing to the page
// (the node's id is used before any key or click), so running it again does what it would have done.
func again(ctx context.Context, err error) bool {
	if !strings.Contains(err.Error(), staleNode) {
		return false
	}
	select {
	case <-ctx.Done():
		return false
	case <-time.After(10 * time.Millisecond):
		return true
	}
}

// snap saves a full-page screenshot as <dir>/<test>-<name>.png when PH_E2E_SCREENSHOTS names a folder, so
// people can look at the pages a test went through. Without it, it does nothing.
func (p *page) snap(name string) {
	p.t.Helper()
	dir := os.Getenv("PH_E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	png := run(p, "screenshot "+name, chromedp.FullScreenshot(100))
	file := filepath.Join(dir, p.t.Name()+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatalf("save screenshot: %v", err)
	}
}

// fail ends the test with the step that failed, the page's address and text, and its console.
func (p *page) fail(what string, err error) {
	p.t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("not done within %s", stepWait)
	}
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	where, _ := chromedp.Run(ctx, chromedp.Location())
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	p.t.Fatalf("%s: %v\npage %s shows:\n%s\nconsole:\n%s", what, err, where, indent(shown), indent(p.consoleText()))
}

func (p *page) consoleText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	lines := make([]string, len(p.console))
	for i, m := range p.console {
		lines[i] = m.String()
	}
	return strings.Join(lines, "\n")
}

// checkNoExceptions fails the test if a page script threw and nothing caught it, or if the browser refused
// something under the Content Security Policy (see csp_test.go).
func (p *page) checkNoExceptions() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.console {
		if m.IsException() {
			p.t.Errorf("uncaught exception in the page: %s (%s:%d)", m.Text, m.URL, m.Line)
		}
		if isCSPViolation(m) {
			p.t.Errorf("Content Security Policy violation in the page: %s (%s:%d)", m.Text, m.URL, m.Line)
		}
	}
}

func indent(s string) string {
	if strings.TrimSpace(s) == "" {
		return "  (nothing)"
	}
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}

// poll waits until a JavaScript expression is true and reports whether it became true within stepWait, for a
// test that says more than "timed out" when it does not.
func (p *page) poll(expression string) bool {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepWait)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expression, chromedp.WithPollingTimeout(stepWait)))
	return err == nil
}

// attrCSS reads an attribute of the first element that matches a CSS selector ("" when it has none).
func (p *page) attrCSS(selector, name string) string {
	p.t.Helper()
	res := run(p, fmt.Sprintf("read %s of %s", name, selector), chromedp.AttributeValue(chromedp.CSS(selector), name))
	return res.Value
}

// untilAfterLoad waits until a JavaScript expression is true on a page that the step before made the browser
// load anew (a reload, a redirect): a poll that the navigation interrupts starts again on the new page.
func (p *page) untilAfterLoad(what, expression string) {
	p.t.Helper()
	deadline := time.Now().Add(stepWait)
	for {
		ctx, cancel := context.WithDeadline(p.ctx, deadline)
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expression, chromedp.WithPollingTimeout(time.Until(deadline))))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			p.fail("wait until "+what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
