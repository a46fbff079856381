package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// api is a client of the stack's API as a browser would be one: JSON in and out, the portal's Origin on every
// request, and the session cookie kept in a jar. Tests use it for what they arrange rather than check, such as
// creating an account below one made in the browser, with a session written by signIn.
type api struct {
	t    *testing.T
	s    *stack
	http *http.Client
}

// client is a new API client with an empty cookie jar.
func (s *stack) client(t *testing.T) *api {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &api{t: t, s: s, http: &http.Client{Jar: jar, Timeout: stepWait}}
}

// call sends a request and fails the test unless the answer has the wanted status. The answer's JSON is decoded
// into out when out is not nil.
func (c *api) call(method, path string, body any, want int, out any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	c.send(method, path, r, "application/json", want, out)
}

// upload sends raw bytes with their media type, as the logo upload does.
func (c *api) upload(method, path, contentType string, data []byte, want int, out any) {
	c.t.Helper()
	c.send(method, path, bytes.NewReader(data), contentType, want, out)
}

func (c *api) send(method, path string, body io.Reader, contentType string, want int, out any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.s.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Origin", c.s.URL)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

// signedInPage opens a browser tab that holds the client's session, as if the person had signed in there.
func (s *stack) signedInPage(t *testing.T, c *api) *page {
	t.Helper()
	origin, _ := url.Parse(s.URL)
	cookies := c.http.Jar.Cookies(origin)
	if len(cookies) == 0 {
		t.Fatal("the client holds no session cookie")
	}
	p := newPage(t, s.URL)
	yes := true
	for _, k := range cookies {
		p.do("hand the session to the browser", chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
			_, err := cdp.Call(ctx, tab, network.SetCookie, network.SetCookieParams{
				Name: k.Name, Value: k.Value, URL: s.URL, Path: "/", HTTPOnly: &yes, SameSite: network.CookieSameSiteStrict,
			})
			return err
		}))
	}
	return p
}

// phoneWidth is the viewport width of a small phone.
const phoneWidth = 390

// viewport sets the tab's viewport, e.g. to a phone's width.
func (p *page) viewport(width, height int64, mobile bool) {
	p.t.Helper()
	opts := []chromedp.EmulateViewportOption{}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	p.do(fmt.Sprintf("set the viewport to %dx%d", width, height), chromedp.EmulateViewport(width, height, opts...))
}

// fitsWidth fails the test when the page is wider than its viewport: nothing may need sideways scrolling.
func (p *page) fitsWidth(where string) {
	p.t.Helper()
	over := eval[int](p, "measure the page's width", `document.documentElement.scrollWidth - window.innerWidth`)
	if over > 0 {
		wide := eval[string](p, "find what is too wide", `[...document.querySelectorAll("body *")]
			.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.offsetParent !== null)
			.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + [...e.classList].join(".")).join(", ")`)
		p.t.Errorf("%s: the page is %dpx wider than the %dpx viewport (%s)", where, over, eval[int](p, "read the width", `window.innerWidth`), wide)
	}
}

// clickCSS clicks the first element that matches a CSS selector.
func (p *page) clickCSS(selector string) {
	p.t.Helper()
	p.do("click "+selector, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

// visibleCSS waits until an element that matches a CSS selector is shown.
func (p *page) visibleCSS(selector string) {
	p.t.Helper()
	p.do("wait for "+selector, chromedp.WaitVisible(chromedp.CSS(selector)))
}

// textCSS reads the visible text of the first element that matches a CSS selector.
func (p *page) textCSS(selector string) string {
	p.t.Helper()
	return run(p, "read "+selector, chromedp.Text(chromedp.CSS(selector), chromedp.NodeVisible))
}

// uploadFile puts a file into a file input, as choosing it in the file picker would.
func (p *page) uploadFile(id, path string) {
	p.t.Helper()
	p.do("choose "+path+" in #"+id, chromedp.SetUploadFiles(chromedp.ID(id), []string{path}, chromedp.NodeReady))
}
