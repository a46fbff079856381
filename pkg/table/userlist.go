package table

// The keys of an account's user list (see the access patterns in layout.go).
//
// A row of the list is a membership, which copies what the row shows. Every order and every single-valued
// filter is a partition of a GSI that the membership item itself sits in, so a page in any order, filtered by
// status or A–Z letter, is one Query of the rows it shows: a GSI's writes do not count toward a transaction's
// 100 items, extra items would. Roles are many-valued: a membership that holds one role (nearly all of them,
// and always a grant's staff) sits in its role's partitions itself; one that holds several is listed under each
// by a small role entry item that copies the row, and sits in no role partition itself.

import (
	"fmt"
	"time"
)

// Orders of the user list.
const (
	OrderName      = "name"
	OrderEmail     = "email"
	OrderStatus    = "status"
	OrderLastLogin = "lastLogin"
)

// Row statuses of the user list, in the order the list sorts them.
const (
	ListDisabled     = "disabled"
	ListRegistered   = "registered"
	ListUnregistered = "unregistered"
)

// ListStatuses are the statuses a row has, in ascending list order.
var ListStatuses = []string{ListDisabled, ListRegistered, ListUnregistered}

// InitialOther is the A–Z letter of names that do not start with a letter A to Z.
const InitialOther = "#"

// ListFacet is what one partition of a list index holds.
type ListFacet int

// Facets of the user list.
const (
	// FacetAll is every user of the account.
	FacetAll ListFacet = iota
	// FacetStatus is the users of one status (registered, unregistered, disabled).
	FacetStatus
	// FacetInitial is the users whose name files under one A–Z letter (or #).
	FacetInitial
	// FacetRole is the users holding one role.
	FacetRole
)

// ListIndex is a GSI of the user list: the partitions of one facet, each sorted in one order.
type ListIndex struct {
	Index
	Facet ListFacet
	Order string
}

// gsi is the generic GSI number n: gsi<n>, keyed by gsi<n>pk and gsi<n>sk.
func gsi(n int) Index {
	return Index{Name: fmt.Sprintf("gsi%d", n), PartitionKey: fmt.Sprintf("gsi%dpk", n), SortKey: fmt.Sprintf("gsi%dsk", n)}
}

// ListIndexes are the user list's indexes. gsi1 is shared with the other lists of the table (children,
// sessions, grants); the others hold only the user list. Two (facet, order) pairs have no index of their own:
// the whole list in status order is the three status partitions of gsi5 one after the other (each is in name
// order), and a letter in name order is a key condition on gsi1 (a prefix of the name key; "#" is the two ranges
// below "a" and above "z"). That keeps the table at 15 GSIs.
var ListIndexes = []ListIndex{
	{Index{GSI1, AttrGSI1PK, AttrGSI1SK}, FacetAll, OrderName},
	{gsi(3), FacetAll, OrderEmail},
	{gsi(4), FacetAll, OrderLastLogin},
	{gsi(5), FacetStatus, OrderName},
	{gsi(6), FacetStatus, OrderEmail},
	{gsi(7), FacetStatus, OrderLastLogin},
	{gsi(8), FacetInitial, OrderEmail},
	{gsi(9), FacetInitial, OrderStatus},
	{gsi(10), FacetInitial, OrderLastLogin},
	{gsi(11), FacetRole, OrderName},
	{gsi(12), FacetRole, OrderEmail},
	{gsi(13), FacetRole, OrderStatus},
	{gsi(14), FacetRole, OrderLastLogin},
}

// listIndexesOnly are the indexes of ListIndexes that the table adds for the user list (gsi1 is there anyway).
func listIndexesOnly() []Index {
	var out []Index
	for _, ix := range ListIndexes[1:] {
		out = append(out, ix.Index)
	}
	return out
}

