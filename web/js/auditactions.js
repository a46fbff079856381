// auditactions.js names the audit log's actions (pkg/audit's catalog) for people, grouped as the audit page's
// action filter offers them. A test in pkg/e2e holds this list to the catalog: every action, and no other.

// actionGroups are the catalog's actions by what they are about, each [action, title].
export const actionGroups = [
  ["Accounts", [
    ["account.created", "Account created"],
    ["account.activated", "Account activated"],
    ["account.updated", "Account details changed"],
    ["account.disabled", "Account disabled"],
    ["account.enabled", "Account enabled"],
    ["account.endpoints-reported", "Endpoint count reported"],
    ["account.profile-completed", "Company profile completed"],
    ["account.converted", "Prospect converted to a customer"],
    ["license.accepted", "License accepted"],
    ["platform.bootstrapped", "Platform set up"],
  ]],
  ["Branding", [
    ["branding.updated", "Branding changed"],
    ["branding.logo-updated", "Logo changed"],
    ["branding.enabled", "Branding enabled"],
    ["branding.disabled", "Branding disabled"],
  ]],
  ["Users", [
    ["user.invited", "User invited"],
    ["user.reinvited", "User invited again"],
    ["user.activation_resent", "Activation link resent"],
    ["user.activated", "User registered"],
    ["user.updated", "User details changed"],
    ["user.removed", "User's access removed"],
    ["user.password-reset", "Password reset"],
    ["users.imported", "Users imported from a file"],
    ["user.sessions-ended", "All sessions ended"],
    ["session.ended", "A session signed out"],
    ["user.email-bounced", "Email bounced"],
    ["user.email-complained", "Email marked as spam"],
    ["membership.invited", "Invited into another account"],
    ["membership.accepted", "Invitation into an account accepted"],
  ]],
  ["Two-step sign-in", [
    ["user.two-factor-enabled", "Two-step sign-in switched on"],
    ["user.two-factor-disabled", "Two-step sign-in switched off"],
    ["user.two-factor-method-changed", "Two-step sign-in method changed"],
    ["user.totp-enrolled", "Authenticator app added"],
    ["user.totp-removed", "Authenticator app removed"],
    ["user.recovery-codes-replaced", "Recovery codes replaced"],
    ["user.mobile-verified", "Mobile number verified"],
    ["user.mobile-removed", "Mobile number removed"],
    ["passkey.registered", "Passkey added"],
    ["passkey.renamed", "Passkey renamed"],
    ["passkey.removed", "Passkey removed"],
    ["passkey.signed-in", "Signed in with a passkey"],
  ]],
  ["Partner access", [
    ["partner-access.invited", "Partner access offered"],
    ["partner-access.accepted", "Partner access accepted"],
    ["partner-access.declined", "Partner access declined"],
    ["partner-access.revoked", "Partner access ended"],
    ["partner-access.expired", "Partner access expired"],
    ["partner-access.staff-changed", "Support staff changed"],
    ["partner-access.share-link-created", "Share link created"],
    ["partner-access.extended", "Partner access extended"],
    ["partner-access.auto-extend-changed", "Partner access auto-extend changed"],
    ["partner-access.roles-requested", "Partner roles requested"],
    ["partner-access.roles-changed", "Partner roles changed"],
    ["partner-access.role-request-declined", "Partner roles request declined"],
    ["partner-access.group-assigned", "Staff group assigned"],
    ["partner-access.group-removed", "Staff group taken off"],
  ]],
  ["Staff groups", [
    ["staff-group.created", "Staff group created"],
    ["staff-group.updated", "Staff group renamed"],
    ["staff-group.deleted", "Staff group deleted"],
    ["staff-group.member-added", "Added to a staff group"],
    ["staff-group.member-removed", "Taken out of a staff group"],
  ]],
];

// actionTitles maps each action to its title.
export const actionTitles = Object.fromEntries(actionGroups.flatMap(([, list]) => list));

// actionTitle is an action's title; an action this list does not know yet reads as a sentence start
// ("thing.what-happened" reads "Thing what happened").
export function actionTitle(action) {
  if (actionTitles[action]) return actionTitles[action];
  const s = String(action || "").replace(/[._-]+/g, " ").trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "Event";
}

// targetTitles name the kinds of thing an action is done to.
export const targetTitles = { account: "Account", user: "User", grant: "Partner access", "share-link": "Share link" };
