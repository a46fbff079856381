package dynamo

// A page of an account's user list in any order, filtered by status, A–Z letter and role: one Query of the rows
// it shows, on the index that holds the filter's partition in that order (table.ListIndexes).

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// ListPage asks for one page of an account's user list.
type ListPage struct {
	AccountID string
	Order     string // table.OrderName, OrderEmail, OrderStatus or OrderLastLogin
	Desc      bool
	Status    string // table.ListRegistered, ListUnregistered, ListDisabled, or "" for every status
	Initial   string // "a" to "z", table.InitialOther, or "" for every name
	Role      string // a role's name, or "" for every role
	// After is where the previous page ended: the last row's sort value in Order and its name key; nil for the
	// first page.
	After *ListPosition
	Limit int
}

// ListPosition is a row's place in an order of the user list: its sort value (table.ListRow.Value) and its
// name key, which breaks ties.
type ListPosition struct {
	Value, NameKey string
}

// filteredReadAhead is how many items a Query with a FilterExpression evaluates at least: a second filter
// (status with a role, say) keeps only some of what it reads, and a page should rarely need a second round trip.
const filteredReadAhead = 100

// listSegment is one Query of a page: an index's partition, possibly narrowed by a condition on its sort key.
type listSegment struct {
	ix        table.ListIndex
	partition string
	// cond is a condition on the sort key beside the partition's ("begins_with(#sk, :b)", "#sk < :b", ...),
	// bound its value; both empty for the whole partition.
	cond, bound string
	// group names the segment among a page's segments, for a cursor to find the one it stopped in.
	group string
}

// plan is how a page is read: its segments in reading order, and what a FilterExpression keeps of them (attribute
// → value).
//
// The page reads the partition of one facet: the role if there is one (a membership's role partitions hold it
// whatever its other facets), else the letter outside name order, else the status, else everyone. What is asked
// besides is a FilterExpression on the items' listStatus and listInitial — except a letter in name order, which
// is a condition on the name key in any partition. The whole list in status order reads the three status
// partitions in turn, and "#" in name order the two ranges of name keys outside a–z.
func (p ListPage) plan() (segs []listSegment, filter map[string]string) {
	facet, value := table.FacetAll, ""
	switch {
	case p.Role != "":
		facet, value = table.FacetRole, p.Role
	case p.Initial != "" && p.Order != table.OrderName:
		facet, value = table.FacetInitial, p.Initial
	case p.Status != "":
		facet, value = table.FacetStatus, p.Status
	}
	filter = map[string]string{}
	if p.Status != "" && facet != table.FacetStatus {
		filter[attrListStatus] = p.Status
	}
	if p.Initial != "" && facet != table.FacetInitial && p.Order != table.OrderName {
		filter[attrListInitial] = p.Initial
	}

	if ix, ok := table.ListIndexFor(facet, p.Order); ok {
		segs = []listSegment{{ix: ix, partition: table.ListPartition(p.AccountID, facet, value)}}
	} else { // everyone in status order: each status's partition in name order, statuses in list order
		ix, _ := table.ListIndexFor(table.FacetStatus, table.OrderName)
		for _, st := range inOrder(table.ListStatuses, p.Desc) {
			segs = append(segs, listSegment{ix: ix, partition: table.ListPartition(p.AccountID, table.FacetStatus, st), group: st})
		}
	}
	if p.Order == table.OrderName && p.Initial != "" {
		segs = byInitial(segs, p.Initial, p.Desc)
	}
	return segs, filter
}

// byInitial narrows name-order segments to the names that file under initial: a prefix of the name key for a
// letter; for "#", the keys below "a" and those from "{" on, two segments each.
func byInitial(segs []listSegment, initial string, desc bool) []listSegment {
	var out []listSegment
	for _, s := range segs {
		if initial != table.InitialOther {
			s.cond, s.bound = "begins_with(#sk, :b)", initial
			out = append(out, s)
			continue
		}
		below, above := s, s
		below.cond, below.bound, below.group = "#sk < :b", table.InitialOtherBelow, s.group+"<a"
		above.cond, above.bound, above.group = "#sk >= :b", table.InitialOtherFrom, s.group+">z"
		out = append(out, inOrder([]listSegment{below, above}, desc)...)
	}
	return out
}

// inOrder is xs, reversed for a descending page.
func inOrder[T any](xs []T, desc bool) []T {
	xs = slices.Clone(xs)
	if desc {
		slices.Reverse(xs)
	}
	return xs
}

// groupOf names the segment a position is in, among segments made as plan makes them.
func (p ListPage) groupOf(at ListPosition) string {
	group := ""
	if p.Order == table.OrderStatus && p.Role == "" && p.Initial == "" && p.Status == "" {
		group = at.Value
	}
	if p.Order == table.OrderName && p.Initial == table.InitialOther {
		if at.NameKey < table.InitialOtherBelow {
			group += "<a"
		} else {
			group += ">z"
		}
	}
	return group
}

