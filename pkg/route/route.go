// Package route is the single definition of PartnerHub's functions and HTTP routes. The CDK stack creates one
// Lambda function per entry of Functions and one API Gateway route per entry of Routes; the local gateway serves
// the same routes with the same functions. Adding a route is one line in Routes.
package route

import (
	"fmt"
	"strings"
	"time"
)

// Auth says whether a route needs a signed-in session.
type Auth int

const (
	// Public routes are open to anyone (sign-in, activation links, health).
	Public Auth = iota
	// Session routes need a valid session cookie; the function resolves it on every request, so a revoked
	// access ends on the next request. They also need the first sign-in steps (license, profile) done.
	Session
	// Steps routes need a session but stay open while first sign-in steps are pending: the steps themselves,
	// /v1/me and sign-out.
	Steps
)

// Trigger is what invokes a function.
type Trigger int

const (
	// HTTP functions serve API routes.
	HTTP Trigger = iota
	// Stream functions consume the table's stream.
	Stream
	// Schedule functions run on a timer.
	Schedule
	// Operator functions are invoked directly (lambda:InvokeFunction) by an operator's own AWS credentials, as
	// phctl does: no route, no event source and no resource policy, so nobody else can call them.
	Operator
	// MailEvents functions receive the email service's events (bounces, complaints, deliveries) from EventBridge,
	// asynchronously: a failed event is retried by Lambda, then kept in the failure queue.
	MailEvents
	// Rotation functions are invoked by Secrets Manager to rotate a secret, one step of its protocol at a time.
	Rotation
)

// Timeout is how long Lambda lets a function of this trigger run, which the stack sets and the local stack
// mirrors: an API call answers well within API Gateway's 30-second limit; the mailer sends a batch of emails,
// with SES retries; the sweep has part of its period to drain what is due; an operator function (the bootstrap:
// two reads and one transaction) has an API call's time. Every AWS call a function makes is
// bounded far below it (see pkg/app's call bounds), so a stalled dependency fails the call, not the function.
func (t Trigger) Timeout() time.Duration {
	switch t {
	case Stream:
		return 60 * time.Second
	case Schedule:
		return 120 * time.Second
	case MailEvents:
		return 30 * time.Second // one event: a few reads and a conditional write per recipient
	case Rotation:
		return 30 * time.Second // a step is two or three Secrets Manager calls
	}
	return 10 * time.Second
}

// Function names. They are the folder names under functions/ and the Lambda functions' logical names.
const (
	Health     = "health"
	Signup     = "signup"
	Activation = "activation"
	OTP        = "otp"
	Mailer     = "invitation-email"
	Sweep      = "expiry-sweep"
	Accounts   = "accounts"
	Revoke     = "revoke"
	Branding   = "branding"
	Profile    = "profile"
	Users      = "users"
	TwoFactor  = "two-factor"
	// PartnerAccess is customers' support partners: invitations, answers, staff (revoking is the revoke function's).
	PartnerAccess = "partner-access"
	// SearchIndex keeps the search index: the table's stream hands it every change of an account or a
	// membership, and it writes the entries that the user list's and the partner tree's searches read.
	SearchIndex = "search-index"
	// Bootstrap creates the provider's first administrator, and resends an invited user's activation link, on an
	// operator's invoke (phctl bootstrap, phctl resend-activation), in AWS, so the HMAC key and the table never
	// leave it.
	Bootstrap = "bootstrap"
	// Events publishes the lifecycle events: the table's stream hands it every audit record inserted, and it
	// puts those of package lifecycle's catalog on the stack's EventBridge bus.
	Events = "lifecycle-events"
	// MailFeedback records SES's bounces, complaints and deliveries on the users they concern (package feedback).
	MailFeedback = "mail-feedback"
	// KeyRotation rotates the HMAC keyring secret for Secrets Manager: a new current key, the old ones kept.
	KeyRotation = "key-rotation"
	// Passkeys runs every WebAuthn ceremony: registering, listing, renaming and removing passkeys, and signing in
	// with one. Passkeys are rare next to sign-ins and page loads, so the WebAuthn library (and its cold start)
	// lives in this function alone, not in otp or two-factor.
	Passkeys = "passkeys"
)

