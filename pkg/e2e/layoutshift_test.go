package e2e_test

import (
	"strings"
	"testing"
)

// layoutShift is what moved while a page loaded: the page's cumulative layout shift (every shift not caused by
// the person, added up, as the browser reports them) and what moved.
type layoutShift struct {
	Total float64 `json:"total"`
	// Moved describes each shift: its score and the elements that moved, from where to where.
	Moved []string `json:"moved"`
}

// layoutShifts reads the layout shifts the browser recorded since the page started loading (a buffered
// PerformanceObserver: the entries from before it was made included).
func (p *page) layoutShifts() layoutShift {
	p.t.Helper()
	return eval[layoutShift](p, "read the layout shifts", `(() => {
		const obs = new PerformanceObserver(() => {});
		obs.observe({type: "layout-shift", buffered: true});
		const entries = obs.takeRecords().filter(e => !e.hadRecentInput);
		obs.disconnect();
		const name = n => !n ? "(gone)" : n.nodeType !== 1 ? "#text in " + name(n.parentElement) :
			n.tagName.toLowerCase() + (n.id ? "#" + n.id : "") + [...n.classList].map(c => "." + c).join("");
		const box = r => Math.round(r.x) + "," + Math.round(r.y) + " " + Math.round(r.width) + "×" + Math.round(r.height);
		return {
			total: entries.reduce((sum, e) => sum + e.value, 0),
			moved: entries.map(e => e.value.toFixed(4) + " at " + Math.round(e.startTime) + "ms: " +
				e.sources.map(s => name(s.node) + " " + box(s.previousRect) + " → " + box(s.currentRect)).join("; ")),
		};
	})()`)
}

// maxShift is the most a page may move while it loads: "good" cumulative layout shift is under 0.1.
const maxShift = 0.1

// TestEveryPageHoldsStill opens every page of the portal (as TestEveryPageHasNoAxeViolations does) at a desktop's
// and a phone's width and fails when what it shows moved while it loaded: its layout shifts add up to maxShift or
// more. Space for what loads later (the header's brand, the navigation, lists) is kept from the start.
func TestEveryPageHoldsStill(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	pw := newPortalWorld(t, s)
	eachPage(t, s, pw, func(p *page, v visit, size string) {
		got := p.layoutShifts()
		if got.Total >= maxShift {
			t.Errorf("%s (%s) moved while it loaded: cumulative layout shift %.3f, want < %.1f:\n  %s",
				v.page, size, got.Total, maxShift, strings.Join(got.Moved, "\n  "))
		} else {
			t.Logf("%s (%s): cumulative layout shift %.3f", v.page, size, got.Total)
		}
	})
}

// screen is a viewport the pages are checked at.
type screen struct {
	name          string
	width, height int64
	mobile        bool
}

// screens are a desktop's and a phone's. The phone's is its width without the mobile emulation of touch and
// device metrics: under that emulation Chromium reports no layout shift at all, and the width is what changes
// the layout.
var screens = []screen{{"desktop", 1280, 900, false}, {"phone", phoneWidth, 844, false}}

// eachPage opens every page of the portal (web/*.html) as people see it, at each of the screens, in a tab per
// session that holds it, and calls check once the page has loaded what it shows.
func eachPage(t *testing.T, s *stack, pw *portalWorld, check func(p *page, v visit, size string)) {
	t.Helper()
	visits := pw.visits(t, portalPages(t))
	for _, sc := range screens {
		tabs := map[*api]*page{}
		for _, v := range visits {
			p, ok := tabs[v.as]
			if !ok {
				if v.as == nil {
					p = newPage(t, s.URL)
				} else {
					p = s.signedInPage(t, v.as)
				}
				p.viewport(sc.width, sc.height, sc.mobile)
				tabs[v.as] = p
			}
			p.open(v.path, v.ready)
			p.settled(v.ready)
			check(p, v, sc.name)
		}
	}
}
