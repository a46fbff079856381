package tree

// Tree search: one query that finds any account of the caller's subtree by name or Partner ID, read from the
// search index (package indexer writes it from the table's stream; dynamo.Store reads it).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	pagecursor "github.com/partnerhub/partnerhub/pkg/cursor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Orders of a search.
const (
	// SortMatch lists results in the index's order: by the text from where the search matches, then by name.
	// It reads a page at a time.
	SortMatch = "match"
	// SortName lists results by name. It reads every match and sorts them in memory.
	SortName = "name"
)

// Bounds of a search.
const (
	maxSearch = 100
	// MaxSorted is the most accounts a search sorted by name reads; past it the caller is asked to narrow it.
	MaxSorted = 1000
)

// SearchRequest is the query string of GET /v1/accounts/{id}/search, as sent:
//
//	q        text found in an account's name, any case, accents ignored, where a word or a part of one starts
//	         ("acme", "cme", "corp"); or the beginning of its Partner ID (7K3M-Q2X9, 7K3MQ2X9, 7k3m). Required.
//	kind     provider, msp, partner or customer: only accounts of that kind
//	status   pending, active or disabled: only accounts in that status
//	stage    prospect or customer: only customer accounts in that stage (prospects, or customers who signed)
//	sort     match (default: by the text from where it matches, then by name) or name
//	order    asc (default) or desc
//	cursor   the next page's cursor of the previous answer
//	limit    results per page, 1 to 100 (default 25)
type SearchRequest struct {
	Q, Kind, Status, Stage, Sort, Order, Cursor, Limit string
}

// SearchList is the answer of a search: one page of results and the cursor of the next page (null on the last).
// A page may hold fewer than limit results and still have a next one: a page in match order reads at most
// dynamo.FindBudget index entries, however narrow its filters.
type SearchList struct {
	Items []Found `json:"items"`
	Next  *string `json:"next"`
}

// Found is one account a search found.
type Found struct {
	ID     string         `json:"id"`
	Kind   account.Kind   `json:"kind"`
	Name   string         `json:"name"`
	Status account.Status `json:"status"`
	// Stage is a customer's stage, "prospect" or "customer"; absent for other kinds.
	Stage     string `json:"stage,omitempty"`
	PartnerID string `json:"partnerId,omitempty"`
	// Path is the accounts above it that the caller sees, from the caller's own account down to its parent
	// (Provider › MSP › Partner): empty for the caller's own account.
	Path []PathStep `json:"path"`
}

// PathStep is one account on a result's path.
type PathStep struct {
	ID   string       `json:"id"`
	Kind account.Kind `json:"kind"`
	Name string       `json:"name"`
}

// search is a checked SearchRequest.
type search struct {
	find   table.FindQuery
	kind   account.Kind
	status account.Status
	// stage is the stage filter; set only with customer, the one kind that has a stage.
	stage *account.Stage
	sort  string
	desc  bool
	limit int
	after *searchCursor
}

// searchCursor is where a page ended: the index's sort key (match order) or the last result's name key (name
// order), with the order and the search it belongs to.
type searchCursor struct {
	Sort   string `json:"s"`
	Desc   bool   `json:"d,omitempty"`
	Key    string `json:"k"`
	Search string `json:"f"`
}

// Search finds the accounts of an account's subtree, itself included, by name or Partner ID (see SearchRequest).
// The caller needs what viewing the account needs. In match order a page costs the account, about a page of
// index entries and one batch read of the accounts on the results' paths, whatever the size of the tree; sorted
// by name it reads every match (at most MaxSorted) and sorts them in memory. The index follows changes by the
// table stream's delay (usually well under a second).
func (s *Service) Search(ctx context.Context, a actor.Actor, id string, in SearchRequest) (SearchList, error) {
	q, err := in.check()
	if err != nil {
		return SearchList{}, err
	}
	root, err := s.authorize(ctx, a, id, View)
	if err != nil {
		return SearchList{}, err
	}
	var (
		found []dynamo.FindEntry
		next  string
	)
	if q.sort == SortMatch {
		after := ""
		if q.after != nil {
			after = q.after.Key
		}
		page, err := s.store.SearchAccountsPage(ctx, root.ID, q.find, after, q.desc, q.limit, q.keeps)
		if err != nil {
			return SearchList{}, err
		}
		found, next = page.Entries, page.Next
	} else {
		all, err := s.store.SearchAccounts(ctx, root.ID, q.find, MaxSorted)
		if errors.Is(err, dynamo.ErrTooManyMatches) {
			return SearchList{}, fault.Invalid("q", "too_broad",
				fmt.Sprintf("More than %d accounts match. Type more of the name, or list them in match order.", MaxSorted))
		}
		if err != nil {
			return SearchList{}, err
		}
		found, next = q.byName(all)
	}
	out := SearchList{Items: make([]Found, 0, len(found))}
	if next != "" {
		c := pagecursor.Encode(searchCursor{Sort: q.sort, Desc: q.desc, Key: next, Search: q.fingerprint()})
		out.Next = &c
	}
	names, err := s.pathAccounts(ctx, a, root, found)
	if err != nil {
		return SearchList{}, err
	}
	for _, e := range found {
		f := Found{ID: e.ID, Kind: e.Kind, Name: e.Name, Status: e.Status, PartnerID: e.PartnerID, Path: []PathStep{}}
		if e.Kind == account.Customer {
			f.Stage = e.Stage.String()
		}
		for _, id := range seenPath(a, e) {
			if acc, ok := names[id]; ok {
				f.Path = append(f.Path, PathStep{ID: acc.ID, Kind: acc.Kind, Name: acc.Company.Name})
			}
		}
		out.Items = append(out.Items, f)
	}
	return out, nil
}

