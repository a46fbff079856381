// Package account is the partner tree: the provider at the root, MSPs and partners below it, and customer
// companies at the leaves. It is pure: no SDK, no clock, no randomness.
package account

import (
	"errors"
	"slices"
	"time"
)

// Kind is the level of an account in the tree.
type Kind string

// Kinds.
const (
	Provider Kind = "provider"
	MSP      Kind = "msp"
	Partner  Kind = "partner"
	Customer Kind = "customer"
)

// Status of an account.
type Status string

// Statuses: pending until its point of contact activates, then active; disabled by an account above it.
const (
	Pending  Status = "pending"
	Active   Status = "active"
	Disabled Status = "disabled"
)

// Stage is where a customer account stands in the sale: a prospect, a company the partner above it is working
// to sign, or (the default, stored as "") a customer.
//
// A prospect is a customer account with a stage rather than a kind of its own: the deal closing converts it in
// place (Convert), so it keeps its id, name, place in the tree, users and audit history, and nothing that
// names it — search entries, memberships, audit records — has to move. Only its counters move: every account
// above it counts it under Counts.Prospects, not Customers, until it is converted.
type Stage string

// Stages.
const (
	// Signed is a customer's stage once it is one (the default): what the API shows as "customer".
	Signed Stage = ""
	// Prospect is a would-be customer, created by a partner's Prospects role or an administrator.
	Prospect Stage = "prospect"
)

// StageCustomer is how the API names the Signed stage.
const StageCustomer = "customer"

// String is the stage as the API shows it: "prospect" or "customer".
func (s Stage) String() string {
	if s == Prospect {
		return string(Prospect)
	}
	return StageCustomer
}

// ParseStage reads a stage as the API names it ("" is a customer); false for anything else.
func ParseStage(s string) (Stage, bool) {
	switch s {
	case "", StageCustomer:
		return Signed, true
	case string(Prospect):
		return Prospect, true
	}
	return Signed, false
}

// children lists which kinds each kind may create below itself.
var children = map[Kind][]Kind{
	Provider: {MSP, Partner, Customer},
	MSP:      {Partner, Customer},
	Partner:  {Customer},
}

// Kinds lists every kind an account may be created as.
var Kinds = []Kind{MSP, Partner, Customer}

// MayParent reports whether an account of kind parent may have a child of kind child.
func MayParent(parent, child Kind) bool { return slices.Contains(children[parent], child) }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Provider || slices.Contains(Kinds, k) }

// Company is an account's company details.
type Company struct {
	Name    string `json:"name" dynamodbav:"name"`
	Address string `json:"address" dynamodbav:"address"`
	Country string `json:"country" dynamodbav:"country"`
	State   string `json:"state" dynamodbav:"state"`
	City    string `json:"city" dynamodbav:"city"`
	ZipCode string `json:"zipCode" dynamodbav:"zipCode"`
}

// Counts are the totals of an account's whole subtree (itself excluded).
type Counts struct {
	MSPs      int `json:"msps" dynamodbav:"msps"`
	Partners  int `json:"partners" dynamodbav:"partners"`
	Customers int `json:"customers" dynamodbav:"customers"`
	// Prospects are customer accounts still in the prospect stage: not counted in Customers until converted.
	Prospects int `json:"prospects" dynamodbav:"prospects"`
	Endpoints int `json:"endpoints" dynamodbav:"endpoints"`
	Disabled  int `json:"disabled" dynamodbav:"disabled"`
}

// Names of the Counts fields that are not kinds of account.
const (
	CounterEndpoints = "endpoints"
	CounterDisabled  = "disabled"
)

// CounterFor is the name of the Counts field that counts accounts of a kind.
func CounterFor(k Kind) string {
	switch k {
	case MSP:
		return "msps"
	case Partner:
		return "partners"
	case Customer:
		return "customers"
	}
	return ""
}

// CounterProspects is the name of the Counts field that counts prospects.
const CounterProspects = "prospects"

// CounterOf is the name of the Counts field that counts a: its kind's, or prospects for a prospect.
func CounterOf(a Account) string {
	if a.Prospect() {
		return CounterProspects
	}
	return CounterFor(a.Kind)
}

// Account is one node of the tree.
type Account struct {
	ID       string `dynamodbav:"id"`
	Kind     Kind   `dynamodbav:"kind"`
	ParentID string `dynamodbav:"parentId,omitempty"`
	// Ancestors are the ids from the root down to the parent; counters are kept on each of them.
	Ancestors []string `dynamodbav:"ancestors,omitempty"`
	Company   Company  `dynamodbav:"company"`
	Status    Status   `dynamodbav:"status"`
	// Stage is a customer's stage in the sale (Prospect, or Signed by default); always Signed for other kinds.
	Stage Stage `dynamodbav:"stage,omitempty"`
	// StatusBeforeDisable is the status a disabled account returns to when it is enabled again.
	StatusBeforeDisable Status `dynamodbav:"statusBeforeDisable,omitempty"`
	Counts              Counts `dynamodbav:"counts"`
	// Endpoints is a customer's own endpoint count, as the platform reports it; its ancestors' Counts.Endpoints
	// add it up.
	Endpoints int `dynamodbav:"endpoints"`
	// Apps are a customer's app toggles, by app id; an app missing from the map is off.
	Apps      map[string]bool `dynamodbav:"apps,omitempty"`
	CreatedAt time.Time       `dynamodbav:"createdAt"`
	CreatedBy string          `dynamodbav:"createdBy,omitempty"`
	Version   int             `dynamodbav:"version"`

	// ContactUserID is the point of contact created with the account; its activation makes the account active.
	ContactUserID string `dynamodbav:"contactUserId,omitempty"`

	// PartnerID is an MSP's or partner's public Partner ID as shown (XXXX-XXXX), which customers use to invite
	// it as a support partner (package grant). It is reserved by a guard item; accounts created before Partner
	// IDs existed get theirs when a partner administrator first opens its partner access page.
	PartnerID string `dynamodbav:"partnerId,omitempty"`

	// ProfilePending is set on a partner created with the short form (company name and contact email only):
	// its administrator completes the company details at first sign-in, which clears it.
	ProfilePending bool `dynamodbav:"profilePending,omitempty"`
}

// Path is the ids from the root down to and including the account itself.
func (a Account) Path() []string { return append(slices.Clone(a.Ancestors), a.ID) }

// IsAncestorOf reports whether a is strictly above other in the tree.
func (a Account) IsAncestorOf(other Account) bool { return slices.Contains(other.Ancestors, a.ID) }

// Contains reports whether other is a itself or below it: the accounts a's administrators may view.
func (a Account) Contains(other Account) bool { return a.ID == other.ID || a.IsAncestorOf(other) }

// Prospect reports whether a is a customer account still in the prospect stage.
func (a Account) Prospect() bool { return a.Kind == Customer && a.Stage == Prospect }

// ErrNotProspect is converting an account that is not a prospect (a customer already, or another kind).
var ErrNotProspect = errors.New("not a prospect")

// Convert is a prospect converted to a customer: the deal closed. Its id and everything attached to it stay;
// only the stage changes (the counters of the accounts above move with it, package onboarding).
func (a Account) Convert() (Account, error) {
	if !a.Prospect() {
		return a, ErrNotProspect
	}
	a.Stage = Signed
	return a, nil
}
