package table

// The text of the search index. A search entry's sort key begins with a suffix of a text (a name, an email
// address, a Partner ID) taken at a letter or digit, so that "begins with q" on those keys finds q anywhere in the
// text where a word or a part of one starts: at the beginning, inside a word ("nna" in "Anna"), after an "@".
// The entries themselves, and who writes them, are package dynamo's (FindEntry) and package indexer's; the keys
// are built in keys.go (FindKey).

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of the search index's text.
const (
	// FindSuffixRunes is how much of a suffix an entry's sort key keeps. A longer search reads the entries of
	// its first FindSuffixRunes runes and checks the rest in memory, against the text the entry carries.
	FindSuffixRunes = 24
	// FindTextRunes bounds where suffixes start: within the first FindTextRunes runes of a text, which holds the
	// whole of nearly every name and email address and keeps a pathological one from costing hundreds of writes.
	FindTextRunes = 64
)

// findSep ends the suffix in an entry's sort key. No text of the index holds it (FindText drops control
// characters, and a search with one is refused), so "begins with q" never reaches past the suffix into the tie;
// and it sorts before every character, so "Ann" comes before "Anna".
const findSep = "\x1f"

// FindText is the form of a text that the index holds and searches look for: Collate (any case, Émile as
// Emile), without control characters.
func FindText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, Collate(s))
}

// findable reports whether an entry may start at r: a letter or a digit.
func findable(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// FindStarts lists the byte offsets of t (a FindText) where the index starts an entry: every letter or digit of
// its first FindTextRunes runes.
func FindStarts(t string) []int {
	var out []int
	n := 0
	for i, r := range t {
		if n == FindTextRunes {
			break
		}
		n++
		if findable(r) {
			out = append(out, i)
		}
	}
	return out
}

// FindSuffix is the suffix of t that starts at start, cut to FindSuffixRunes runes: the part of an entry's sort
// key that a search matches.
func FindSuffix(t string, start int) string { return cutRunes(t[start:], FindSuffixRunes) }

func cutRunes(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}

// FindQuery is a search as the index reads it. Prefix is what the key condition asks for; a text matches when it
// holds Lead immediately followed by Rest (Rest begins with Prefix), which is checked in memory.
type FindQuery struct {
	// Text is the whole search, as FindText makes it.
	Text string
	// Lead is what precedes the search's first letter or digit ("@" in "@example"): no entry starts there.
	Lead string
	// Rest is the search from its first letter or digit.
	Rest string
	// Prefix is Rest cut to FindSuffixRunes runes: the sort-key prefix the search reads.
	Prefix string
}

// ParseFind reads a search. ok is false when it has no letter or digit: no entry could start a match.
func ParseFind(q string) (fq FindQuery, ok bool) {
	t := FindText(q)
	i := strings.IndexFunc(t, findable)
	if i < 0 {
		return FindQuery{}, false
	}
	return FindQuery{Text: t, Lead: t[:i], Rest: t[i:], Prefix: cutRunes(t[i:], FindSuffixRunes)}, true
}

// MatchesAt reports whether the search matches t (a FindText) at start, an offset of FindStarts: Rest begins
// there and Lead ends there.
func (q FindQuery) MatchesAt(t string, start int) bool {
	return strings.HasPrefix(t[start:], q.Rest) && strings.HasSuffix(t[:start], q.Lead)
}

// Has reports whether the search matches t anywhere (t is any text; it is made a FindText first).
func (q FindQuery) Has(t string) bool { return strings.Contains(FindText(t), q.Text) }

// InRange reports whether a sort key of the search's partition lies among the keys the search reads: a cursor's
// position is checked with it.
func (q FindQuery) InRange(sk string) bool {
	return strings.HasPrefix(sk, q.Prefix) && utf8.ValidString(sk)
}

// FindTieOf is the tie of an entry's sort key (FindTie: the row's name key): a page that ends at an entry
// continues from the name key of its row.
func FindTieOf(sk string) string {
	_, tie, _ := strings.Cut(sk, findSep)
	return tie
}
