// Package partneraccess is the partner access grant as a domain value: a customer's designated support partner,
// its states and the rules that move it, its staff, and what the expiry sweep does next. It is pure: time comes
// in as a parameter and nothing here reads or writes the table. Package grant is the use case that applies these
// rules to the table (through package dynamo); authentication asks StaffAccess on every request of a session that
// acts through a grant.
//
// States: invited → active (accepted) | declined | expired (not answered within InvitationTTL, or its end date
// came first); active → revoked | expired (end date). Ended grants are final: access needs a new invitation.
package partneraccess

import (
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// Status of a grant.
type Status string

// Statuses. Invited and Active are live; the others are final.
const (
	Invited  Status = "invited"
	Active   Status = "active"
	Declined Status = "declined"
	Expired  Status = "expired"
	Revoked  Status = "revoked"
)

// Live reports whether a grant in s is pending or active: not ended.
func (s Status) Live() bool { return s == Invited || s == Active }

// Event is something that happens to a grant.
type Event string

// Events.
const (
	Accept  Event = "accept"  // the partner accepts the invitation
	Decline Event = "decline" // the partner declines it
	Revoke  Event = "revoke"  // the customer revokes (or withdraws the invitation), or the partner ends access
	Expire  Event = "expire"  // the invitation was not answered in time, or the end date came
)

// Problems of state.
var (
	errEnded = fault.New(fault.ErrConflict, "grant-ended",
		"This partner access has ended; a new invitation is needed to give access again.")
	errNotPending = fault.New(fault.ErrConflict, "grant-not-pending", "This invitation has already been accepted.")
	// ErrNotActive refuses what needs an active grant of one that is still pending.
	ErrNotActive = fault.New(fault.ErrConflict, "grant-not-active",
		"The partner has not accepted this invitation yet; the partner declines it, the customer withdraws it.")
	errInvitationLapsed = fault.New(fault.ErrExpired, "invitation-expired",
		"This invitation has expired; the customer can send a new one.")
	errUnknownEvent = fault.New(fault.ErrConflict, "grant-changed", "This change does not apply to partner access.")
)

// Next is the state machine: the status a grant in from moves to on e, or the problem that refuses it.
func Next(from Status, e Event) (Status, error) {
	if !from.Live() {
		return "", errEnded
	}
	switch e {
	case Accept:
		if from != Invited {
			return "", errNotPending
		}
		return Active, nil
	case Decline:
		if from != Invited {
			return "", errNotPending
		}
		return Declined, nil
	case Revoke:
		return Revoked, nil
	case Expire:
		return Expired, nil
	}
	return "", errUnknownEvent
}

// Durations of a grant.
const (
	// InvitationTTL is how long a partner has to answer an invitation.
	InvitationTTL = 14 * 24 * time.Hour
	// Recent is how long an ended grant stays in its lists (and in the table; the audit log keeps it for good).
	Recent = 30 * 24 * time.Hour
)

// Reminders of an end date, before it (and MonthReminder, in term.go, before these).
const (
	FirstReminder  = 7 * 24 * time.Hour
	SecondReminder = 24 * time.Hour
)

// Why a grant ended.
const (
	ReasonDeclined       = "declined"
	ReasonRevoked        = "revoked-by-customer"
	ReasonWithdrawn      = "invitation-withdrawn"
	ReasonEndedByPartner = "ended-by-partner"
	ReasonNotAnswered    = "invitation-expired"
	ReasonEndDate        = "end-date"
)

// How a customer invited its partner.
const (
	ViaPartnerID = "partner-id"
	ViaShareLink = "share-link"
)

// Party is one side of a grant.
type Party struct {
	ID   string
	Name string
}

// Staff is a partner's user assigned to act in the customer.
type Staff struct {
	UserID, Name, Email string
	// Roles narrows what this member acts with to some of the grant's roles; empty means all of them.
	Roles []role.Name
}

// Grant is one customer's access grant to one partner.
type Grant struct {
	ID       string
	Customer Party
	Partner  Party
	// PartnerID is the partner's Partner ID as shown, when it has one.
	PartnerID string
	Status    Status
	Via       string // partner-id or share-link

	InvitedAt     time.Time
	InvitedBy     string
	InvitedByName string
	// ExpiresAt is the invitation's answer deadline.
	ExpiresAt time.Time
	// EndsAt is the end date: set at invitation for an exact date, at acceptance for a Term; zero for a grant
	// made before every grant was time-bound, or while a Term has not started.
	EndsAt time.Time
	// Term is how long the grant runs from its acceptance (see term.go); zero when an exact EndsAt was given.
	Term time.Duration
	// AutoExtend extends the grant by Extension at its end date instead of ending it.
	AutoExtend bool

	AcceptedAt time.Time
	AcceptedBy string
	EndedAt    time.Time
	EndedBy    string // the user who ended it; empty for the sweep
	EndReason  string

	Staff []Staff
	// Groups are the partner's staff groups assigned to the grant (group.go).
	Groups         []AssignedGroup
	StaffChangedAt time.Time

	// Roles are what the customer granted (role.Delegable); empty for a grant made before roles, which is
	// DefaultRoles (see Approved).
	Roles          []role.Name
	RolesChangedAt time.Time
	// RoleRequest is the partner's pending request for other roles, if any.
	RoleRequest RoleRequest

	// Due is what the sweep does next, at Due.At; zero when nothing is due.
	Due Due
	// Version counts the grant's changes; every change below bumps it, and the store writes a change only on the
	// condition that the version is still the one read.
	Version int
}

// Due is the next thing the expiry sweep does to a grant.
type Due struct {
	Event string // DueInvitation, DueMonthReminder, DueFirstReminder, DueSecondReminder, DueEnd or DueExtend
	At    time.Time
}

// What can be due.
const (
	DueInvitation     = "invitation-expiry"
	DueFirstReminder  = "reminder-7d"
	DueSecondReminder = "reminder-1d"
	DueEnd            = "end"
)

// Terms are what a customer grants with an invitation: a Term that starts at acceptance, or an exact EndsAt,
// and whether it extends itself (see term.go).
type Terms struct {
	EndsAt     time.Time     // an exact end date; zero when the grant runs for Term
	Term       time.Duration // the duration from acceptance; zero when EndsAt is given
	AutoExtend bool
	Roles      []role.Name // the roles the customer grants (role.Delegable)
}

// Invitation is a new pending grant of customer to partner, invited at now by a user (byName names them) on the
// terms given: it waits InvitationTTL for the partner's answer.
func Invitation(id string, customer, partner Party, partnerID, via, by, byName string, terms Terms, now time.Time) Grant {
	g := Grant{
		ID: id, Customer: customer, Partner: partner, PartnerID: partnerID, Status: Invited, Via: via,
		InvitedAt: now, InvitedBy: by, InvitedByName: byName, ExpiresAt: now.Add(InvitationTTL), EndsAt: terms.EndsAt,
		Term: terms.Term, AutoExtend: terms.AutoExtend, Roles: terms.Roles, Version: 1,
	}
	return g.Rescheduled(now)
}

// InvitationLapsed reports whether a pending invitation can no longer be accepted at now: its answer deadline
// or its end date has come. Every read checks it; the sweep only records it.
func (g Grant) InvitationLapsed(now time.Time) bool {
	return !now.Before(g.ExpiresAt) || g.PastEnd(now)
}

// Usable reports whether the grant lets its staff act at now: active, and its end date (if any) not reached —
// whether or not the sweep has ended it yet. An auto-extending grant does not lapse at its end date: it is
// extended then, whether or not the sweep has recorded it yet.
func (g Grant) Usable(now time.Time) bool {
	return g.Status == Active && (g.AutoExtend || !g.PastEnd(now))
}

// PastEnd reports whether g has an end date and it has come at now.
func (g Grant) PastEnd(now time.Time) bool { return !g.EndsAt.IsZero() && !now.Before(g.EndsAt) }

// HasStaff reports whether the user is among the grant's staff.
func (g Grant) HasStaff(userID string) bool {
	return slices.ContainsFunc(g.Staff, func(s Staff) bool { return s.UserID == userID })
}

// RetainUntil is when an ended grant leaves the table (Recent after it ended); zero for a live one.
func (g Grant) RetainUntil() time.Time {
	if g.Status.Live() {
		return time.Time{}
	}
	return g.EndedAt.Add(Recent)
}

// NextDue is what the sweep does next to the grant, seen at now, or false if nothing is due: a pending
// invitation expires at its deadline (or its end date, if that comes first); an active grant with an end date
// is extended at it, or gets the reminders whose time is still ahead and then ends (endDue).
func (g Grant) NextDue(now time.Time) (Due, bool) {
	switch {
	case g.Status == Invited:
		at := g.ExpiresAt
		if !g.EndsAt.IsZero() && g.EndsAt.Before(at) {
			at = g.EndsAt
		}
		return Due{DueInvitation, at}, true
	case g.Status != Active || g.EndsAt.IsZero():
		return Due{}, false
	}
	return g.endDue(now), true
}

// Rescheduled is g with its next due event as of now.
func (g Grant) Rescheduled(now time.Time) Grant {
	g.Due, _ = g.NextDue(now)
	return g
}

// Accepted is g accepted by a partner administrator at now.
func (g Grant) Accepted(by string, now time.Time) (Grant, error) {
	next, err := Next(g.Status, Accept)
	if err != nil {
		return g, err
	}
	if g.InvitationLapsed(now) {
		return g, errInvitationLapsed
	}
	g.Status, g.AcceptedAt, g.AcceptedBy = next, now, by
	g = g.started(now)
	g.Version++
	return g.Rescheduled(now), nil
}

// Ended is g moved to its final state by e at now, by a user (empty for the sweep), with the reason. The staff
// list empties: their memberships go in the same transaction.
func (g Grant) Ended(e Event, by, reason string, now time.Time) (Grant, error) {
	next, err := Next(g.Status, e)
	if err != nil {
		return g, err
	}
	g.Status, g.EndedAt, g.EndedBy, g.EndReason = next, now, by, reason
	g.Staff, g.Groups, g.Due, g.RoleRequest = nil, nil, Due{}, RoleRequest{}
	g.Version++
	return g, nil
}

// Reminded is an active g after the sweep sent the reminder due at now: its next due event is the next reminder
// or the end.
func (g Grant) Reminded(now time.Time) Grant {
	g.Version++
	return g.Rescheduled(now)
}

// Unscheduled is g with nothing due: the sweep takes an ended grant it still finds due off its index.
func (g Grant) Unscheduled() Grant {
	g.Due = Due{}
	g.Version++
	return g
}

// WithStaff is g with a new staff list, at now: only an active grant before its end date has staff.
func (g Grant) WithStaff(staff []Staff, now time.Time) (Grant, error) {
	if err := g.staffable(now); err != nil {
		return g, err
	}
	g.Staff, g.StaffChangedAt = staff, now
	g.Version++
	return g, nil
}

// staffable checks that g's staff may change at now: it is active and before its end date.
func (g Grant) staffable(now time.Time) error {
	switch {
	case !g.Status.Live():
		return errEnded
	case g.Usable(now):
		return nil
	case g.Status == Invited:
		return ErrNotActive
	}
	return errEnded // past its end date, not yet swept
}

// DiffStaff lists the users of next that cur lacks (added) and of cur that next lacks (removed).
func DiffStaff(cur, next []Staff) (added, removed []Staff) {
	in := func(list []Staff, id string) bool {
		return slices.ContainsFunc(list, func(s Staff) bool { return s.UserID == id })
	}
	for _, s := range next {
		if !in(cur, s.UserID) {
			added = append(added, s)
		}
	}
	for _, s := range cur {
		if !in(next, s.UserID) {
			removed = append(removed, s)
		}
	}
	return added, removed
}
