// Package grant is partner access: a customer's designated support partners. A customer administrator invites
// an MSP or partner by its Partner ID, or by opening a share link the partner sent; the partner's administrators
// accept or decline; once the grant is active they choose which of their staff act in the customer, with the roles
// the customer granted (role.Delegable: by default its administrator except for managing its support partners,
// role.SupportStaff; see roles.go for a change of roles); the customer revokes at any time, the partner may end
// it too. Every new grant is time-bound (1 day to 2 years from acceptance, or an exact end date): at its end
// date it extends itself by 180 days, unless the customer turned auto-extend off, and then it ends by itself,
// after reminders (term.go).
//
// The grant, its states and their rules are package partneraccess (pure); this package applies them to the
// table through the small store it declares (dynamo.Store has it).
//
// How it is kept safe (see the access patterns in package table):
//
//   - Every change is one conditional transaction (store.UpdateGrant): the grant (replaced whole, on the
//     condition that its status and version are still what was read), the pair guard that keeps one live grant
//     per customer and partner, the staff memberships, the audit events on both sides and the outbox emails. Of
//     two changes decided on the same reading, exactly one commits; the other reads again and answers what it
//     finds.
//   - Staff act through ordinary membership items in the customer account that carry the grant's id. Every
//     request already reads its account's membership (package signin), so the transaction that ends a grant
//     deletes them and their access ends with the very next request. partneraccess.StaffAccess also checks, per
//     request, that the grant is active and not past its end date and that the user still belongs to an open
//     partner account.
//   - The expiry sweep finds a grant through the sparse expiry index while something is due (the invitation's
//     deadline, a reminder, the end date) and the Expirer handles one due event per run, re-indexing the grant
//     for the next.
package grant

import (
	"time"

	"github.com/partnerhub/partnerhub/pkg/partneraccess"
)

// Limits of partner access.
const (
	// MaxTerm is the furthest end date a grant may have, from when it is set.
	MaxTerm = partneraccess.MaxTerm
	// ShareLinkTTL is how long a partner's share link works.
	ShareLinkTTL = 14 * 24 * time.Hour
	// MaxStaff is the most staff a partner assigns to one grant.
	MaxStaff = 50
)

// Side is the side of a grant a caller acts for.
type Side string

// Sides.
const (
	CustomerSide Side = "customer"
	PartnerSide  Side = "partner"
)
