package member

// The user list's query: search, A–Z, filters, order and pages, checked and applied to rows in memory.

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	pagecursor "github.com/partnerhub/partnerhub/pkg/cursor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Orders of the user list: the orders of its indexes.
const (
	SortName      = table.OrderName
	SortEmail     = table.OrderEmail
	SortStatus    = table.OrderStatus
	SortLastLogin = table.OrderLastLogin
	// SortMatch is a search's own order, when it names no other, no direction and no filter: the search
	// index's, by the text from where the search matches, then by name. It is never asked for by name.
	SortMatch = "match"
)

// Row statuses, as the list shows and filters them.
const (
	StatusRegistered   = table.ListRegistered
	StatusUnregistered = table.ListUnregistered
	StatusDisabled     = table.ListDisabled
)

// Page sizes and bounds of the list.
const (
	DefaultLimit = 25
	MaxLimit     = 100
	maxSearch    = 100
	// InitialOther is the A–Z filter's "#": names that do not start with a letter A to Z.
	InitialOther = table.InitialOther
)

// ListQuery is the user list's query string, as sent: every parameter is optional.
//
//	q        text found in the name or the email address where a word or a part of one starts, any case,
//	         accents ignored; at least one letter or digit. Alone, a search lists in match order (the text from
//	         where it matches, then the name); with a filter, an order or a direction it reads every match (at
//	         most MaxSearched) and filters and sorts them in memory
//	initial  a letter A–Z: names starting with it (accents ignored: É is under E); # for the others
//	status   registered, unregistered or disabled
//	role     a role name: users holding it
//	sort     name (default), email, status or lastLogin
//	order    asc (default) or desc
//	cursor   the next page's cursor of the previous answer
//	limit    rows per page, 1 to 100 (default 25)
type ListQuery struct {
	Q, Initial, Status, Role, Sort, Order, Cursor, Limit string
}

// query is a checked ListQuery.
type query struct {
	search  string // table.FindText of the search
	find    table.FindQuery
	initial string // "a".."z", "#" or ""
	status  string
	role    role.Name
	sort    string
	desc    bool
	limit   int
	after   *cursor
}

// check checks every parameter and names every bad one in one answer.
func (in ListQuery) check() (query, error) {
	v := &fault.ValidationError{}
	q := query{sort: SortName, limit: DefaultLimit}

	search := strings.TrimSpace(in.Q)
	switch {
	case utf8.RuneCountInString(search) > maxSearch:
		v.Add("q", "too_long", fmt.Sprintf("Search for at most %d characters.", maxSearch))
	case strings.ContainsFunc(search, unicode.IsControl):
		v.Add("q", field.CodeInvalid, "Remove line breaks and other control characters.")
	case search != "":
		var ok bool
		if q.find, ok = table.ParseFind(search); ok {
			q.search = q.find.Text
		} else {
			v.Add("q", field.CodeInvalid, "Type at least one letter or digit.")
		}
	}
	switch initial := strings.ToLower(strings.TrimSpace(in.Initial)); {
	case initial == "" || initial == InitialOther:
		q.initial = initial
	case len(initial) == 1 && initial[0] >= 'a' && initial[0] <= 'z':
		q.initial = initial
	default:
		v.Add("initial", field.CodeInvalid, "Use one letter A to Z, or # for names that start with anything else.")
	}
	switch st := strings.TrimSpace(in.Status); st {
	case "", StatusRegistered, StatusUnregistered, StatusDisabled:
		q.status = st
	default:
		v.Add("status", field.CodeInvalid, "Use registered, unregistered or disabled.")
	}
	if r := strings.TrimSpace(in.Role); r != "" {
		if _, ok := role.Find(role.Name(r)); ok {
			q.role = role.Name(r)
		} else {
			v.Add("role", codeUnknownRole, fmt.Sprintf("There is no role %q.", r))
		}
	}
	switch s := strings.TrimSpace(in.Sort); s {
	case "":
	case SortName, SortEmail, SortStatus, SortLastLogin:
		q.sort = s
	default:
		v.Add("sort", field.CodeInvalid, "Sort by name, email, status or lastLogin.")
	}
	switch o := strings.TrimSpace(in.Order); o {
	case "", "asc":
	case "desc":
		q.desc = true
	default:
		v.Add("order", field.CodeInvalid, "Use asc or desc.")
	}
	if raw := strings.TrimSpace(in.Limit); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > MaxLimit {
			v.Add("limit", field.CodeInvalid, fmt.Sprintf("Use a whole number from 1 to %d.", MaxLimit))
		} else {
			q.limit = n
		}
	}
	if q.search != "" && strings.TrimSpace(in.Sort) == "" && !q.desc && q.initial == "" && q.status == "" && q.role == "" {
		q.sort = SortMatch
	}
	if in.Cursor != "" && len(v.Fields) == 0 {
		c, ok := decodeCursor(in.Cursor)
		if !ok || c.Sort != q.sort || c.Desc != q.desc || c.Filter != q.fingerprint() || !q.holds(c) {
			v.Add("cursor", field.CodeInvalid, "This cursor does not belong to this list; start again from the first page.")
		} else {
			q.after = &c
		}
	}
	return q, v.Err()
}

