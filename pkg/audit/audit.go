// Package audit records who did what, when, on which account and target. An event is written in the same
// transaction as the change it describes (the store's tx.Audit), so the log and the data never disagree. The
// package is pure: the event and the catalog of actions.
package audit

import "time"

// Event is one audit record.
type Event struct {
	ID        string    `json:"id" dynamodbav:"id"`
	AccountID string    `json:"accountId" dynamodbav:"accountId"`
	At        time.Time `json:"at" dynamodbav:"at"`
	// ActorID is the user who acted; empty for the system (the sweep, the bootstrap).
	ActorID string `json:"actorId,omitempty" dynamodbav:"actorId,omitempty"`
	// Action is one of the catalog below.
	Action Action `json:"action" dynamodbav:"action"`
	// TargetType and TargetID name what the action was done to.
	TargetType Target `json:"targetType" dynamodbav:"targetType"`
	TargetID   string `json:"targetId" dynamodbav:"targetId"`
	// Details are safe, non-secret facts about the change.
	Details map[string]string `json:"details,omitempty" dynamodbav:"details,omitempty"`
}

// Target is the kind of thing an action was done to.
type Target string

// Targets.
const (
	TargetAccount   Target = "account"
	TargetUser      Target = "user"
	TargetGrant     Target = "grant"
	TargetShareLink Target = "share-link"
	TargetGroup     Target = "staff-group"
)

// Action is a stable verb, "<thing>.<what happened>". The audit log's readers (the portal, integrators) rely on
// these strings: add new ones, never rename one.
type Action string

// The catalog of actions.
const (
	PlatformBootstrapped Action = "platform.bootstrapped"

	AccountCreated           Action = "account.created"
	AccountActivated         Action = "account.activated"
	AccountUpdated           Action = "account.updated"
	AccountDisabled          Action = "account.disabled"
	AccountEnabled           Action = "account.enabled"
	AccountEndpointsReported Action = "account.endpoints-reported"
	AccountProfileCompleted  Action = "account.profile-completed"
	// AccountConverted is a prospect converted to a customer (package onboarding).
	AccountConverted Action = "account.converted"

	BrandingUpdated     Action = "branding.updated"
	BrandingLogoUpdated Action = "branding.logo-updated"
	BrandingEnabled     Action = "branding.enabled"
	BrandingDisabled    Action = "branding.disabled"

	LicenseAccepted Action = "license.accepted"

	UserInvited                Action = "user.invited"
	UserReinvited              Action = "user.reinvited"
	UserActivationResent       Action = "user.activation_resent"
	UserActivated              Action = "user.activated"
	UserUpdated                Action = "user.updated"
	UserRemoved                Action = "user.removed"
	UserPasswordReset          Action = "user.password-reset"
	UserTwoFactorEnabled       Action = "user.two-factor-enabled"
	UserTwoFactorDisabled      Action = "user.two-factor-disabled"
	UserTwoFactorMethodChanged Action = "user.two-factor-method-changed"
	UserTOTPEnrolled           Action = "user.totp-enrolled"
	UserTOTPRemoved            Action = "user.totp-removed"
	UserRecoveryCodesReplaced  Action = "user.recovery-codes-replaced"
	UserMobileVerified         Action = "user.mobile-verified"
	UserMobileRemoved          Action = "user.mobile-removed"
	// PasskeyRegistered, PasskeyRenamed and PasskeyRemoved are changes of a user's passkeys (details: passkeyId,
	// name); PasskeySignedIn is a sign-in a passkey proved (details: passkeyId, step: second-factor or
	// passwordless, and insteadOf: the method of the challenge whose code it stood in for, email, sms or totp).
	PasskeyRegistered Action = "passkey.registered"
	PasskeyRenamed    Action = "passkey.renamed"
	PasskeyRemoved    Action = "passkey.removed"
	PasskeySignedIn   Action = "passkey.signed-in"
	// UserSessionsEnded is every session of a user ended at once: by the person themselves but the one they
	// asked from ("sign out everywhere else", details scope=others) or by an administrator (scope=all).
	UserSessionsEnded Action = "user.sessions-ended"
	// SessionEnded is one of a person's other sessions ended by them from their list of sessions.
	SessionEnded Action = "session.ended"
	// UserEmailBounced and UserEmailComplained are the email service's reports on a user's address: a hard
	// bounce, or the recipient marking an email as spam. The system records them (no actor).
	UserEmailBounced    Action = "user.email-bounced"
	UserEmailComplained Action = "user.email-complained"

	// UsersImported is an import of users from a file (one event, with counts, beside each row's own
	// user.invited or membership.invited).
	UsersImported Action = "users.imported"

	MembershipInvited  Action = "membership.invited"
	MembershipAccepted Action = "membership.accepted"

	GrantInvited          Action = "partner-access.invited"
	GrantAccepted         Action = "partner-access.accepted"
	GrantDeclined         Action = "partner-access.declined"
	GrantRevoked          Action = "partner-access.revoked"
	GrantExpired          Action = "partner-access.expired"
	GrantStaffChanged     Action = "partner-access.staff-changed"
	GrantShareLinkCreated Action = "partner-access.share-link-created"
	// GrantExtended is an auto-extending grant extended at its end date (by the sweep, or recorded as the
	// customer changed its auto-extend); GrantAutoExtendChanged the customer turning auto-extend off or on.
	GrantExtended          Action = "partner-access.extended"
	GrantAutoExtendChanged Action = "partner-access.auto-extend-changed"
	// Roles per grant: the partner asks for other roles; the customer approves (or takes roles away) or declines.
	GrantRolesRequested      Action = "partner-access.roles-requested"
	GrantRolesChanged        Action = "partner-access.roles-changed"
	GrantRoleRequestDeclined Action = "partner-access.role-request-declined"
	// Staff groups: a partner's groups of its staff, and their assignment to grants.
	GrantGroupAssigned      Action = "partner-access.group-assigned" // assigned, or its roles changed
	GrantGroupRemoved       Action = "partner-access.group-removed"
	StaffGroupCreated       Action = "staff-group.created"
	StaffGroupUpdated       Action = "staff-group.updated"
	StaffGroupDeleted       Action = "staff-group.deleted"
	StaffGroupMemberAdded   Action = "staff-group.member-added"
	StaffGroupMemberRemoved Action = "staff-group.member-removed"
)

