package tree

import (
	"context"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// What the attention summary reads, each a bounded read of an index that holds it (see Attention).
const (
	// AttentionShown is how many items a section lists at most; its total counts what was read.
	AttentionShown = 5
	// attentionUsersRead is how many unregistered users the summary reads (one Query of their status partition),
	// and how many marks of dead addresses (one Query of the account's marks, which name registered users too);
	// then one BatchGetItem of those users.
	attentionUsersRead = 25
	// attentionGrantsRead is how many of the account's grants it reads (one Query of its list, where pending
	// invitations come first, then the active grants).
	attentionGrantsRead = 50
	// EndingSoon is how far ahead a grant's end counts as soon.
	EndingSoon = 7 * 24 * time.Hour
)

// Attention is the answer of GET /v1/accounts/{id}/attention: what needs the attention of the caller's current
// account, for its home page. A section the caller may not see (their roles do not allow it) is null; a section
// with nothing in it is empty. Each lists at most AttentionShown items; Total counts the items found among what
// was read and More says that more may exist beyond that read (the page that acts on them shows them all).
type Attention struct {
	AccountID string       `json:"accountId"`
	Kind      account.Kind `json:"kind"`
	// Counts are the account's subtree counts (role.AccountsView).
	Counts *account.Counts `json:"counts"`
	// Activations are users invited and not registered yet, in name order (role.UsersView).
	Activations *AttentionUsers `json:"activations"`
	// Undeliverable are users whose email did not reach them: unregistered ones (among those read) whose address
	// bounced or complained or whose last activation email could not be sent, and registered ones whose address
	// bounced or complained, whom the email service's reports mark in their home account.
	Undeliverable *AttentionUsers `json:"undeliverable"`
	// Answers are partner access invitations waiting for this account's answer (a partner's or MSP's side), and
	// EndingSoon the active grants that end within EndingSoon (role.PartnerAccessManage or role.AccountsView);
	// both null for the provider, which neither grants nor receives partner access.
	Answers    *AttentionGrants `json:"answers"`
	EndingSoon *AttentionGrants `json:"endingSoon"`
	// Audit is the account's most recent audit events (role.AuditView).
	Audit *AttentionAudit `json:"audit"`
}

// AttentionUsers is a section of users.
type AttentionUsers struct {
	Items []AttentionUser `json:"items"`
	Total int             `json:"total"`
	More  bool            `json:"more"`
	// Expired counts the pending users read whose activation link no longer works (activations only).
	Expired int `json:"expired"`
}

// AttentionUser is one user who needs attention.
type AttentionUser struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	// LinkExpired says the latest activation link has expired: a resend sends a new one.
	LinkExpired bool `json:"linkExpired"`
	// EmailStatus is bounced or complained, when the email service said so, or failed, when the mailer could not
	// send the last activation email; empty otherwise.
	EmailStatus string `json:"emailStatus,omitempty"`
}

// AttentionGrants is a section of partner access grants.
type AttentionGrants struct {
	Items []AttentionGrant `json:"items"`
	Total int              `json:"total"`
	More  bool             `json:"more"`
}

// AttentionGrant is one grant, named by the other side.
type AttentionGrant struct {
	ID string `json:"id"`
	// Other is the name of the grant's other side: the customer for a partner, the partner for a customer.
	Other     string     `json:"other"`
	Status    string     `json:"status"`
	ExpiresAt *time.Time `json:"expiresAt"`
	EndsAt    *time.Time `json:"endsAt"`
}

// AttentionAudit is the most recent audit events.
type AttentionAudit struct {
	Items []audit.Event `json:"items"`
	More  bool          `json:"more"`
}

// Attention gathers what needs the attention of the account the caller acts in. Any other account is not
// found: the summary is of one's own account, as the home page shows it. Each section is read only when the
// caller's roles allow it, and each from the index that lists it, a bounded number of items: the account, one
// page of its unregistered users and their user items, one page of its grants, one page of its audit events.
func (s *Service) Attention(ctx context.Context, a actor.Actor, id string) (Attention, error) {
	if err := reachable(a, id); err != nil {
		return Attention{}, err
	}
	if id != a.AccountID {
		return Attention{}, errNoAccount
	}
	acc, err := s.authorize(ctx, a, id)
	if err != nil {
		return Attention{}, err
	}
	out := Attention{AccountID: acc.ID, Kind: acc.Kind}
	if Decide(a.AccountID, a.Roles, acc, View) == Allowed {
		c := acc.Counts
		out.Counts = &c
	}
	if a.Can(role.UsersView) {
		if out.Activations, out.Undeliverable, err = s.pendingUsers(ctx, acc.ID); err != nil {
			return Attention{}, err
		}
	}
	if (a.Can(role.PartnerAccessManage) || a.Can(role.AccountsView)) && (acc.Kind == account.Customer || partnerid.Has(acc.Kind)) {
		if out.Answers, out.EndingSoon, err = s.grantsNeedingAttention(ctx, acc); err != nil {
			return Attention{}, err
		}
	}
	if Decide(a.AccountID, a.Roles, acc, Audit) == Allowed {
		events, next, err := s.store.AuditPage(ctx, dynamo.AuditQuery{AccountID: acc.ID, Limit: AttentionShown})
		if err != nil {
			return Attention{}, err
		}
		if events == nil {
			events = []audit.Event{}
		}
		out.Audit = &AttentionAudit{Items: events, More: next.Next() != nil}
	}
	return out, nil
}