// BootstrapOutput is the stack output that names the bootstrap function: phctl finds the function of a stage by it.
const BootstrapOutput = "BootstrapFunctionName"

// DefaultStage is the stage of a deployment whose settings name none: a developer's own.
const DefaultStage = "dev"

// StackName is the CloudFormation stack of a stage: the CDK app names it so (infra), and phctl finds a stage's
// outputs by it.
func StackName(stage string) string {
	return "PartnerHub-" + stage
}

// DynamoDB actions a function may be granted. No function is granted a wildcard.
const (
	GetItem       = "dynamodb:GetItem"
	PutItem       = "dynamodb:PutItem"
	UpdateItem    = "dynamodb:UpdateItem"
	DeleteItem    = "dynamodb:DeleteItem"
	Query         = "dynamodb:Query"
	ConditionItem = "dynamodb:ConditionCheckItem"
	BatchGetItem  = "dynamodb:BatchGetItem"
	// BatchWriteItem is authorised as itself, for the puts and deletes it carries.
	BatchWriteItem = "dynamodb:BatchWriteItem"
)

// readWrite is what an API function that changes items through transactions needs. TransactWriteItems is
// authorised per item action (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), so it has no action of its own.
var readWrite = []string{GetItem, PutItem, UpdateItem, DeleteItem, Query, ConditionItem}

// usersActions adds the batch read that fetches a page of the user list's users (and a search's memberships), or a
// page of tree search results' accounts above them, in one request; the activation function reads a searched
// page of users the same way for a bulk resend.
var usersActions = []string{GetItem, PutItem, UpdateItem, DeleteItem, Query, ConditionItem, BatchGetItem}

// Function is one Lambda function.
type Function struct {
	Name        string
	Description string
	Trigger     Trigger
	// TableActions are the DynamoDB actions it is granted on the table and its indexes.
	TableActions []string
	// SendsEmail grants ses:SendEmail.
	SendsEmail bool
	// SendsSMS grants sns:Publish, which texts a phone number (through AWS End User Messaging SMS).
	SendsSMS bool
	// NeedsKey grants read access to the HMAC key secret.
	NeedsKey bool
	// PublishesEvents grants events:PutEvents on the stack's event bus, and names the bus and the events' source.
	PublishesEvents bool
}

