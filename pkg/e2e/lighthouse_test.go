package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/partnerhub/partnerhub/pkg/emulator"
)

// Lighthouse (tools/node_modules, pinned) scores the portal's pages in the system's Chromium, with a mobile
// phone's and a desktop's settings (its default simulated throttling: a slow 4G network and a 4× slower CPU for
// the phone). Every page must score at least these, and move less than maxCLS while it loads. The performance
// score is a timing, which a shared machine moves by itself: make test prints it, and only make audit (on a
// machine that does nothing else) fails under minPerformance; the other scores and CLS fail in every run.
const (
	minPerformance   = 90
	minAccessibility = 95
	minBestPractices = 95
	maxCLS           = 0.1
)

// lighthouseAll, when set in the environment (make audit sets it), scores every page; without it, the test scores
// the pages most at risk: the branded start page, the first sign-in steps, the two lists that load, and sign-in.
const lighthouseAll = "PH_LIGHTHOUSE_ALL"

// lighthouseSubset are the pages scored in every test run.
var lighthouseSubset = []string{"index", "steps", "partners", "users", "signin"}

// lighthouseRunWait bounds one Lighthouse run: its own browser, the page loaded twice, the audits.
const lighthouseRunWait = 2 * time.Minute

// score is one page's Lighthouse result at one form factor.
type score struct {
	page, formFactor                         string
	performance, accessibility, bestPractice int
	cls                                      float64
	// runs is how many runs the score is the median of (1 when the first run met every minimum).
	runs int
	// failing names the weighted audits that scored under 0.9, which is where a page's points went.
	failing []string
	// version is the version of Lighthouse that ran; benchmark its measure of the machine's speed at the time
	// (its benchmarkIndex: higher is faster), which the performance score depends on.
	version   string
	benchmark int
}

// TestLighthouseScoresEveryPage runs Lighthouse on the portal's pages as people see them (the portalWorld: the
// signed-in pages in the partner administrator's session, with its brand and data), at the mobile and desktop
// presets, prints the table and fails on a score under its minimum or a layout shift of maxCLS or more.
// The runs take turns (one browser at a time) so that each measures the page, not the other runs.
func TestLighthouseScoresEveryPage(t *testing.T) {
	s := newStack(t)
	pw := newPortalWorld(t, s)
	pages := portalPages(t)
	if os.Getenv(lighthouseAll) == "" {
		pages = slices.DeleteFunc(pages, func(p string) bool { return !slices.Contains(lighthouseSubset, p) })
	}
	var scores []score
	for _, v := range pw.visits(t, pages) {
		for _, formFactor := range []string{"mobile", "desktop"} {
			run := func() score {
				began := time.Now()
				sc := lighthouse(t, s.URL+v.path, formFactor, pw.cookieFor(t, v.as), v.page == "404")
				sc.page = v.page
				t.Logf("%s (%s): performance %d, accessibility %d, best practices %d, CLS %.3f, benchmark %d, in %s%s",
					sc.page, formFactor, sc.performance, sc.accessibility, sc.bestPractice, sc.cls, sc.benchmark, time.Since(began).Round(100*time.Millisecond),
					strings.Join(append([]string{""}, sc.failing...), "\n  "))
				return sc
			}
			sc := run()
			if len(sc.short()) > 0 {
				// One run's performance varies with what else the machine does (Lighthouse's own advice is the
				// median of several runs): a page under a minimum is scored twice more and keeps its median run.
				runs := []score{sc, run(), run()}
				slices.SortFunc(runs, func(a, b score) int { return a.performance - b.performance })
				sc = runs[1]
				sc.runs = len(runs)
			}
			scores = append(scores, sc)
		}
	}
	t.Log("Lighthouse " + scores[0].version + "\n" + scoreTable(scores))
	for _, sc := range scores {
		if low := sc.short(); len(low) > 0 {
			t.Errorf("%s (%s): %s; audits that cost points:\n  %s", sc.page, sc.formFactor, strings.Join(low, ", "), strings.Join(sc.failing, "\n  "))
		}
	}
}

// short lists the minimums a score misses.
func (sc score) short() []string {
	var low []string
	if sc.performance < minPerformance && os.Getenv(lighthouseAll) != "" {
		low = append(low, fmt.Sprintf("performance %d < %d", sc.performance, minPerformance))
	}
	if sc.accessibility < minAccessibility {
		low = append(low, fmt.Sprintf("accessibility %d < %d", sc.accessibility, minAccessibility))
	}
	if sc.bestPractice < minBestPractices {
		low = append(low, fmt.Sprintf("best practices %d < %d", sc.bestPractice, minBestPractices))
	}
	if sc.cls >= maxCLS {
		low = append(low, fmt.Sprintf("CLS %.3f >= %.1f", sc.cls, maxCLS))
	}
	return low
}