// pendingUsers reads the first attentionUsersRead unregistered users in name order, the account's first
// attentionUsersRead marks of dead addresses, and those users' items: the pending activations (with the expired
// links), and the users whose address bounced or complained, registered or not. A mark whose user has moved on
// (a new address, a delivery since, gone, disabled, or no longer at home here) is not shown.
func (s *Service) pendingUsers(ctx context.Context, accountID string) (pending, undeliverable *AttentionUsers, err error) {
	rows, more, err := s.store.MembersPage(ctx, dynamo.ListPage{
		AccountID: accountID, Order: table.OrderName, Status: table.ListUnregistered, Limit: attentionUsersRead,
	})
	if err != nil {
		return nil, nil, err
	}
	marked, moreMarked, err := s.store.UndeliverableUsers(ctx, accountID, attentionUsersRead)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, 0, len(rows)+len(marked))
	for _, r := range rows {
		ids = append(ids, r.UserID)
	}
	for _, id := range marked {
		if !slices.Contains(ids, id) { // a batch read refuses a key twice
			ids = append(ids, id)
		}
	}
	users := map[string]user.User{}
	if len(ids) > 0 {
		if users, err = s.store.UsersByID(ctx, ids); err != nil {
			return nil, nil, err
		}
	}
	failed, err := s.failedActivations(ctx, rows, users)
	if err != nil {
		return nil, nil, err
	}
	now := s.clock.Now()
	pending = &AttentionUsers{Items: []AttentionUser{}, Total: len(rows), More: more}
	undeliverable = &AttentionUsers{Items: []AttentionUser{}, More: more || moreMarked}
	dead := func(item AttentionUser) {
		undeliverable.Total++
		if len(undeliverable.Items) < AttentionShown {
			undeliverable.Items = append(undeliverable.Items, item)
		}
	}
	listed := map[string]bool{}
	for _, r := range rows {
		u := users[r.UserID]
		listed[r.UserID] = true
		item := AttentionUser{ID: r.UserID, Name: r.Name, Email: r.Email,
			LinkExpired: !u.ActivationSentAt.IsZero() && now.Sub(u.ActivationSentAt) >= invitation.ActivationTTL}
		switch {
		case u.Undeliverable():
			item.EmailStatus = u.EmailState.State
		case failed[r.UserID]:
			item.EmailStatus = emailFailed
		}
		if item.LinkExpired {
			pending.Expired++
		}
		if len(pending.Items) < AttentionShown {
			pending.Items = append(pending.Items, item)
		}
		if item.EmailStatus != "" {
			dead(item)
		}
	}
	for _, id := range marked {
		u, ok := users[id]
		if listed[id] || !ok || !u.Undeliverable() || u.HomeAccountID != accountID || u.Status == user.Disabled {
			continue
		}
		listed[id] = true
		dead(AttentionUser{ID: u.ID, Name: u.Name, Email: u.Email, EmailStatus: u.EmailState.State})
	}
	return pending, undeliverable, nil
}

// emailFailed is the EmailStatus of a user whose last activation email the mailer could not send.
const emailFailed = "failed"

// failedActivations reads the last activation emails of the unregistered users read (one BatchGetItem) and says
// whose could not be sent.
func (s *Service) failedActivations(ctx context.Context, rows []dynamo.MemberRow, users map[string]user.User) (map[string]bool, error) {
	var ids []string
	for _, r := range rows {
		if id := users[r.UserID].ActivationMessageID; id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	messages, err := s.store.MessagesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	failed := map[string]bool{}
	for _, m := range messages {
		if m.Status == outbox.StatusFailed {
			failed[m.UserID] = true
		}
	}
	return failed, nil
}

// grantsNeedingAttention reads the first attentionGrantsRead grants of the account's list (pending invitations
// first, then the active grants by name): the invitations this account must answer (a partner's side), and the
// active grants that end within EndingSoon (an auto-extending grant does not end).
func (s *Service) grantsNeedingAttention(ctx context.Context, acc account.Account) (answers, ending *AttentionGrants, err error) {
	customer := acc.Kind == account.Customer
	page, next, err := s.store.GrantsPage(ctx, customer, acc.ID, attentionGrantsRead, dynamo.Cursor{})
	if err != nil {
		return nil, nil, err
	}
	more := next.Next() != nil
	answers = &AttentionGrants{Items: []AttentionGrant{}, More: more}
	ending = &AttentionGrants{Items: []AttentionGrant{}, More: more}
	now := s.clock.Now()
	add := func(sec *AttentionGrants, g partneraccess.Grant) {
		sec.Total++
		if len(sec.Items) == AttentionShown {
			return
		}
		other := g.Customer.Name
		if customer {
			other = g.Partner.Name
		}
		sec.Items = append(sec.Items, AttentionGrant{ID: g.ID, Other: other, Status: string(g.Status),
			ExpiresAt: timeOrNil(g.ExpiresAt), EndsAt: timeOrNil(g.EndsAt)})
	}
	for _, g := range page {
		switch {
		case g.Status == partneraccess.Invited && !customer:
			add(answers, g)
		case g.Status == partneraccess.Active && !g.AutoExtend && !g.EndsAt.IsZero() && g.EndsAt.Sub(now) <= EndingSoon:
			add(ending, g)
		}
	}
	return answers, ending, nil
}

// timeOrNil is a time for JSON: null when zero.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
