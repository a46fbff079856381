package lifecycle

import (
	"maps"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/audit"
)

// Type is an event's detail-type. Integrators' rules match these strings: add new ones, never rename one.
type Type string

// The event types.
const (
	AccountCreated   Type = "Account Created"
	AccountActivated Type = "Account Activated"
	AccountDisabled  Type = "Account Disabled"
	AccountEnabled   Type = "Account Enabled"
	// AccountConverted is a prospect converted to a customer.
	AccountConverted Type = "Account Converted"

	UserInvited   Type = "User Invited"
	UserActivated Type = "User Activated"
	UserRemoved   Type = "User Removed"
	// TwoFactorChanged stands for every change of a user's two-factor settings; Detail.Change says which.
	TwoFactorChanged Type = "Two-Factor Changed"
	// EmailBounced is an email to a user that bounced (SES bounce feedback).
	EmailBounced Type = "Email Bounced"
	// SessionsEnded is every session of a user ended at once (Details.scope: "others" by the person, "all" by an
	// administrator): for a security team's records of a suspected takeover.
	SessionsEnded Type = "Sessions Ended"

	PartnerAccessInvited  Type = "Partner Access Invited"
	PartnerAccessAccepted Type = "Partner Access Accepted"
	PartnerAccessDeclined Type = "Partner Access Declined"
	PartnerAccessRevoked  Type = "Partner Access Revoked"
	PartnerAccessExpired  Type = "Partner Access Expired"
	// PartnerAccessExtended is an auto-extending grant extended by 180 days at its end date.
	PartnerAccessExtended Type = "Partner Access Extended"
	// PartnerAccessAutoExtendChanged is the customer turning a grant's auto-extend off or on.
	PartnerAccessAutoExtendChanged Type = "Partner Access Auto-Extend Changed"
	// PartnerAccessRolesChanged is the customer changing the roles its partner has: approving a request (all or
	// fewer of the roles asked for) or taking roles away. Details.change says which.
	PartnerAccessRolesChanged Type = "Partner Access Roles Changed"
	// PartnerAccessGroupsChanged is the partner assigning one of its staff groups to a grant (or changing its
	// roles there), or taking it off; Detail.Change says which.
	PartnerAccessGroupsChanged Type = "Partner Access Groups Changed"
	// StaffGroupMembersChanged is a partner putting a user in a staff group, or taking them out: their access to
	// every customer the group is assigned to starts, or ends at their next request. Detail.Change says which.
	StaffGroupMembersChanged Type = "Staff Group Members Changed"
)

// Types lists every event type, for the schemas, the stack and the documentation.
func Types() []Type {
	return []Type{
		AccountCreated, AccountActivated, AccountDisabled, AccountEnabled, AccountConverted,
		UserInvited, UserActivated, UserRemoved, TwoFactorChanged, EmailBounced, SessionsEnded,
		PartnerAccessInvited, PartnerAccessAccepted, PartnerAccessDeclined, PartnerAccessRevoked, PartnerAccessExpired,
		PartnerAccessExtended, PartnerAccessAutoExtendChanged, PartnerAccessRolesChanged,
		PartnerAccessGroupsChanged, StaffGroupMembersChanged,
	}
}

// Slug is the type in lower case with hyphens, "account-created": its schema's file name.
func (t Type) Slug() string { return strings.ToLower(strings.ReplaceAll(string(t), " ", "-")) }

// SchemaName is the type's schema name in the EventBridge schema registry, "partnerhub@AccountCreated".
func (t Type) SchemaName() string {
	return BaseSource + "@" + strings.NewReplacer(" ", "", "-", "").Replace(string(t))
}

// mapping is what an audit action becomes: its event type and, for a type that stands for several actions,
// the change it names.
type mapping struct {
	Type   Type
	Change string
}