// MembersPage reads one page of an account's user list, up to p.Limit rows after p.After, and reports whether
// more follow. It reads one row more than it shows to know that: one Query of p.Limit+1 items on one index (a
// few when the page spans partitions; more items when a second filter drops some), whatever the account's size.
func (s Store) MembersPage(ctx context.Context, p ListPage) (rows []MemberRow, more bool, err error) {
	if p.After != nil && !strings.Contains(p.After.NameKey, "#") {
		return nil, false, fmt.Errorf("members page: bad position %q", p.After.NameKey)
	}
	segs, filter := p.plan()
	afterKey := ""
	if p.After != nil {
		afterKey = table.ListSortKey(p.Order, p.After.Value, p.After.NameKey)
		at := p.groupOf(*p.After)
		i := slices.IndexFunc(segs, func(s listSegment) bool { return s.group == at })
		if i < 0 { // a position no segment holds: nothing follows it
			return nil, false, nil
		}
		segs = segs[i:]
	}
	for i, seg := range segs {
		in := s.segmentQuery(p, seg, filter)
		if i == 0 && p.After != nil {
			in.ExclusiveStartKey = startAfter(p, seg)
		}
		for {
			need := p.Limit + 1 - len(rows)
			if len(filter) > 0 {
				need = max(need, filteredReadAhead)
			}
			in.Limit = aws.Int32(int32(need))
			out, err := s.DB.Query(ctx, in)
			if err != nil {
				return nil, false, Unavailable("query members", err)
			}
			got, err := decodeRows(out.Items)
			if err != nil {
				return nil, false, err
			}
			for _, r := range got {
				if p.After == nil || p.beyond(r, afterKey) {
					rows = append(rows, r)
				}
			}
			if len(rows) > p.Limit {
				return rows[:p.Limit], true, nil
			}
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
	return rows, false, nil
}

// beyond reports whether a row comes after the position whose sort key in the page's order is afterKey. The
// Query starts there already; this drops the one item it may hand back at the position itself (a role entry,
// whose key the start key does not name).
func (p ListPage) beyond(r MemberRow, afterKey string) bool {
	c := strings.Compare(r.listRow().SortKey(p.Order), afterKey)
	return c > 0 && !p.Desc || c < 0 && p.Desc
}

// segmentQuery is the Query of one segment, projected to a MemberRow.
func (s Store) segmentQuery(p ListPage, seg listSegment, filter map[string]string) *dynamodb.QueryInput {
	proj, names := projection(memberRowAttrs)
	names["#pk"] = seg.ix.PartitionKey
	values := map[string]types.AttributeValue{":p": S(seg.partition)}
	cond := "#pk = :p"
	if seg.cond != "" {
		names["#sk"] = seg.ix.SortKey
		values[":b"] = S(seg.bound)
		cond += " AND " + seg.cond
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		IndexName:                 aws.String(seg.ix.Name),
		KeyConditionExpression:    aws.String(cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ProjectionExpression:      aws.String(proj),
		ScanIndexForward:          aws.Bool(!p.Desc),
	}
	var terms []string
	for i, attr := range slices.Sorted(maps.Keys(filter)) {
		n, v := "#f"+strconv.Itoa(i), ":f"+strconv.Itoa(i)
		names[n], values[v] = attr, S(filter[attr])
		terms = append(terms, n+" = "+v)
	}
	if len(terms) > 0 {
		in.FilterExpression = aws.String(strings.Join(terms, " AND "))
	}
	return in
}

// startAfter is the start key of a segment's Query that continues after p.After: the index's key of that
// position, and a table key in its user's partition. The index key alone places it: one user has one item in a
// partition, so no other item has that index key. In a role's partition that item may be the membership or a
// role entry, and the start key cannot tell which, so it names a table key at or after both (the membership's)
// reading forward, at or before both (the bare prefix of role entries) reading backward: where the index orders
// one index key's items by their table key, that item does not come again, and where it does, beyond drops it.
func startAfter(p ListPage, seg listSegment) map[string]types.AttributeValue {
	userID := p.After.NameKey[strings.LastIndexByte(p.After.NameKey, '#')+1:]
	k := table.MembershipKey(userID, p.AccountID)
	if p.Desc {
		k = table.MemberRoleKey(userID, p.AccountID, "")
	}
	return map[string]types.AttributeValue{
		seg.ix.PartitionKey: S(seg.partition),
		seg.ix.SortKey:      S(table.ListSortKey(seg.ix.Order, p.After.Value, p.After.NameKey)),
		table.AttrPK:        S(k.PK), table.AttrSK: S(k.SK),
	}
}