// keeps reports whether a result passes the search's filters.
func (q search) keeps(e dynamo.FindEntry) bool {
	return (q.kind == "" || e.Kind == q.kind) && (q.status == "" || e.Status == q.status) &&
		(q.stage == nil || e.Kind == account.Customer && e.Stage == *q.stage)
}

// byName filters every match, sorts them by name and cuts the page after the cursor; next is the page's last
// name key when more follow.
func (q search) byName(all []dynamo.FindEntry) (page []dynamo.FindEntry, next string) {
	type placed struct {
		e   dynamo.FindEntry
		key string
	}
	rows := make([]placed, 0, len(all))
	for _, e := range all {
		if q.keeps(e) {
			rows = append(rows, placed{e, table.FindTie(e.Name, e.ID)})
		}
	}
	order := func(a, b string) int {
		if q.desc {
			return strings.Compare(b, a)
		}
		return strings.Compare(a, b)
	}
	slices.SortFunc(rows, func(a, b placed) int { return order(a.key, b.key) })
	start := 0
	if q.after != nil {
		start = sort.Search(len(rows), func(i int) bool { return order(rows[i].key, q.after.Key) > 0 })
	}
	end := min(start+q.limit, len(rows))
	for _, r := range rows[start:end] {
		page = append(page, r.e)
	}
	if end < len(rows) {
		next = rows[end-1].key
	}
	return page, next
}

// seenPath lists the ids on a result's path that the caller sees: from the caller's own account down to the
// result's parent.
func seenPath(a actor.Actor, e dynamo.FindEntry) []string {
	i := slices.Index(e.Ancestors, a.AccountID)
	if i < 0 {
		return nil
	}
	return e.Ancestors[i:]
}

// pathAccounts reads the accounts on the results' paths that are not known already (the searched account and
// the accounts above it that the caller sees come with the authorisation), in one batch.
func (s *Service) pathAccounts(ctx context.Context, a actor.Actor, root account.Account, found []dynamo.FindEntry) (map[string]account.Account, error) {
	known := map[string]account.Account{root.ID: root}
	var ids []string
	for _, e := range found {
		for _, id := range seenPath(a, e) {
			if _, ok := known[id]; !ok && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	read, err := s.store.AccountsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, acc := range read {
		known[id] = acc
	}
	return known, nil
}

// check checks every parameter and names every bad one in one answer.
func (in SearchRequest) check() (search, error) {
	v := &fault.ValidationError{}
	q := search{sort: SortMatch}
	text := strings.TrimSpace(in.Q)
	switch {
	case text == "":
		v.Add("q", codeRequired, "Type what to search for: a name, part of one, or a Partner ID.")
	case utf8.RuneCountInString(text) > maxSearch:
		v.Add("q", codeTooLong, fmt.Sprintf("Search for at most %d characters.", maxSearch))
	case strings.ContainsFunc(text, unicode.IsControl):
		v.Add("q", codeInvalid, "Remove line breaks and other control characters.")
	default:
		var ok bool
		if q.find, ok = table.ParseFind(text); !ok {
			v.Add("q", codeInvalid, "Type at least one letter or digit.")
		}
	}
	switch k := account.Kind(strings.TrimSpace(in.Kind)); {
	case k == "":
	case k.Valid():
		q.kind = k
	default:
		v.Add("kind", codeInvalid, "Use provider, msp, partner or customer.")
	}
	switch st := account.Status(strings.TrimSpace(in.Status)); st {
	case "":
	case account.Pending, account.Active, account.Disabled:
		q.status = st
	default:
		v.Add("status", codeInvalid, "Use pending, active or disabled.")
	}
	switch st := strings.TrimSpace(in.Stage); st {
	case "":
	case string(account.Prospect), account.StageCustomer:
		stage, _ := account.ParseStage(st)
		q.stage = &stage
	default:
		v.Add("stage", codeInvalid, "Use prospect or customer.")
	}
	switch so := strings.TrimSpace(in.Sort); so {
	case "", SortMatch:
	case SortName:
		q.sort = SortName
	default:
		v.Add("sort", codeInvalid, "Sort by match or name.")
	}
	switch o := strings.TrimSpace(in.Order); o {
	case "", "asc":
	case "desc":
		q.desc = true
	default:
		v.Add("order", codeInvalid, "Use asc or desc.")
	}
	q.limit = pageLimit(v, strings.TrimSpace(in.Limit))
	if in.Cursor != "" && len(v.Fields) == 0 {
		var c searchCursor
		if !pagecursor.Decode(in.Cursor, &c) || c.Sort != q.sort || c.Desc != q.desc || c.Search != q.fingerprint() || !q.holds(c.Key) {
			badCursor(v)
		} else {
			q.after = &c
		}
	}
	return q, v.Err()
}

// holds reports whether a cursor's position can be one of this search's: a sort key of its range (match order),
// or a name key "<name>#<account id>" (name order).
func (q search) holds(key string) bool {
	if q.sort == SortMatch {
		return q.find.InRange(key)
	}
	i := strings.LastIndexByte(key, '#')
	return i >= 0 && secret.WellFormedID(key[i+1:])
}

// fingerprint names the search and its filters, so a cursor is only ever used on the list it came from.
func (q search) fingerprint() string {
	stage := ""
	if q.stage != nil {
		stage = q.stage.String()
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{q.find.Text, string(q.kind), string(q.status), stage}, "\x00")))
	return hex.EncodeToString(sum[:6])
}
