package member

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Row is one user of an account's user list.
type Row struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	Email          string         `json:"email"`
	Status         string         `json:"status"` // registered, unregistered or disabled
	Roles          []role.Name    `json:"roles"`  // in the listed account
	LastLoginAt    *time.Time     `json:"lastLoginAt"`
	LastLoginError *string        `json:"lastLoginError"`
	TwoFactor      user.TwoFactor `json:"twoFactor"`
	// EmailStatus is set when the address bounced or its owner complained (the list shows only what needs an
	// administrator's attention; the status check shows deliveries too), from the user item the page reads anyway.
	EmailStatus *EmailStatus `json:"emailStatus"`
}

// UserList is the answer of GET /v1/accounts/{id}/users: one page of rows, and the cursor of the next page
// (null on the last).
type UserList struct {
	Users []Row   `json:"users"`
	Next  *string `json:"next"`
}

// List lists one page of an account's users. The caller needs role.UsersView, acting in the account or above
// it; any other account is not found. In any order, filtered by status, A–Z letter or role, it reads the page
// from the list's index that holds it (one Query of the page's rows, see package table); a search reads the
// search index (searchPage: a page of it in match order, every match when filtered or sorted). Either way the
// page's users are read in one batch, for what rows show that memberships do not copy.
func (s *Service) List(ctx context.Context, a actor.Actor, accountID string, in ListQuery) (UserList, error) {
	if err := need(a, role.UsersView); err != nil {
		return UserList{}, err
	}
	q, err := in.check()
	if err != nil {
		return UserList{}, err
	}
	acc, err := s.account(ctx, a, accountID)
	if err != nil {
		return UserList{}, err
	}
	var (
		page   []dynamo.MemberRow
		more   bool
		resume *position // where the next page starts, when not after the page's last row
	)
	if q.search != "" {
		page, more, resume, err = s.searchPage(ctx, acc.ID, q)
	} else {
		page, more, err = s.store.MembersPage(ctx, q.page(acc.ID))
	}
	if err != nil {
		return UserList{}, err
	}
	users, err := s.store.UsersByID(ctx, userIDs(page))
	if err != nil {
		return UserList{}, err
	}
	out := UserList{Users: make([]Row, 0, len(page))}
	for _, r := range page {
		out.Users = append(out.Users, rowOf(r, users[r.UserID]))
	}
	if more {
		last := resume
		if last == nil {
			p := positionOf(page[len(page)-1], q.sort)
			last = &p
		}
		next := cursor{Sort: q.sort, Desc: q.desc, Key: last.key, Tie: last.tie, Filter: q.fingerprint()}.encode()
		out.Next = &next
	}
	return out, nil
}

// page is the index's page of the query (which has no search) in an account's user list.
func (q query) page(accountID string) dynamo.ListPage {
	p := dynamo.ListPage{
		AccountID: accountID, Order: q.sort, Desc: q.desc,
		Status: q.status, Initial: q.initial, Role: string(q.role), Limit: q.limit,
	}
	if q.after != nil {
		p.After = &dynamo.ListPosition{Value: q.after.Key, NameKey: q.after.Tie}
	}
	return p
}

// apply filters all of an account's rows, sorts them and cuts the page after the cursor. more reports whether
// rows follow the page.
func (q query) apply(all []dynamo.MemberRow) (page []dynamo.MemberRow, more bool) {
	type placed struct {
		row dynamo.MemberRow
		pos position
	}
	rows := make([]placed, 0, len(all))
	for _, r := range all {
		if q.matches(r) {
			rows = append(rows, placed{r, positionOf(r, q.sort)})
		}
	}
	slices.SortFunc(rows, func(a, b placed) int { return q.compare(a.pos, b.pos) })
	start := 0
	if q.after != nil {
		after := position{key: q.after.Key, tie: q.after.Tie}
		start = sort.Search(len(rows), func(i int) bool { return q.compare(rows[i].pos, after) > 0 })
	}
	end := min(start+q.limit, len(rows))
	for _, p := range rows[start:end] {
		page = append(page, p.row)
	}
	return page, end < len(rows)
}

func userIDs(rows []dynamo.MemberRow) []string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.UserID
	}
	return ids
}

// rowOf is a row of the list: the membership's copies, and what only the user has (u is zero if the user
// could not be read, which leaves those empty rather than failing the page).
func rowOf(r dynamo.MemberRow, u user.User) Row {
	out := Row{
		ID: r.UserID, Name: r.Name, Email: r.Email, Status: r.Status.Registration(),
		Roles: r.Roles, LastLoginAt: timeOrNil(r.LastLoginAt), TwoFactor: u.TwoFactor,
	}
	if out.Roles == nil {
		out.Roles = []role.Name{}
	}
	if u.LastLoginError != "" {
		e := u.LastLoginError
		out.LastLoginError = &e
	}
	if u.Undeliverable() {
		out.EmailStatus = emailStatusOf(u)
	}
	return out
}

// timeOrNil is a time for JSON: null when zero.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
