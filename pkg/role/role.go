// Package role is the catalog of roles and what each permits. Every permission check goes through Allows.
package role

import "slices"

// Name names a role.
type Name string

// Permission names something a role allows.
type Permission string

// Account kinds that may hold roles. They match account.Kind values.
const (
	KindProvider = "provider"
	KindMSP      = "msp"
	KindPartner  = "partner"
	KindCustomer = "customer"
)

// Roles.
const (
	SuperAdmin            Name = "super-admin"
	AccountAdmin          Name = "account-admin"
	MSPAccounts           Name = "msp-accounts"
	MSPProspects          Name = "msp-prospects"
	ImplementationLead    Name = "implementation-lead"
	PartnerMarketing      Name = "partner-marketing"
	PartnerMarketingAdmin Name = "partner-marketing-admin"
	ReadOnly              Name = "read-only"
	AccountActionsControl Name = "account-actions-control"
	// SupportStaff is held only through a partner access grant (package grant): a support partner's staff member
	// acting in a customer. Nobody assigns it through the users API.
	SupportStaff Name = "support-staff"
	// SupportUserAdmin is held only through a partner access grant that names it (see Delegable): a support
	// partner's staff member who administers the customer's users and nothing else.
	SupportUserAdmin Name = "support-user-admin"
)

// Permissions.
const (
	AccountsView         Permission = "accounts:view"
	PartnersCreate       Permission = "partners:create" // create MSP and partner accounts
	CustomersCreate      Permission = "customers:create"
	ProspectsCreate      Permission = "prospects:create"
	AccountsEdit         Permission = "accounts:edit"
	AccountsDisable      Permission = "accounts:disable"
	CustomersProvision   Permission = "customers:provision" // apps and set-up details
	HierarchyActions     Permission = "hierarchy:act"       // act on the whole subtree, not only direct children
	UsersView            Permission = "users:view"
	UsersManage          Permission = "users:manage"
	TwoFactorManage      Permission = "two-factor:manage" // switch 2FA on or off for other users
	BrandingManage       Permission = "branding:manage"
	BrandingEnable       Permission = "branding:enable"
	PartnerAccessManage  Permission = "partner-access:manage"
	AuditView            Permission = "audit:view"
	MarketingView        Permission = "marketing:view"
	MarketingGrantAccess Permission = "marketing:grant"
)

// Role is one entry of the catalog.
type Role struct {
	Name        Name
	Title       string
	Description string
	Kinds       []string // account kinds whose users may hold it
	Permissions []Permission
}

var partnerKinds = []string{KindMSP, KindPartner}

