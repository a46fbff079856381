package dynamo

// Reads of the search index (find.go): a search is a Query of begins_with(sk, q) in one partition of entries,
// read in key order — match order: the text from where q starts, then the row's name. A row whose texts hold q
// more than once has an entry per occurrence; it is listed at the first of them (FindEntry.First) and its other
// entries are skipped, so it comes once, on one page. Pages continue after the sort key of their last row.

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// ErrTooManyMatches is a search read whole (to filter or sort it in memory) that matches more rows than it may
// read in one request.
var ErrTooManyMatches = fmt.Errorf("search matches too many rows: %w", fault.ErrInvalid)

// FindBudget bounds the entries a page in match order reads: a page filtered so narrowly that it does not fill
// within it ends there, short, with a cursor to go on from.
const FindBudget = 1000

// FindPage is one page of a search.
type FindPage struct {
	// Entries are the rows found, one entry each, in match order.
	Entries []FindEntry
	// Next is the sort key to continue after; "" on the last page.
	Next string
	// Read counts the entries read.
	Read int
}

// findQuery is the Query of a search in a partition of entries.
func (s Store) findQuery(partition string, q table.FindQuery, after string, desc bool) *dynamodb.QueryInput {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("#pk = :p AND begins_with(#sk, :q)"),
		ExpressionAttributeNames: map[string]string{
			"#pk": table.AttrPK, "#sk": table.AttrSK,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(partition), ":q": S(q.Prefix)},
		ScanIndexForward:          aws.Bool(!desc),
	}
	if after != "" {
		in.ExclusiveStartKey = map[string]types.AttributeValue{table.AttrPK: S(partition), table.AttrSK: S(after)}
	}
	return in
}

