package session_test

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/session"
)

func TestDevice(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                         "Chrome on Windows",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0":           "Edge on Windows",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1": "Safari on iPhone",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15":                   "Safari on macOS",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0":                                                                  "Firefox on Linux",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36":                   "Chrome on Android",
		"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1":           "Chrome on iPad",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36":                           "Chrome on Linux",
		"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 OPR/106.0":                               "Opera on Windows",
		"curl/8.5.0":                            session.UnknownDevice,
		"":                                      session.UnknownDevice,
		"<script>alert(1)</script>":             session.UnknownDevice,
		"Something (Windows NT 10.0)":           "Windows",
		strings.Repeat("x", 10000) + "Chrome/1": session.UnknownDevice, // past the bound, nothing is read
	}
	for ua, want := range cases {
		if got := session.Device(ua); got != want {
			t.Errorf("Device(%.80q) = %q, want %q", ua, got, want)
		}
	}
}

func TestMaskAddress(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"203.0.113.77":                         "203.0.113.x",
		" 198.51.100.1 ":                       "198.51.100.x",
		"::ffff:192.0.2.10":                    "192.0.2.x",
		"2001:db8:85a3:8d3:1319:8a2e:370:7348": "2001:db8:85a3:x",
		"2001:db8::1":                          "2001:db8:0:x",
		"":                                     "",
		"not an address":                       "",
		"203.0.113.77, 10.0.0.1":               "",
	}
	for in, want := range cases {
		if got := session.MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlace(t *testing.T) {
	t.Parallel()
	cases := []struct{ city, region, country, want string }{
		{"Lisbon", "Lisbon", "Portugal", "Lisbon, Portugal"},
		{"Lyon", "Auvergne-Rhône-Alpes", "France", "Lyon, Auvergne-Rhône-Alpes, France"},
		{"", "", "DE", "DE"},
		{"", "", "", ""},
		{" Porto\n", "", "Portugal\x00", "Porto, Portugal"},
	}
	for _, c := range cases {
		if got := session.Place(c.city, c.region, c.country); got != c.want {
			t.Errorf("Place(%q, %q, %q) = %q, want %q", c.city, c.region, c.country, got, c.want)
		}
	}
	if got := session.Place(strings.Repeat("é", 300), "", ""); len([]rune(got)) != 100 {
		t.Errorf("a long place keeps %d runes, want 100", len([]rune(got)))
	}
}

func TestPublicID(t *testing.T) {
	t.Parallel()
	id := session.PublicID("some-hash")
	if !session.WellFormedID(id) || id == "some-hash" || id != session.PublicID("some-hash") || id == session.PublicID("other-hash") {
		t.Fatalf("PublicID = %q", id)
	}
	for _, bad := range []string{"", "short", id + "x", strings.Repeat("é", 8), "abc/def.ghi+jklm"} {
		if session.WellFormedID(bad) {
			t.Errorf("WellFormedID(%q) = true", bad)
		}
	}
}

func TestFromKeepsOnlyTheDescriptionAndTheMaskedAddress(t *testing.T) {
	t.Parallel()
	s := session.New("h", "u", "a", time.Time{}).From(session.Client{
		IP: "203.0.113.77", UserAgent: "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Safari/537.36", Place: "Porto, Portugal",
	})
	if s.Device != "Chrome on Windows" || s.Address != "203.0.113.x" || s.Place != "Porto, Portugal" {
		t.Fatalf("session = %+v", s)
	}
}