// Catalog is every role, in display order.
var Catalog = []Role{
	{SuperAdmin, "Super administrator", "Runs the platform: every permission, and the only role that switches two-factor sign-in for other users.",
		[]string{KindProvider}, []Permission{AccountsView, PartnersCreate, CustomersCreate, ProspectsCreate, AccountsEdit, AccountsDisable,
			CustomersProvision, HierarchyActions, UsersView, UsersManage, TwoFactorManage, BrandingManage, BrandingEnable, PartnerAccessManage, AuditView,
			MarketingView, MarketingGrantAccess}},
	{AccountAdmin, "Administrator", "Administers the account (MSP Administrator, Partner Admin, customer Decision Maker): creates accounts below it, users, roles and settings.",
		[]string{KindMSP, KindPartner, KindCustomer}, []Permission{AccountsView, PartnersCreate, CustomersCreate, ProspectsCreate, AccountsEdit, AccountsDisable,
			CustomersProvision, UsersView, UsersManage, BrandingManage, PartnerAccessManage, AuditView}},
	{MSPAccounts, "Accounts", "Creates customers and views existing customers.",
		partnerKinds, []Permission{AccountsView, CustomersCreate}},
	// Prospects see the tree (a prospect sits in it, and they follow theirs to conversion) but create nothing but
	// prospects and change nothing that exists: converting one is an administrator's decision (access.Converts).
	{MSPProspects, "Prospects", "Views the tree and creates prospects only; cannot manage existing customers or convert prospects.",
		partnerKinds, []Permission{AccountsView, ProspectsCreate}},
	{ImplementationLead, "Implementation lead", "Provisions customers: sets their apps and set-up details.",
		partnerKinds, []Permission{AccountsView, CustomersCreate, CustomersProvision}},
	{PartnerMarketing, "Partner marketing", "Uses the marketing tool.",
		partnerKinds, []Permission{MarketingView}},
	{PartnerMarketingAdmin, "Partner marketing administrator", "Uses the marketing tool and grants access to it.",
		partnerKinds, []Permission{MarketingView, MarketingGrantAccess}},
	{ReadOnly, "Read-only", "Views accounts, users and the audit log; changes nothing.",
		[]string{KindProvider, KindMSP, KindPartner, KindCustomer}, []Permission{AccountsView, UsersView, AuditView}},
	{AccountActionsControl, "Account Actions Control", "A right added to an administrator: edit and disable any account in the subtree, not only direct children.",
		partnerKinds, []Permission{HierarchyActions}},
	// Support staff act in a customer as its administrator does, except that they cannot manage the customer's
	// support partners (PartnerAccessManage): the customer, not its partner, decides who has access.
	{SupportStaff, "Support partner staff", "A support partner's staff member acting on the customer's behalf as its administrator, except for managing its support partners. Given and taken only with the partner's access.",
		[]string{KindCustomer}, []Permission{AccountsView, PartnersCreate, CustomersCreate, ProspectsCreate, AccountsEdit, AccountsDisable,
			CustomersProvision, UsersView, UsersManage, BrandingManage, AuditView}},
	{SupportUserAdmin, "Support user administrator", "A support partner's staff member who views the customer and administers its users, and nothing more. Given and taken only with the partner's access.",
		[]string{KindCustomer}, []Permission{AccountsView, UsersView, UsersManage}},
}

// Find returns a role of the catalog.
func Find(n Name) (Role, bool) {
	for _, r := range Catalog {
		if r.Name == n {
			return r, true
		}
	}
	return Role{}, false
}

// Allows reports whether any of the roles grants the permission.
func Allows(roles []Name, p Permission) bool {
	for _, n := range roles {
		if r, ok := Find(n); ok && slices.Contains(r.Permissions, p) {
			return true
		}
	}
	return false
}

// Permissions lists every permission the roles grant, without duplicates, in catalog order.
func Permissions(roles []Name) []Permission {
	var out []Permission
	for _, r := range Catalog {
		if !slices.Contains(roles, r.Name) {
			continue
		}
		for _, p := range r.Permissions {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// AdminFor is the administrator role of an account kind.
func AdminFor(kind string) Name {
	if kind == KindProvider {
		return SuperAdmin
	}
	return AccountAdmin
}

// MayAssign reports whether a holder of roles may grant r to someone in an account of kind. Nobody may grant
// SupportStaff, which only comes with a partner access grant. Otherwise the role must be one that kind of account
// may hold, and the holder must hold it too, or be an administrator: nobody hands out a right they could not
// exercise themselves, and the Account Actions Control right, which widens an administrator's reach over the
// whole subtree, is granted only by someone who has it (or a super administrator).
func MayAssign(holder []Name, r Role, kind string) bool {
	switch {
	case r.Name == SupportStaff, r.Name == SupportUserAdmin:
		// Only a partner access grant gives them, with the membership that the grant owns and removes.
		return false
	case !slices.Contains(r.Kinds, kind):
		return false
	case slices.Contains(holder, r.Name), slices.Contains(holder, SuperAdmin):
		return true
	}
	return slices.Contains(holder, AccountAdmin) && r.Name != AccountActionsControl
}

// Assignable lists, in catalog order, the roles a holder of roles may grant in an account of kind.
func Assignable(holder []Name, kind string) []Role {
	var out []Role
	for _, r := range Catalog {
		if MayAssign(holder, r, kind) {
			out = append(out, r)
		}
	}
	return out
}
