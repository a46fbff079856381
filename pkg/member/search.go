package member

// The user list's search, read from the search index (package indexer writes it from the table's stream;
// dynamo.Store reads it): a search alone lists in match order a page at a time; filtered or sorted, it reads
// every match and filters and sorts them in memory.

import (
	"context"
	"errors"
	"fmt"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// MaxSearched is the most users a filtered or sorted search reads; past it the caller is asked to narrow it.
const MaxSearched = 2000

// searchPage reads a page of a searched list. In match order it reads about a page of index entries and the
// page's memberships, whatever the size of the account; otherwise every match (O(matches), at most MaxSearched).
// resume is where the next page starts when the index says (match order: the entry the page ended at); nil when
// the page's last row says.
func (s *Service) searchPage(ctx context.Context, accountID string, q query) (page []dynamo.MemberRow, more bool, resume *position, err error) {
	if q.sort == SortMatch {
		after := ""
		if q.after != nil {
			after = q.after.Key
		}
		rows, next, err := s.store.SearchMembersPage(ctx, accountID, q.find, after, q.limit)
		if err != nil || next == "" {
			return rows, false, nil, err
		}
		return rows, true, &position{key: next, tie: table.FindTieOf(next)}, nil
	}
	found, err := s.store.SearchMembers(ctx, accountID, q.find, MaxSearched)
	if errors.Is(err, dynamo.ErrTooManyMatches) {
		return nil, false, nil, fault.Invalid("q", "too_broad",
			fmt.Sprintf("More than %d users match. Type more of the name or address, or search without filters and order.", MaxSearched))
	}
	if err != nil {
		return nil, false, nil, err
	}
	page, more = q.apply(found)
	return page, more, nil, nil
}
