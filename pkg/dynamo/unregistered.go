package dynamo

// A page of an account's users who have not registered yet, matching the user list's search and filters, in
// name order: what a bulk resend of activation links works through, a page at a time (pkg/onboarding).

import (
	"context"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// MaxUnregisteredMatches is the most users a searched page reads (as the user list's searched and filtered page
// does): past it the search answers ErrTooManyMatches.
const MaxUnregisteredMatches = 2000

// UnregisteredMatch asks for one page of an account's unregistered users that match the user list's filters.
type UnregisteredMatch struct {
	AccountID string
	Find      table.FindQuery // Find.Text is "" for no search
	Initial   string          // "a" to "z", table.InitialOther, or "" for every name
	Role      role.Name       // "" for every role
	// After is the name key of the previous page's last row; "" for the first page.
	After string
	Limit int
}

// UnregisteredPage reads a page of an account's unregistered users matching m, in name order, and whether more
// follow. Without a search it is the user list's own page for the status unregistered (MembersPage: one Query of
// the status's partition, or the role's with a filter); with one, every match (at most MaxUnregisteredMatches,
// SearchMembers) filtered and cut in memory, as the user list does for a filtered search.
func (s Store) UnregisteredPage(ctx context.Context, m UnregisteredMatch) ([]MemberRow, bool, error) {
	if m.Find.Text == "" {
		p := ListPage{AccountID: m.AccountID, Order: table.OrderName, Status: table.ListUnregistered, Initial: m.Initial, Role: string(m.Role), Limit: m.Limit}
		if m.After != "" {
			p.After = &ListPosition{Value: m.After, NameKey: m.After}
		}
		return s.MembersPage(ctx, p)
	}
	found, err := s.SearchMembers(ctx, m.AccountID, m.Find, MaxUnregisteredMatches)
	if err != nil {
		return nil, false, err
	}
	rows := slices.DeleteFunc(found, func(r MemberRow) bool {
		return r.Status.Registration() != table.ListUnregistered ||
			m.Initial != "" && table.NameInitial(r.Name) != m.Initial ||
			m.Role != "" && !slices.Contains(r.Roles, m.Role) ||
			m.After != "" && strings.Compare(r.NameKey, m.After) <= 0
	})
	slices.SortFunc(rows, func(a, b MemberRow) int { return strings.Compare(a.NameKey, b.NameKey) })
	if len(rows) > m.Limit {
		return rows[:m.Limit], true, nil
	}
	return rows, false, nil
}