// findPage reads up to limit rows of a search in match order (descending if desc) after the sort key after ("" for
// the first page), keeping the rows keep accepts (nil: all). It reads a little more than the page it fills, and
// at most FindBudget entries.
func (s Store) findPage(ctx context.Context, partition string, q table.FindQuery, after string, desc bool, limit int, keep func(FindEntry) bool) (FindPage, error) {
	in := s.findQuery(partition, q, after, desc)
	var page FindPage
	seen := map[string]bool{}
	last := ""
	for {
		// Ask for about twice what the page still needs: a row has an entry per occurrence of q.
		in.Limit = aws.Int32(int32(min(FindBudget-page.Read, max(2*(limit+1-len(page.Entries)), 16))))
		out, err := s.DB.Query(ctx, in)
		if err != nil {
			return FindPage{}, Unavailable("search", err)
		}
		for _, item := range out.Items {
			page.Read++
			e, err := findEntryOf(item)
			if err != nil {
				return FindPage{}, err
			}
			last = e.Key.SK
			// seen guards against the moment an index change is half written (a rename's new entries in, the
			// old ones not yet out).
			if !e.First(q) || seen[e.ID] || (keep != nil && !keep(e)) {
				continue
			}
			seen[e.ID] = true
			page.Entries = append(page.Entries, e)
			if len(page.Entries) > limit {
				page.Entries = page.Entries[:limit]
				page.Next = page.Entries[limit-1].Key.SK
				return page, nil
			}
		}
		switch {
		case len(out.LastEvaluatedKey) == 0:
			return page, nil
		case page.Read >= FindBudget:
			page.Next = last
			return page, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// findAll reads every row of a search, in match order, or ErrTooManyMatches when more than most match.
func (s Store) findAll(ctx context.Context, partition string, q table.FindQuery, most int) ([]FindEntry, error) {
	in := s.findQuery(partition, q, "", false)
	var out []FindEntry
	seen := map[string]bool{}
	for {
		res, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, Unavailable("search", err)
		}
		for _, item := range res.Items {
			e, err := findEntryOf(item)
			if err != nil {
				return nil, err
			}
			if !e.First(q) || seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			if out = append(out, e); len(out) > most {
				return nil, ErrTooManyMatches
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// SearchMembersPage reads one page of an account's users whose name or email address holds q, in match order,
// after the sort key after ("" for the first page); next is "" on the last page. It reads about the page's
// entries (FindBudget at most) and, in one batch, the page's memberships, strongly consistent: a member removed
// is gone at once, and one renamed away from q is left out, even before the index catches up. Such a page may
// come out short of limit rows, with a next page all the same.
func (s Store) SearchMembersPage(ctx context.Context, accountID string, q table.FindQuery, after string, limit int) (rows []MemberRow, next string, err error) {
	page, err := s.findPage(ctx, table.FindUsersPartition(accountID), q, after, false, limit, nil)
	if err != nil {
		return nil, "", err
	}
	rows, err = s.membersFound(ctx, accountID, q, page.Entries)
	return rows, page.Next, err
}

// SearchMembers reads every user of an account whose name or email address holds q, for a search that is
// filtered or sorted in memory: O(matches), ErrTooManyMatches past most.
func (s Store) SearchMembers(ctx context.Context, accountID string, q table.FindQuery, most int) ([]MemberRow, error) {
	found, err := s.findAll(ctx, table.FindUsersPartition(accountID), q, most)
	if err != nil {
		return nil, err
	}
	return s.membersFound(ctx, accountID, q, found)
}

// membersFound reads the memberships of the users found, in the order found, leaving out those that are gone
// or no longer match.
func (s Store) membersFound(ctx context.Context, accountID string, q table.FindQuery, found []FindEntry) ([]MemberRow, error) {
	if len(found) == 0 {
		return nil, nil
	}
	db, ok := s.DB.(BatchGetter)
	if !ok {
		return nil, errors.New("search members: the store's client cannot read in batches")
	}
	keys := make([]table.Key, len(found))
	for i, e := range found {
		keys[i] = table.MembershipKey(e.ID, accountID)
	}
	byUser := make(map[string]MemberRow, len(found))
	err := batchGet(ctx, db, s.Table, keys, true, func(item map[string]types.AttributeValue) error {
		var r MemberRow
		if err := attributevalue.UnmarshalMap(item, &r); err != nil {
			return fmt.Errorf("decode member: %w", err)
		}
		byUser[r.UserID] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows := make([]MemberRow, 0, len(found))
	for _, e := range found {
		if r, ok := byUser[e.ID]; ok && (q.Has(r.Name) || q.Has(r.Email)) {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// SearchAccountsPage reads one page of the accounts of rootID's subtree (itself included) whose name holds q or
// whose Partner ID starts with it, in match order (descending if desc), after the sort key after ("" for the first
// page), keeping those keep accepts (nil: all). The entries carry what a result shows; they follow an account's
// changes by the stream's delay.
func (s Store) SearchAccountsPage(ctx context.Context, rootID string, q table.FindQuery, after string, desc bool, limit int, keep func(FindEntry) bool) (FindPage, error) {
	return s.findPage(ctx, table.FindAccountsPartition(rootID), q, after, desc, limit, keep)
}

// SearchAccounts reads every account of rootID's subtree that a search finds, for a search that is sorted in
// memory: O(matches), ErrTooManyMatches past most.
func (s Store) SearchAccounts(ctx context.Context, rootID string, q table.FindQuery, most int) ([]FindEntry, error) {
	return s.findAll(ctx, table.FindAccountsPartition(rootID), q, most)
}

// AccountsByID reads accounts by id in batches of 100, eventually consistent (the names on a page of search
// results' paths). Accounts that do not exist are missing from the answer. The store's client must also be a
// BatchGetter, as the DynamoDB client is.
func (s Store) AccountsByID(ctx context.Context, ids []string) (map[string]account.Account, error) {
	out := make(map[string]account.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	db, ok := s.DB.(BatchGetter)
	if !ok {
		return nil, errors.New("accounts by id: the store's client cannot read in batches")
	}
	keys := make([]table.Key, len(ids))
	for i, id := range ids {
		keys[i] = table.AccountKey(id)
	}
	err := batchGet(ctx, db, s.Table, keys, false, func(item map[string]types.AttributeValue) error {
		var a account.Account
		if err := attributevalue.UnmarshalMap(item, &a); err != nil {
			return fmt.Errorf("decode account: %w", err)
		}
		out[a.ID] = a
		return nil
	})
	return out, err
}
