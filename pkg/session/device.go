package session

import (
	"strings"
	"unicode/utf8"
)

// UnknownDevice is the description of a session whose browser said nothing recognisable about itself.
const UnknownDevice = "Unknown device"

// maxUserAgent bounds the user agent that is parsed: real ones are a few hundred characters.
const maxUserAgent = 512

// token pairs a marker found in a user agent with the name it stands for. Order matters: browsers name the
// engines of others ("Chrome" says "Safari"; Edge and Opera say "Chrome"), so the most specific marker comes first.
type token struct{ marker, name string }

var browsers = []token{
	{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
	{"OPR/", "Opera"}, {"Opera", "Opera"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	{"HeadlessChrome/", "Chrome"}, {"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chrome"},
	{"Safari/", "Safari"},
}

var systems = []token{
	{"iPhone", "iPhone"}, {"iPad", "iPad"},
	{"Android", "Android"},
	{"CrOS", "ChromeOS"},
	{"Windows", "Windows"},
	{"Macintosh", "macOS"}, {"Mac OS X", "macOS"},
	{"Linux", "Linux"},
}

// Device describes a browser from its User-Agent header in a few words, "Chrome on Windows" or "Safari on
// iPhone": the browser and the operating system, each from a short list, never the header's own text (so what
// a session shows is bounded and cannot carry markup). A header that names neither is UnknownDevice.
func Device(userAgent string) string {
	if len(userAgent) > maxUserAgent {
		userAgent = userAgent[:maxUserAgent]
	}
	browser, system := find(userAgent, browsers), find(userAgent, systems)
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return system
	}
	return UnknownDevice
}

func find(ua string, list []token) string {
	for _, t := range list {
		if strings.Contains(ua, t.marker) {
			return t.name
		}
	}
	return ""
}

// maxPlace bounds a session's place, which comes from the CDN's headers.
const maxPlace = 100

// Place is where a viewer is, as the CDN names it, "Lisbon, Portugal": the city, then the region, then the
// country, each when known, without repeats. Control characters are dropped and the whole is bounded; "" when
// nothing is known (locally, or a request that did not come through the CDN).
func Place(city, region, country string) string {
	var parts []string
	for _, p := range []string{city, region, country} {
		p = strings.TrimSpace(strings.Map(printable, p))
		if p != "" && (len(parts) == 0 || parts[len(parts)-1] != p) {
			parts = append(parts, p)
		}
	}
	return truncate(strings.Join(parts, ", "), maxPlace)
}

func printable(r rune) rune {
	if r < 0x20 || r == 0x7f || r == utf8.RuneError {
		return -1
	}
	return r
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
