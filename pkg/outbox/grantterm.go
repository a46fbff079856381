package outbox

import "strconv"

// Emails of a grant's term: its extension at the end date, and the customer's change of auto-extend.

// Templates of a grant's term.
const (
	TemplatePartnerAccessExtended   = "partner-access-extended"
	TemplatePartnerAccessAutoExtend = "partner-access-auto-extend"
)

// AccessExtended tells both sides an auto-extending grant was extended at its end date; EndsAt is the new one.
type AccessExtended struct {
	GrantNotice
	// ExtendedByDays is how far it was extended.
	ExtendedByDays int
}

// Template implements Mail.
func (AccessExtended) Template() string { return TemplatePartnerAccessExtended }
func (e AccessExtended) data() map[string]string {
	d := e.GrantNotice.data()
	d["extendedByDays"] = strconv.Itoa(e.ExtendedByDays)
	return d
}

// AutoExtendChanged tells a partner's administrators the customer turned auto-extend off (the access ends on
// EndsAt, if the term has started) or on again.
type AutoExtendChanged struct {
	GrantNotice
	Enabled bool
	// ExtendByDays is how far the grant extends at its end date while auto-extend is on.
	ExtendByDays int
}

// Template implements Mail.
func (AutoExtendChanged) Template() string { return TemplatePartnerAccessAutoExtend }
func (c AutoExtendChanged) data() map[string]string {
	d := c.GrantNotice.data()
	d["enabled"], d["extendByDays"] = "false", strconv.Itoa(c.ExtendByDays)
	if c.Enabled {
		d["enabled"] = "true"
	}
	return d
}