// ListIndexFor is the index that holds facet's partitions in order; ok is false for the two pairs that have
// none (see ListIndexes). A status's partition in status order is the same partition in name order: every row
// in it has that status, so name order breaks the tie.
func ListIndexFor(facet ListFacet, order string) (ListIndex, bool) {
	if facet == FacetStatus && order == OrderStatus {
		order = OrderName
	}
	for _, ix := range ListIndexes {
		if ix.Facet == facet && ix.Order == order {
			return ix, true
		}
	}
	return ListIndex{}, false
}

// ListPartition is the partition of an account's user list that holds facet's users of value (a status, a
// letter, a role; nothing for FacetAll). MEMBERS#<id> is gsi1's partition of every member, MembersPartition.
func ListPartition(accountID string, facet ListFacet, value string) string {
	switch facet {
	case FacetStatus:
		return prefixMembers + accountID + "#status#" + value
	case FacetInitial:
		return prefixMembers + accountID + "#initial#" + value
	case FacetRole:
		return prefixMembers + accountID + "#role#" + value
	}
	return prefixMembers + accountID
}

// ListRow is what places a row in its account's user list: the copies a membership keeps of its user.
type ListRow struct {
	AccountID, UserID string
	Name, Email       string
	// Status is the row's status as the list names it (ListRegistered, ...).
	Status      string
	LastLoginAt time.Time
}

// NameKey is the row's place in name order, which every other order falls back on for rows that tie: the
// collated name and the user id (MembersGSI1's sort key).
func (r ListRow) NameKey() string { return MembersGSI1(r.AccountID, r.Name, r.UserID).SK }

// Initial is the A–Z letter the row files under.
func (r ListRow) Initial() string { return NameInitial(r.Name) }

// Value is the row's sort value in an order: the name key, the folded email, the status, or the last sign-in
// as a Timestamp ("" if never, which sorts first, as the oldest).
func (r ListRow) Value(order string) string {
	switch order {
	case OrderEmail:
		return Fold(r.Email)
	case OrderStatus:
		return r.Status
	case OrderLastLogin:
		if r.LastLoginAt.IsZero() {
			return ""
		}
		return Timestamp(r.LastLoginAt)
	}
	return r.NameKey()
}

// SortKey is the row's sort key in an order's indexes.
func (r ListRow) SortKey(order string) string { return ListSortKey(order, r.Value(order), r.NameKey()) }

// Key is the row's key in a list index, in facet's partition of value (its status, initial or a role).
func (r ListRow) Key(ix ListIndex, value string) Key {
	return Key{ListPartition(r.AccountID, ix.Facet, value), r.SortKey(ix.Order)}
}

// ListSortKey is the sort key of a row whose sort value in order is value and whose name key is nameKey: the
// name key alone in name order, else "<value>#<name key>". Sort keys then compare as (value, name key) pairs do,
// which is the list's order: no value is a proper prefix of another followed by a character below "#" (emails
// continue with domain characters, statuses are distinct words, timestamps have one width, and "" sorts first),
// and the name key ends with the user id, so every row has one place and a page can start right after any of them.
func ListSortKey(order, value, nameKey string) string {
	if order == OrderName {
		return nameKey
	}
	return value + "#" + nameKey
}

// NameInitial is the A–Z letter a name files under: its first letter without accents (Collate), or
// InitialOther.
func NameInitial(name string) string {
	if c := Collate(name); c != "" && c[0] >= 'a' && c[0] <= 'z' {
		return c[:1]
	}
	return InitialOther
}

// InitialOtherBelow and InitialOtherFrom bound the name keys that file under InitialOther: every collated name
// key below "a" or from "{" (the character after "z") on. Collate folds to lower case, so no name key starts
// with "A" to "Z".
const (
	InitialOtherBelow = "a"
	InitialOtherFrom  = "{"
)

// TypeMemberRole is the record type of a role entry.
const TypeMemberRole = "member-role"

// prefixList starts the sort keys of role entries in their user's partition.
const prefixList = "LIST#"

// MemberRoleKey is the key of a role entry: it lists a membership that holds several roles under one of them.
func MemberRoleKey(userID, accountID, role string) Key {
	return Key{prefixUser + userID, prefixList + accountID + "#role#" + role}
}