// Actions lists the catalog, for tests and documentation.
func Actions() []Action {
	return []Action{
		PlatformBootstrapped,
		AccountCreated, AccountActivated, AccountUpdated, AccountDisabled, AccountEnabled, AccountEndpointsReported, AccountProfileCompleted, AccountConverted,
		BrandingUpdated, BrandingLogoUpdated, BrandingEnabled, BrandingDisabled,
		LicenseAccepted,
		UserInvited, UserReinvited, UserActivationResent, UserActivated, UserUpdated, UserRemoved, UserPasswordReset,
		UserTwoFactorEnabled, UserTwoFactorDisabled, UserTwoFactorMethodChanged, UserTOTPEnrolled, UserTOTPRemoved,
		UserRecoveryCodesReplaced, UserMobileVerified, UserMobileRemoved, UserEmailBounced, UserEmailComplained,
		PasskeyRegistered, PasskeyRenamed, PasskeyRemoved, PasskeySignedIn,
		UsersImported,
		UserSessionsEnded, SessionEnded,
		MembershipInvited, MembershipAccepted,
		GrantInvited, GrantAccepted, GrantDeclined, GrantRevoked, GrantExpired, GrantStaffChanged, GrantShareLinkCreated,
		GrantExtended, GrantAutoExtendChanged,
		GrantRolesRequested, GrantRolesChanged, GrantRoleRequestDeclined,
		GrantGroupAssigned, GrantGroupRemoved,
		StaffGroupCreated, StaffGroupUpdated, StaffGroupDeleted, StaffGroupMemberAdded, StaffGroupMemberRemoved,
	}
}