// Functions lists every function of the stack.
var Functions = []Function{
	{Name: Health, Description: "Liveness of the API and the table", Trigger: HTTP, TableActions: []string{GetItem}},
	{Name: Signup, Description: "Creates accounts and their point of contact; converts prospects to customers", Trigger: HTTP, TableActions: readWrite, NeedsKey: true},
	{Name: Activation, Description: "Activation links, set password, resend activation, password reset", Trigger: HTTP, TableActions: usersActions, NeedsKey: true},
	{Name: OTP, Description: "Sign-in, one-time codes, sessions, the signed-in user", Trigger: HTTP, TableActions: readWrite, NeedsKey: true},
	{Name: Mailer, Description: "Sends outbox messages through SES v2 and texts through SNS", Trigger: Stream, TableActions: []string{GetItem, UpdateItem}, SendsEmail: true, SendsSMS: true, NeedsKey: true},
	{Name: Sweep, Description: "Expires what was not used in time", Trigger: Schedule, TableActions: readWrite},
	{Name: Accounts, Description: "The partner tree: accounts, children with counts, search, edits, endpoints, apps, audit", Trigger: HTTP, TableActions: usersActions, NeedsKey: true},
	{Name: Revoke, Description: "Ends access: disables and enables accounts, removes users' access, revokes partner access", Trigger: HTTP, TableActions: readWrite, NeedsKey: true},
	{Name: Branding, Description: "Partner branding: logo, colour, support channel", Trigger: HTTP, TableActions: readWrite, NeedsKey: true},
	{Name: Profile, Description: "First sign-in steps: license agreement and company profile", Trigger: HTTP, TableActions: readWrite, NeedsKey: true},
	{Name: Users, Description: "User maintenance: search, invite, edit, status check, roles", Trigger: HTTP, TableActions: usersActions, NeedsKey: true},
	{Name: TwoFactor, Description: "Two-factor choices: email, SMS with a verified mobile, authenticator app", Trigger: HTTP, TableActions: readWrite, NeedsKey: true},
	{Name: PartnerAccess, Description: "Partner access: Partner IDs, share links, invitations, answers, staff and staff groups", Trigger: HTTP, TableActions: readWrite, NeedsKey: true},
	{Name: SearchIndex, Description: "Keeps the search index of users and accounts from the table's stream", Trigger: Stream, TableActions: []string{BatchWriteItem}},
	{Name: Bootstrap, Description: "Creates the provider account and its first administrator, and resends activation links, on an operator's invoke", Trigger: Operator, TableActions: []string{GetItem, PutItem, UpdateItem}},
	{Name: Events, Description: "Publishes lifecycle events to the event bus from the audit records in the table's stream", Trigger: Stream, PublishesEvents: true},
	{Name: MailFeedback, Description: "Records SES bounces, complaints and deliveries on the users they concern", Trigger: MailEvents, TableActions: []string{GetItem, UpdateItem, PutItem, DeleteItem}},
	{Name: KeyRotation, Description: "Rotates the HMAC keyring secret: a new current key, the old ones kept", Trigger: Rotation},
	{Name: Passkeys, Description: "Passkeys (WebAuthn): register, list, rename, remove; sign in with one", Trigger: HTTP, TableActions: readWrite, NeedsKey: true},
}

// Route is one HTTP route of the API.
type Route struct {
	Method   string
	Path     string // API Gateway syntax: /v1/activations/{token}
	Function string
	Auth     Auth
}

