package password

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
	"sync/atomic"
)

// publishedList is the published blocklist: 49,233 common passwords from the npm package
// @zxcvbn-ts/language-common 4.1.3 (MIT), built from Mark Burnett's 10-million-password data set. Its source,
// version and licence are in common-passwords.NOTICE.
//
//go:embed common-passwords.txt.gz
var publishedList []byte

// extraList is PartnerHub's own additions: words of this service and its trade, recent season-and-year patterns,
// keyboard walks, and well-known passwords the published list lacks.
//
//go:embed extra-passwords.txt
var extraList string

// blocklist is the set of blocked passwords, lower case. It is built on the first password check, not at package
// init: every function links this package, and only the few that check a password pay for unpacking the list.
var blocklist = sync.OnceValue(func() map[string]struct{} {
	defer built.Store(true)
	set := make(map[string]struct{}, 50_000)
	add := func(w string) {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" {
			set[w] = struct{}{}
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(publishedList))
	if err != nil {
		// The list is embedded at build time; TestBlocklistIsThePublishedList reads it whole.
		panic("password: the embedded password blocklist is not gzip: " + err.Error())
	}
	lines := bufio.NewScanner(zr)
	for lines.Scan() {
		add(lines.Text())
	}
	if err := lines.Err(); err != nil {
		panic("password: the embedded password blocklist is damaged: " + err.Error())
	}
	for line := range strings.SplitSeq(extraList, "\n") {
		add(line)
	}
	return set
})

// built records that the blocklist was unpacked, so a test can tell that package init did not do it.
var built atomic.Bool

// blocklistLoaded reports whether the blocklist has been unpacked.
func blocklistLoaded() bool { return built.Load() }

// blocked reports whether a normalised password (lower case, trimmed) is on the blocklist.
func blocked(p string) bool {
	_, ok := blocklist()[p]
	return ok
}
