package outbox

import (
	"strconv"
	"time"
)

// Template names: one per embedded template set (templates/<name>.{subject,html,txt}.tmpl, or .sms.tmpl).
const (
	TemplateActivation                = "activation"
	TemplateMembership                = "membership"
	TemplateOTP                       = "otp"
	TemplateMobileVerification        = "mobile-verification"
	TemplatePasswordReset             = "password-reset"
	TemplatePasswordChanged           = "password-changed"
	TemplateTwoFactorChanged          = "twofactor-changed"
	TemplatePartnerInvited            = "partner-invited"
	TemplatePartnerInvitationAccepted = "partner-invitation-accepted"
	TemplatePartnerInvitationDeclined = "partner-invitation-declined"
	TemplatePartnerInvitationExpired  = "partner-invitation-expired"
	TemplatePartnerAccessEnding       = "partner-access-ending"
	TemplatePartnerAccessExpired      = "partner-access-expired"
	TemplatePartnerAccessRevoked      = "partner-access-revoked"
	TemplatePartnerRolesRequested     = "partner-roles-requested"
	TemplatePartnerRolesAnswered      = "partner-roles-answered"
)

// Mail is what one template says: each template has one Go type, so a field it needs cannot be forgotten
// (a missing one is a compile error, not a render failure). Only this package's types are Mail.
type Mail interface {
	// Template is the name of the template the mail is rendered with.
	Template() string
	data() map[string]string
}

// Envelope says where a mail goes and whom it concerns.
type Envelope struct {
	// ID is the message's id (secret.NewID()).
	ID string
	// To is an email address, or a mobile number in E.164 for a text.
	To string
	// UserID and AccountID say whom the message concerns, for the user status check.
	UserID, AccountID string
	// BrandAccountID is the account whose effective branding the mail carries.
	BrandAccountID string
	// SecretRef names what the mailer derives the link's token or the code from (never the secret itself).
	SecretRef string
}

// New is the pending message that sends m as env says, written at now. A text (TemplateOTP to a mobile, or
// TemplateMobileVerification) travels by SMS: see Text.
func New(env Envelope, m Mail, now time.Time) Message {
	return Message{
		ID: env.ID, Template: m.Template(), To: env.To, UserID: env.UserID, AccountID: env.AccountID,
		BrandAccountID: env.BrandAccountID, SecretRef: env.SecretRef, Data: m.data(), Status: StatusPending, CreatedAt: now,
	}
}

// Text is New for a text message to a mobile number.
func Text(env Envelope, m Mail, now time.Time) Message {
	msg := New(env, m, now)
	msg.Channel = ChannelSMS
	return msg
}

// stamp formats an instant for a template ("" for none).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// put sets key to value when value is not empty: templates read optional data with `index .Data "key"`.
func put(d map[string]string, key, value string) {
	if value != "" {
		d[key] = value
	}
}

// Invitation is what an activation or a membership invitation says: who is invited, where, with which roles,
// until when, by whom.
type Invitation struct {
	Name, Email string
	AccountName string
	AccountKind string
	// Roles are the roles' titles, joined for reading ("Account administrator, Read-only").
	Roles     string
	ExpiresAt time.Time
	// InviterName and InviterAccountName name who invited; empty for the platform's own first administrator.
	InviterName, InviterAccountName string
}

func (i Invitation) data() map[string]string {
	d := map[string]string{
		"name": i.Name, "email": i.Email, "accountName": i.AccountName, "accountKind": i.AccountKind,
		"roles": i.Roles, "expiresAt": stamp(i.ExpiresAt), "inviterName": i.InviterName, "inviterAccountName": i.InviterAccountName,
	}
	// "inviter" is the template's optional sentence subject: "Jane Doe (Acme MSP) has invited you".
	if i.InviterName != "" {
		d["inviter"] = i.InviterName
		if i.InviterAccountName != "" {
			d["inviter"] += " (" + i.InviterAccountName + ")"
		}
	}
	return d
}

// Activation invites a new person: the link sets their password (template "activation").
type Activation Invitation

// Template implements Mail.
func (Activation) Template() string          { return TemplateActivation }
func (a Activation) data() map[string]string { return Invitation(a).data() }

// Membership invites an existing login into another account: the link accepts it (template "membership").
type Membership Invitation

// Template implements Mail.
func (Membership) Template() string          { return TemplateMembership }
func (m Membership) data() map[string]string { return Invitation(m).data() }

// OTPCode carries a sign-in code, by email or by text; the code itself is derived by the mailer.
type OTPCode struct {
	Name      string
	ExpiresIn time.Duration
}

// Template implements Mail.
func (OTPCode) Template() string { return TemplateOTP }
func (o OTPCode) data() map[string]string {
	d := map[string]string{"expiresInSeconds": strconv.Itoa(int(o.ExpiresIn / time.Second))}
	put(d, "name", o.Name)
	return d
}

// MobileVerification carries the code that proves a mobile number (a text).
type MobileVerification struct{}

// Template implements Mail.
func (MobileVerification) Template() string        { return TemplateMobileVerification }
func (MobileVerification) data() map[string]string { return nil }