// Routes is the API.
var Routes = []Route{
	{"GET", "/v1/health", Health, Public},
	{"GET", "/v1/openapi.json", Health, Public},

	{"POST", "/v1/accounts", Signup, Session},
	{"POST", "/v1/accounts/{id}/convert", Signup, Session},

	{"GET", "/v1/activations/{token}", Activation, Public},
	{"POST", "/v1/activations/{token}", Activation, Public},
	{"POST", "/v1/activation-emails", Activation, Session},
	{"POST", "/v1/accounts/{id}/activation-emails", Activation, Session},

	{"POST", "/v1/sessions", OTP, Public},
	{"POST", "/v1/sessions/otp", OTP, Public},
	{"POST", "/v1/sessions/otp/resend", OTP, Public},
	{"POST", "/v1/sessions/otp/passkey-options", Passkeys, Public},
	{"POST", "/v1/sessions/otp/passkey", Passkeys, Public},
	{"POST", "/v1/sessions/passkey-options", Passkeys, Public},
	{"POST", "/v1/sessions/passkey", Passkeys, Public},
	{"DELETE", "/v1/sessions/current", OTP, Steps},
	{"POST", "/v1/sessions/current/account", OTP, Steps},
	{"GET", "/v1/me", OTP, Steps},
	{"GET", "/v1/me/sessions", OTP, Session},
	{"DELETE", "/v1/me/sessions/{sessionId}", OTP, Session},
	{"POST", "/v1/me/sessions/end-others", OTP, Session},

	{"GET", "/v1/accounts/{id}", Accounts, Session},
	{"PATCH", "/v1/accounts/{id}", Accounts, Session},
	{"GET", "/v1/accounts/{id}/children", Accounts, Session},
	{"GET", "/v1/accounts/{id}/search", Accounts, Session},
	{"PUT", "/v1/accounts/{id}/endpoints", Accounts, Session},
	{"GET", "/v1/accounts/{id}/audit", Accounts, Session},
	{"GET", "/v1/accounts/{id}/attention", Accounts, Session},
	{"GET", "/v1/apps", Accounts, Session},

	{"POST", "/v1/accounts/{id}/disable", Revoke, Session},
	{"POST", "/v1/accounts/{id}/enable", Revoke, Session},
	{"DELETE", "/v1/accounts/{id}/users/{userId}", Revoke, Session},
	{"POST", "/v1/partner-access/{grantId}/revoke", Revoke, Session},

	{"GET", "/v1/accounts/{id}/branding", Branding, Session},
	{"PUT", "/v1/accounts/{id}/branding", Branding, Session},
	{"PUT", "/v1/accounts/{id}/branding/logo", Branding, Session},
	{"PUT", "/v1/accounts/{id}/branding/enabled", Branding, Session},
	{"GET", "/v1/logos/{id}", Branding, Public},
	{"GET", "/v1/brands/{id}", Branding, Public},

	{"GET", "/v1/license", Profile, Steps},
	{"POST", "/v1/me/license-acceptance", Profile, Steps},
	{"PUT", "/v1/me/company", Profile, Steps},

	{"GET", "/v1/roles", Users, Session},
	{"GET", "/v1/accounts/{id}/users", Users, Session},
	{"POST", "/v1/accounts/{id}/users", Users, Session},
	{"POST", "/v1/accounts/{id}/user-imports", Users, Session},
	{"PATCH", "/v1/users/{id}", Users, Session},
	{"GET", "/v1/users/{id}/status", Users, Session},
	{"DELETE", "/v1/users/{id}/sessions", Users, Session},
	{"GET", "/v1/memberships/{token}", Users, Public},
	{"POST", "/v1/memberships/{token}", Users, Steps},

	{"PUT", "/v1/users/{id}/two-factor", TwoFactor, Session},
	{"GET", "/v1/me/two-factor", TwoFactor, Steps},
	{"PUT", "/v1/me/two-factor", TwoFactor, Session},
	{"POST", "/v1/me/mobile-verification", TwoFactor, Session},
	{"POST", "/v1/me/mobile-verification/confirm", TwoFactor, Session},
	{"POST", "/v1/me/totp", TwoFactor, Session},
	{"POST", "/v1/me/totp/confirm", TwoFactor, Session},
	{"DELETE", "/v1/me/totp", TwoFactor, Session},
	{"POST", "/v1/me/recovery-codes", TwoFactor, Session},
	{"DELETE", "/v1/me/mobile", TwoFactor, Session},
	{"GET", "/v1/me/passkeys", Passkeys, Session},
	{"POST", "/v1/me/passkeys/registrations", Passkeys, Session},
	{"POST", "/v1/me/passkeys", Passkeys, Session},
	{"PATCH", "/v1/me/passkeys/{passkeyId}", Passkeys, Session},
	{"DELETE", "/v1/me/passkeys/{passkeyId}", Passkeys, Session},

	{"GET", "/v1/accounts/{id}/partner-access", PartnerAccess, Session},
	{"POST", "/v1/accounts/{id}/partner-access", PartnerAccess, Session},
	{"POST", "/v1/accounts/{id}/share-links", PartnerAccess, Session},
	{"GET", "/v1/share-links/{token}", PartnerAccess, Session},
	{"POST", "/v1/share-links/{token}", PartnerAccess, Session},
	{"GET", "/v1/partner-access/{grantId}", PartnerAccess, Session},
	{"POST", "/v1/partner-access/{grantId}/accept", PartnerAccess, Session},
	{"POST", "/v1/partner-access/{grantId}/decline", PartnerAccess, Session},
	{"PUT", "/v1/partner-access/{grantId}/staff", PartnerAccess, Session},
	{"PUT", "/v1/partner-access/{grantId}/auto-extend", PartnerAccess, Session},
	{"POST", "/v1/partner-access/{grantId}/role-request", PartnerAccess, Session},
	{"POST", "/v1/partner-access/{grantId}/role-request/approve", PartnerAccess, Session},
	{"POST", "/v1/partner-access/{grantId}/role-request/decline", PartnerAccess, Session},
	{"PUT", "/v1/partner-access/{grantId}/roles", PartnerAccess, Session},
	{"PUT", "/v1/partner-access/{grantId}/groups/{groupId}", PartnerAccess, Session},
	{"DELETE", "/v1/partner-access/{grantId}/groups/{groupId}", PartnerAccess, Session},
	{"GET", "/v1/accounts/{id}/staff-groups", PartnerAccess, Session},
	{"POST", "/v1/accounts/{id}/staff-groups", PartnerAccess, Session},
	{"GET", "/v1/accounts/{id}/staff-groups/{groupId}", PartnerAccess, Session},
	{"PATCH", "/v1/accounts/{id}/staff-groups/{groupId}", PartnerAccess, Session},
	{"DELETE", "/v1/accounts/{id}/staff-groups/{groupId}", PartnerAccess, Session},
	{"PUT", "/v1/accounts/{id}/staff-groups/{groupId}/members/{userId}", PartnerAccess, Session},
	{"DELETE", "/v1/accounts/{id}/staff-groups/{groupId}/members/{userId}", PartnerAccess, Session},

	{"POST", "/v1/password-resets", Activation, Public},
	{"GET", "/v1/password-resets/{token}", Activation, Public},
	{"POST", "/v1/password-resets/{token}", Activation, Public},
}