// fingerprint names the query's filters, so a cursor is only ever used on the list it came from.
func (q query) fingerprint() string {
	sum := sha256.Sum256([]byte(strings.Join([]string{q.search, q.initial, q.status, string(q.role)}, "\x00")))
	return hex.EncodeToString(sum[:6])
}

// holds reports whether a cursor's position is one a row of the query's list can have. The index reads on from
// it, within the letter's range of name keys and, in status order, from its status's partition: a position
// outside them was not handed out by this list.
func (q query) holds(c cursor) bool {
	if q.sort == SortMatch {
		return q.find.InRange(c.Key)
	}
	if q.initial != "" && keyInitial(c.Tie) != q.initial {
		return false
	}
	return q.sort != SortStatus || slices.Contains(table.ListStatuses, c.Key) && (q.status == "" || c.Key == q.status)
}

// keyInitial is the A–Z letter of a name key (already collated), as initialOf is of a name.
func keyInitial(nameKey string) string {
	if nameKey != "" && nameKey[0] >= 'a' && nameKey[0] <= 'z' {
		return nameKey[:1]
	}
	return InitialOther
}

// matches reports whether a row passes the query's search and filters.
func (q query) matches(r dynamo.MemberRow) bool {
	switch {
	case q.search != "" && !q.find.Has(r.Name) && !q.find.Has(r.Email):
		return false
	case q.initial != "" && initialOf(r.Name) != q.initial:
		return false
	case q.status != "" && r.Status.Registration() != q.status:
		return false
	case q.role != "" && !slices.Contains(r.Roles, q.role):
		return false
	}
	return true
}

// position is where a row stands in the query's order: its sort value, then its name key (unique: it ends with
// the user id), so every row has exactly one place and pages can continue after any of them.
type position struct{ key, tie string }

// positionOf is a row's position in an order.
func positionOf(r dynamo.MemberRow, sort string) position {
	p := position{tie: r.NameKey}
	switch sort {
	case SortName:
		p.key = r.NameKey
	case SortEmail:
		p.key = table.Fold(r.Email)
	case SortStatus:
		p.key = r.Status.Registration()
	case SortLastLogin:
		if !r.LastLoginAt.IsZero() { // never signed in sorts first, as the oldest
			p.key = table.Timestamp(r.LastLoginAt)
		}
	}
	return p
}

// compare orders two positions in the query's direction.
func (q query) compare(a, b position) int {
	c := cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.tie, b.tie))
	if q.desc {
		return -c
	}
	return c
}

// cursor is the position of the last row of a page, with the order and filters it belongs to.
type cursor struct {
	Sort   string `json:"s"`
	Desc   bool   `json:"d,omitempty"`
	Key    string `json:"k"`
	Tie    string `json:"t"`
	Filter string `json:"f"`
}

// encode is the cursor as the client sees it: opaque base64url text.
func (c cursor) encode() string {
	return pagecursor.Encode(c)
}

func decodeCursor(raw string) (cursor, bool) {
	var c cursor
	if !pagecursor.Decode(raw, &c) {
		return c, false
	}
	// The tie is a name key, "<name>#<user id>": the position a page of the index starts after.
	i := strings.LastIndexByte(c.Tie, '#')
	return c, i >= 0 && secret.WellFormedID(c.Tie[i+1:])
}

// initialOf is the A–Z letter a name is listed under: its first letter without accents (table.Collate), or "#".
func initialOf(name string) string { return table.NameInitial(name) }