// PasswordReset carries a password reset link.
type PasswordReset struct{ Name string }

// Template implements Mail.
func (PasswordReset) Template() string          { return TemplatePasswordReset }
func (p PasswordReset) data() map[string]string { return map[string]string{"name": p.Name} }

// PasswordChanged tells a user their password was changed.
type PasswordChanged struct{ Name string }

// Template implements Mail.
func (PasswordChanged) Template() string          { return TemplatePasswordChanged }
func (p PasswordChanged) data() map[string]string { return map[string]string{"name": p.Name} }

// TwoFactorChanged tells a user their two-factor sign-in changed.
type TwoFactorChanged struct {
	Name string
	// Change is "enabled", "disabled" or what changed; Method the method's label now.
	Change, Method string
	// By is the administrator who changed it; empty when the user did.
	By string
	// Passkey is the name of the passkey added or removed.
	Passkey string
}

// Template implements Mail.
func (TwoFactorChanged) Template() string { return TemplateTwoFactorChanged }
func (t TwoFactorChanged) data() map[string]string {
	d := map[string]string{"name": t.Name, "change": t.Change, "method": t.Method}
	put(d, "by", t.By)
	put(d, "passkey", t.Passkey)
	return d
}

// GrantNotice is what every email about a partner access grant says to one administrator of one side.
type GrantNotice struct {
	// Name is the recipient's name.
	Name                      string
	CustomerName, PartnerName string
	// Link opens the partner access page.
	Link string
	// EndsAt is the grant's end date, if it has one.
	EndsAt time.Time
}

func (g GrantNotice) data() map[string]string {
	d := map[string]string{"name": g.Name, "customerName": g.CustomerName, "partnerName": g.PartnerName, "link": g.Link}
	put(d, "endsAt", stamp(g.EndsAt))
	return d
}

// PartnerInvited tells a partner's administrators a customer invited them.
type PartnerInvited struct {
	GrantNotice
	// Inviter names who invited, with their account.
	Inviter   string
	ExpiresAt time.Time
}

// Template implements Mail.
func (PartnerInvited) Template() string { return TemplatePartnerInvited }
func (p PartnerInvited) data() map[string]string {
	d := p.GrantNotice.data()
	d["inviter"], d["expiresAt"] = p.Inviter, stamp(p.ExpiresAt)
	return d
}

// InvitationAccepted tells a customer's administrators the partner accepted.
type InvitationAccepted struct {
	GrantNotice
	// By names who accepted.
	By string
}

// Template implements Mail.
func (InvitationAccepted) Template() string { return TemplatePartnerInvitationAccepted }
func (a InvitationAccepted) data() map[string]string {
	d := a.GrantNotice.data()
	put(d, "by", a.By)
	return d
}

// InvitationDeclined tells a customer's administrators the partner declined.
type InvitationDeclined struct{ GrantNotice }

// Template implements Mail.
func (InvitationDeclined) Template() string { return TemplatePartnerInvitationDeclined }

// InvitationExpired tells a customer's administrators the partner did not answer in time.
type InvitationExpired struct{ GrantNotice }

// Template implements Mail.
func (InvitationExpired) Template() string { return TemplatePartnerInvitationExpired }

// AccessEnding reminds both sides a grant ends soon.
type AccessEnding struct{ GrantNotice }

// Template implements Mail.
func (AccessEnding) Template() string { return TemplatePartnerAccessEnding }

// AccessExpired tells both sides a grant reached its end date.
type AccessExpired struct{ GrantNotice }

// Template implements Mail.
func (AccessExpired) Template() string { return TemplatePartnerAccessExpired }

// AccessRevoked tells the other side a grant was revoked.
type AccessRevoked struct {
	GrantNotice
	// By is the side that ended it ("customer" or "partner"); Reason its reason, if any.
	By, Reason string
}

// Template implements Mail.
func (AccessRevoked) Template() string { return TemplatePartnerAccessRevoked }
func (r AccessRevoked) data() map[string]string {
	d := r.GrantNotice.data()
	d["by"], d["reason"] = r.By, r.Reason
	return d
}

// RolesRequested tells a customer's administrators their partner asks for other roles.
type RolesRequested struct {
	GrantNotice
	// Roles are the roles asked for, in words ("User administrator and Read-only").
	Roles string
}

// Template implements Mail.
func (RolesRequested) Template() string { return TemplatePartnerRolesRequested }
func (r RolesRequested) data() map[string]string {
	d := r.GrantNotice.data()
	d["roles"] = r.Roles
	return d
}

// RolesAnswered tells a partner's administrators the customer answered its request for roles (approved or
// declined) or took roles away (reduced).
type RolesAnswered struct {
	GrantNotice
	// Answer is approved, declined or reduced.
	Answer string
	// Roles are the roles the partner has now, in words.
	Roles string
}

// Template implements Mail.
func (RolesAnswered) Template() string { return TemplatePartnerRolesAnswered }
func (r RolesAnswered) data() map[string]string {
	d := r.GrantNotice.data()
	d["answer"], d["roles"] = r.Answer, r.Roles
	return d
}