// catalog maps the audit actions that are published, one line each; every other action stays internal.
var catalog = map[audit.Action]mapping{
	audit.UserEmailBounced: {EmailBounced, ""},

	audit.AccountCreated:   {AccountCreated, ""},
	audit.AccountActivated: {AccountActivated, ""},
	audit.AccountDisabled:  {AccountDisabled, ""},
	audit.AccountEnabled:   {AccountEnabled, ""},
	audit.AccountConverted: {AccountConverted, ""},

	audit.UserInvited:   {UserInvited, ""},
	audit.UserActivated: {UserActivated, ""},
	audit.UserRemoved:   {UserRemoved, ""},

	audit.UserSessionsEnded: {SessionsEnded, ""},

	audit.UserTwoFactorEnabled:       {TwoFactorChanged, "enabled"},
	audit.UserTwoFactorDisabled:      {TwoFactorChanged, "disabled"},
	audit.UserTwoFactorMethodChanged: {TwoFactorChanged, "method-changed"},
	audit.UserTOTPEnrolled:           {TwoFactorChanged, "authenticator-added"},
	audit.UserTOTPRemoved:            {TwoFactorChanged, "authenticator-removed"},
	audit.UserRecoveryCodesReplaced:  {TwoFactorChanged, "recovery-codes-replaced"},
	audit.PasskeyRegistered:          {TwoFactorChanged, "passkey-added"},
	audit.PasskeyRemoved:             {TwoFactorChanged, "passkey-removed"},

	audit.GrantInvited:  {PartnerAccessInvited, ""},
	audit.GrantAccepted: {PartnerAccessAccepted, ""},
	audit.GrantDeclined: {PartnerAccessDeclined, ""},
	audit.GrantRevoked:  {PartnerAccessRevoked, ""},
	audit.GrantExpired:  {PartnerAccessExpired, ""},

	audit.GrantExtended:          {PartnerAccessExtended, ""},
	audit.GrantAutoExtendChanged: {PartnerAccessAutoExtendChanged, ""},
	audit.GrantRolesChanged:      {PartnerAccessRolesChanged, ""},

	audit.GrantGroupAssigned:      {PartnerAccessGroupsChanged, "assigned"},
	audit.GrantGroupRemoved:       {PartnerAccessGroupsChanged, "removed"},
	audit.StaffGroupMemberAdded:   {StaffGroupMembersChanged, "added"},
	audit.StaffGroupMemberRemoved: {StaffGroupMembersChanged, "removed"},
}

// grantFields are the facts every partner access event carries: both sides of the grant.
var grantFields = []string{"customerId", "customerName", "partnerAccountId", "partnerName"}

// fields lists, per type, the audit details an event copies into Detail.Details. Anything else the audit record
// holds (a token's id, a proof's kind, a masked mobile) stays in the audit log: an allow list, so a detail added
// to an audit record later is never published by accident.
var fields = map[Type][]string{
	AccountCreated:        {"kind", "name", "parentId", "contactUserId"},
	AccountDisabled:       {"name", "status"},
	AccountEnabled:        {"name", "status"},
	AccountConverted:      {"name", "parentId", "contactUserId"},
	UserInvited:           {"roles"},
	UserRemoved:           {"roles", "userDisabled"},
	TwoFactorChanged:      {"from", "to"},
	EmailBounced:          {"bounceType", "bounceSubType"},
	SessionsEnded:         {"scope"},
	PartnerAccessInvited:  append(slices.Clone(grantFields), "roles", "durationDays", "endsAt", "autoExtend"),
	PartnerAccessAccepted: append(slices.Clone(grantFields), "endsAt", "autoExtend"),
	PartnerAccessDeclined: grantFields,
	PartnerAccessRevoked:  append(slices.Clone(grantFields), "by", "reason"),
	PartnerAccessExpired:  append(slices.Clone(grantFields), "reason"),

	PartnerAccessExtended:          append(slices.Clone(grantFields), "endsAt", "previousEndsAt"),
	PartnerAccessAutoExtendChanged: append(slices.Clone(grantFields), "autoExtend", "endsAt"),
	PartnerAccessRolesChanged:      append(slices.Clone(grantFields), "roles", "previousRoles", "change"),
	PartnerAccessGroupsChanged:     append(slices.Clone(grantFields), "groupId", "groupName", "roles", "previousRoles"),
	StaffGroupMembersChanged:       {"groupId", "groupName", "userId", "customers"},
}

// Fields lists the detail fields a type may carry, for its schema and the documentation.
func (t Type) Fields() []string { return slices.Clone(fields[t]) }

// Actions lists the audit actions published as events of type t, in catalog order.
func (t Type) Actions() []audit.Action {
	var out []audit.Action
	for _, a := range slices.Sorted(maps.Keys(catalog)) {
		if catalog[a].Type == t {
			out = append(out, a)
		}
	}
	return out
}

// FromAudit is the event an audit record is published as, with source; false for an action that is not
// published.
func FromAudit(e audit.Event, source string) (Event, bool) {
	m, ok := catalog[e.Action]
	if !ok {
		return Event{}, false
	}
	d := Detail{
		ID: e.ID, OccurredAt: e.At.UTC(), AccountID: e.AccountID, ActorID: e.ActorID,
		TargetType: string(e.TargetType), TargetID: e.TargetID, Change: m.Change,
	}
	for _, k := range fields[m.Type] {
		if v, ok := e.Details[k]; ok && v != "" {
			if d.Details == nil {
				d.Details = map[string]string{}
			}
			d.Details[k] = v
		}
	}
	return Event{Source: source, Type: m.Type, Time: d.OccurredAt, Detail: d}, true
}
