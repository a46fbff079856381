package role

import "slices"

// Delegable lists, in display order, the roles a customer may grant a support partner with partner access (package
// partneraccess): its administrator (SupportStaff, the default), a user administrator, and read-only. None of them
// manages the customer's support partners (PartnerAccessManage), switches two-factor sign-in for others
// (TwoFactorManage) or reaches beyond the customer (HierarchyActions): the customer, not its partner, decides who
// has access.
var Delegable = []Name{SupportStaff, SupportUserAdmin, ReadOnly}

// IsDelegable reports whether a customer may grant n to a support partner.
func IsDelegable(n Name) bool { return slices.Contains(Delegable, n) }