// uploads are the routes whose body is a file rather than JSON, with the media types each accepts. The handler
// still requires an allowed Origin on them, and none of these types can be sent by a cross-site form.
var uploads = map[string][]string{
	"PUT /v1/accounts/{id}/branding/logo": {"image/png", "image/jpeg", "image/webp"},
	// A users import is a CSV file (pkg/member), up to 256 KiB.
	"POST /v1/accounts/{id}/user-imports": {"text/csv"},
}

// MediaTypes lists the media types an upload route's body may have; nil means the body is JSON.
func (r Route) MediaTypes() []string { return uploads[r.Key()] }

// NeedsSession reports whether the route needs a signed-in session.
func (r Route) NeedsSession() bool { return r.Auth != Public }

// Params lists the names of the route's path parameters, in path order: "id" and "userId" for
// /v1/accounts/{id}/users/{userId}.
func (r Route) Params() []string {
	var out []string
	for seg := range strings.SplitSeq(r.Path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}

// Key is the API Gateway route key, "METHOD /path".
func (r Route) Key() string { return r.Method + " " + r.Path }

// ByKey finds a route by its route key.
func ByKey(key string) (Route, bool) {
	for _, r := range Routes {
		if r.Key() == key {
			return r, true
		}
	}
	return Route{}, false
}

// Of lists the routes served by a function.
func Of(function string) []Route {
	var out []Route
	for _, r := range Routes {
		if r.Function == function {
			out = append(out, r)
		}
	}
	return out
}

// Lookup finds the function by name.
func Lookup(name string) (Function, error) {
	for _, f := range Functions {
		if f.Name == name {
			return f, nil
		}
	}
	return Function{}, fmt.Errorf("no function %q", name)
}

// Match matches a request path against a route path and returns the path parameters.
func (r Route) Match(method, path string) (map[string]string, bool) {
	if method != r.Method {
		return nil, false
	}
	want := strings.Split(strings.Trim(r.Path, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	if len(want) != len(got) {
		return nil, false
	}
	params := map[string]string{}
	for i, seg := range want {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if got[i] == "" {
				return nil, false
			}
			params[seg[1:len(seg)-1]] = got[i]
			continue
		}
		if seg != got[i] {
			return nil, false
		}
	}
	return params, true
}