// cookieFor is the Cookie header of a session, or "" for nobody.
func (pw *portalWorld) cookieFor(t *testing.T, c *api) string {
	if c == nil {
		return ""
	}
	return pw.sessionCookie(t, c)
}

// lighthouse scores one address at one form factor ("mobile" or "desktop"). A signed-in page gets the session
// as a Cookie header on every request (--extra-headers); notFound accepts the page's 404 status.
func lighthouse(t *testing.T, url, formFactor, cookie string, notFound bool) score {
	t.Helper()
	root, err := emulator.Root()
	if err != nil {
		t.Fatal(err)
	}
	chrome, err := chromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "tools", "node_modules", ".bin", "lighthouse")
	args := []string{url,
		"--output=json", "--output-path=stdout", "--quiet",
		"--only-categories=performance,accessibility,best-practices",
		"--chrome-flags=--headless=new --no-sandbox --disable-gpu",
		// Neither weighs in a score, and each costs seconds: a second navigation to test the back/forward cache,
		// and a screenshot of the whole page.
		"--skip-audits=bf-cache", "--disable-full-page-screenshot",
	}
	if formFactor == "desktop" {
		args = append(args, "--preset=desktop")
	}
	if cookie != "" {
		headers, _ := json.Marshal(map[string]string{"Cookie": cookie})
		args = append(args, "--extra-headers="+string(headers))
	}
	if notFound {
		args = append(args, "--ignore-status-code")
	}
	ctx, cancel := context.WithTimeout(t.Context(), lighthouseRunWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("lighthouse %s (%s): %v\n%s", url, formFactor, err, stderr.String())
	}
	var lhr struct {
		Version     string `json:"lighthouseVersion"`
		FinalURL    string `json:"finalDisplayedUrl"`
		Environment struct {
			BenchmarkIndex float64 `json:"benchmarkIndex"`
		} `json:"environment"`
		RuntimeError *struct{ Code, Message string } `json:"runtimeError"`
		Categories   map[string]struct {
			Score *float64 `json:"score"`
			Refs  []struct {
				ID     string  `json:"id"`
				Weight float64 `json:"weight"`
			} `json:"auditRefs"`
		} `json:"categories"`
		Audits map[string]struct {
			Score        *float64 `json:"score"`
			NumericValue float64  `json:"numericValue"`
			DisplayValue string   `json:"displayValue"`
		} `json:"audits"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &lhr); err != nil {
		t.Fatalf("lighthouse %s (%s): its report: %v\n%s", url, formFactor, err, stderr.String())
	}
	if lhr.RuntimeError != nil {
		t.Fatalf("lighthouse %s (%s): %s: %s", url, formFactor, lhr.RuntimeError.Code, lhr.RuntimeError.Message)
	}
	// A page that sent the browser elsewhere (to sign in: a session Lighthouse did not hold) was not scored.
	page := func(u string) string { p, _, _ := strings.Cut(u, "#"); return p }
	if page(lhr.FinalURL) != page(url) {
		t.Fatalf("lighthouse %s (%s) ended on %s", url, formFactor, lhr.FinalURL)
	}
	points := func(category string) int {
		c := lhr.Categories[category]
		if c.Score == nil {
			t.Fatalf("lighthouse %s (%s): no %s score", url, formFactor, category)
		}
		return int(*c.Score*100 + 0.5)
	}
	sc := score{
		formFactor:    formFactor,
		runs:          1,
		version:       lhr.Version,
		benchmark:     int(lhr.Environment.BenchmarkIndex),
		performance:   points("performance"),
		accessibility: points("accessibility"),
		bestPractice:  points("best-practices"),
		cls:           lhr.Audits["cumulative-layout-shift"].NumericValue,
	}
	for _, category := range []string{"performance", "accessibility", "best-practices"} {
		for _, ref := range lhr.Categories[category].Refs {
			a := lhr.Audits[ref.ID]
			if ref.Weight > 0 && a.Score != nil && *a.Score < 0.9 {
				sc.failing = append(sc.failing, fmt.Sprintf("%s: %s %.2f %s", category, ref.ID, *a.Score, a.DisplayValue))
			}
		}
	}
	return sc
}

// scoreTable is the scores as a text table.
func scoreTable(scores []score) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "page\tform factor\tperformance\taccessibility\tbest practices\tCLS\truns\tbenchmark")
	for _, sc := range scores {
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%.3f\t%d\t%d\n", sc.page, sc.formFactor, sc.performance, sc.accessibility, sc.bestPractice, sc.cls, sc.runs, sc.benchmark)
	}
	_ = w.Flush()
	return b.String()
}
