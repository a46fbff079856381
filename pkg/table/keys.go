package table

// Every key in the table is built here (the layout and the access patterns they serve: layout.go).

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Record types, stored in the "type" attribute of every item. The sweep dispatches on them.
const (
	TypeAccount = "account"
	TypeAudit   = "audit"
	// TypeUndeliverable marks, in a user's home account, that their address bounced or complained.
	TypeUndeliverable = "undeliverable"
	TypeGuard         = "guard"
	TypeUser          = "user"
	TypeMember        = "membership"
	TypeToken         = "token"
	TypeChallenge     = "challenge"
	TypeSession       = "session"
	TypeOutbox        = "outbox"
	TypeRate          = "rate"
	// TypeInvitation is a pending invitation of an existing login into another account.
	TypeInvitation = "invitation"
	TypeFactors    = "factors"
	TypeReset      = "reset"
	TypeBrand      = "brand"
	TypeLogo       = "logo"
	// TypeGrant is a partner access grant: a customer's support partner, invited, active or ended.
	TypeGrant = "grant"
	// TypeShareLink is a partner's share link, which a customer opens to invite the partner.
	TypeShareLink = "share-link"
	// TypeStaffGroup is a partner's staff group; TypeStaffGroupCount the count of a partner's groups.
	TypeStaffGroup      = "staff-group"
	TypeStaffGroupCount = "staff-group-count"
	// TypeFind is an entry of the search index, derived from a membership or an account by the search-index
	// function (package indexer).
	TypeFind = "find"
	// TypePasskey is one of a user's passkeys (a WebAuthn credential).
	TypePasskey = "passkey"
	// TypeCeremony is a begun WebAuthn ceremony, keyed by the HMAC of its challenge; TTL collects it.
	TypeCeremony = "ceremony"
)

// Key is a primary key of the table.
type Key struct {
	PK string
	SK string
}

// AV is the key as DynamoDB attribute values, for GetItem, UpdateItem, DeleteItem and conditions.
func (k Key) AV() map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		AttrPK: &types.AttributeValueMemberS{Value: k.PK},
		AttrSK: &types.AttributeValueMemberS{Value: k.SK},
	}
}

// Prefixes of partition keys.
const (
	prefixAccount   = "ACCOUNT#"
	prefixCompany   = "COMPANY#"
	prefixUser      = "USER#"
	prefixEmail     = "EMAIL#"
	prefixToken     = "TOKEN#"
	prefixChallenge = "CHALLENGE#"
	prefixSession   = "SESSION#"
	prefixOutbox    = "OUTBOX#"
	prefixRate      = "RATE#"
	prefixMember    = "MEMBER#"
	prefixAudit     = "AUDIT#"
	prefixUndeliv   = "UNDELIVERABLE#"
	prefixChildren  = "CHILDREN#"
	prefixMembers   = "MEMBERS#"
	prefixSessions  = "SESSIONS#"
	prefixInvite    = "INVITE#"
	prefixAdmins    = "ADMINS#"
	prefixLogo      = "LOGO#"
	prefixPartnerID = "PARTNERID#"
	prefixGrant     = "GRANT#"
	prefixGrantPair = "GRANTPAIR#"
	prefixGrants    = "GRANTS#"
	prefixPGrants   = "PARTNERGRANTS#"
	prefixShareLink = "SHARELINK#"
	prefixFindUsers = "FINDUSERS#"
	prefixFindAccts = "FINDACCOUNTS#"
	prefixPasskey   = "PASSKEY#"
	prefixCredID    = "PASSKEYCRED#"
	prefixCeremony  = "CEREMONY#"
	prefixGroup     = "STAFFGROUP#"
	prefixGroupName = "GROUPNAME#"
	expiryPartition = "EXPIRY"
)

// HealthKey is read by the health check to prove the table answers; the item need not exist.
func HealthKey() Key { return Key{"HEALTH", "HEALTH"} }

// ProviderGuard is the one item that names the provider account. Writing it with attribute_not_exists makes the
// bootstrap idempotent and keeps the root of the tree unique.
func ProviderGuard() Key { return Key{"PROVIDER", "GUARD"} }

// AccountKey is the key of an account.
func AccountKey(id string) Key { return Key{prefixAccount + id, "ACCOUNT"} }

// AccountIDOf returns the id of the account whose key k is, or false if k is not an account's key. Page cursors
// that hand a key back are checked with it.
func AccountIDOf(k Key) (string, bool) {
	id, ok := strings.CutPrefix(k.PK, prefixAccount)
	if !ok || id == "" || k != AccountKey(id) {
		return "", false
	}
	return id, true
}

// BrandKey is the key of an account's branding settings (enabled by the provider, set by the partner).
func BrandKey(accountID string) Key { return Key{prefixAccount + accountID, "BRAND"} }

// LogoKey is the key of an account's logo image.
func LogoKey(accountID string) Key { return Key{prefixLogo + accountID, "LOGO"} }

// PartnerIDGuard reserves a Partner ID (in its canonical form, without the hyphen) and names its account.
func PartnerIDGuard(canonical string) Key { return Key{prefixPartnerID + canonical, "GUARD"} }

// GrantKey is the key of a partner access grant.
func GrantKey(id string) Key { return Key{prefixGrant + id, "GRANT"} }

// GrantIDOf returns the id of the grant whose key k is, or false if k is not a grant's key. Page cursors that
// hand a key back are checked with it.
func GrantIDOf(k Key) (string, bool) {
	id, ok := strings.CutPrefix(k.PK, prefixGrant)
	if !ok || id == "" || k != GrantKey(id) {
		return "", false
	}
	return id, true
}

// GrantPairGuard exists while a customer's grant to a partner is pending or active and names that grant.
func GrantPairGuard(customerID, partnerID string) Key {
	return Key{prefixGrantPair + customerID + "#" + partnerID, "GUARD"}
}

// CustomerGrantsGSI1 places a grant among its customer's grants; sort is GrantListKey's.
func CustomerGrantsGSI1(customerID, sort string) Key { return Key{prefixGrants + customerID, sort} }

// CustomerGrantsPartition is the gsi1 partition that lists a customer's grants.
func CustomerGrantsPartition(customerID string) string { return prefixGrants + customerID }

// PartnerGrantsGSI2 places a grant among its partner's grants; sort is GrantListKey's.
func PartnerGrantsGSI2(partnerID, sort string) Key { return Key{prefixPGrants + partnerID, sort} }

// PartnerGrantsPartition is the gsi2 partition that lists a partner's grants.
func PartnerGrantsPartition(partnerID string) string { return prefixPGrants + partnerID }

// Stages of a grant in its lists, in list order.
const (
	GrantStagePending = 1
	GrantStageActive  = 2
	GrantStageEnded   = 3
)

// GrantListKey is a grant's sort key in its lists: pending invitations first, then active grants, each in name
// order of the other side (name), then ended grants, newest first (endedAt counts down).
func GrantListKey(stage int, name string, endedAt time.Time, id string) string {
	if stage == GrantStageEnded {
		// Nanoseconds left until 2262 count down as time goes on, so the newer sorts first; fixed width.
		return fmt.Sprintf("%d#%019d#%s", stage, math.MaxInt64-endedAt.UnixNano(), id)
	}
	return fmt.Sprintf("%d#%s#%s", stage, Collate(name), id)
}

// StaffGroupKey is the key of a partner's staff group.
func StaffGroupKey(accountID, id string) Key { return Key{prefixAccount + accountID, prefixGroup + id} }

// StaffGroupCountKey counts a partner's staff groups, which bounds them.
func StaffGroupCountKey(accountID string) Key { return Key{prefixAccount + accountID, "STAFFGROUPS"} }

// StaffGroupPrefix begins the sort keys of a partner's staff groups in its account's partition.
const StaffGroupPrefix = prefixGroup

// GroupNameGuard keeps a staff group's name unique within its partner account.
func GroupNameGuard(accountID, name string) Key {
	return Key{prefixGroupName + accountID + "#" + Fold(name), "GUARD"}
}

// ShareLinkKey is the key of a partner's share link.
func ShareLinkKey(id string) Key { return Key{prefixShareLink + id, "SHARELINK"} }

// CompanyNameGuard reserves a company name platform-wide, case-insensitively.
func CompanyNameGuard(name string) Key { return Key{prefixCompany + Fold(name), "GUARD"} }

// UserKey is the key of a user.
func UserKey(id string) Key { return Key{prefixUser + id, "USER"} }

// EmailGuard reserves an email address and maps it to its user.
func EmailGuard(email string) Key { return Key{prefixEmail + Fold(email), "GUARD"} }

// MembershipKey is the key of a user's membership in an account.
func MembershipKey(userID, accountID string) Key {
	return Key{prefixUser + userID, prefixMember + accountID}
}

// MembershipPrefix is the sort-key prefix of a user's memberships.
const MembershipPrefix = prefixMember

// InvitationKey is the key of a user's pending invitation into an account. There is at most one per user and
// account; it names the current invitation token.
func InvitationKey(userID, accountID string) Key {
	return Key{prefixUser + userID, prefixInvite + accountID}
}

// TokenKey is the key of a single-use token (activation, invitation, password reset).
func TokenKey(id string) Key { return Key{prefixToken + id, "TOKEN"} }

// FactorsKey is the key of a user's second factors: the verified mobile, the authenticator secret (sealed) and
// the recovery codes (hashed). It sits in the user's partition, apart from the user item that every request reads.
func FactorsKey(userID string) Key { return Key{prefixUser + userID, "FACTORS"} }

// ResetKey is the key of the item that names a user's current password-reset token: a new request replaces
// it, so only the latest reset link works.
func ResetKey(userID string) Key { return Key{prefixUser + userID, "RESET"} }

// PasskeyKey is the key of one of a user's passkeys, by its id in PartnerHub.
func PasskeyKey(userID, id string) Key { return Key{prefixUser + userID, prefixPasskey + id} }

// PasskeyPrefix is the sort-key prefix of a user's passkeys.
const PasskeyPrefix = prefixPasskey

// PasskeyCredentialGuard names the owner of a WebAuthn credential id (hashed with SHA-256 to bound its length):
// a passwordless sign-in finds the user by it, and writing it with attribute_not_exists keeps one credential
// on one user.
func PasskeyCredentialGuard(credentialID string) Key {
	sum := sha256.Sum256([]byte(credentialID))
	return Key{prefixCredID + base64.RawURLEncoding.EncodeToString(sum[:]), "GUARD"}
}

// CeremonyKey is the key of a begun WebAuthn ceremony, by the HMAC of its challenge: the table never holds a
// challenge that could be answered.
func CeremonyKey(hash string) Key { return Key{prefixCeremony + hash, "CEREMONY"} }

// ChallengeKey is the key of a one-time-code challenge.
func ChallengeKey(id string) Key { return Key{prefixChallenge + id, "CHALLENGE"} }

// SessionKey is the key of a session, by the hash of its token.
func SessionKey(hash string) Key { return Key{prefixSession + hash, "SESSION"} }

// OutboxKey is the key of an outbox message.
func OutboxKey(id string) Key { return Key{prefixOutbox + id, "OUTBOX"} }

// OutboxPrefix is the partition-key prefix of outbox messages; the stream filter selects on it.
const OutboxPrefix = prefixOutbox

// RateKey is the key of one rate-limit window for a subject (a user id, an IP, ...).
func RateKey(scope, subject, window string) Key {
	return Key{prefixRate + scope + "#" + subject, window}
}

// AuditKey is the key of an audit event on an account. Sort keys order by time, so a descending query lists
// the newest first.
func AuditKey(accountID string, at time.Time, id string) Key {
	return Key{prefixAccount + accountID, prefixAudit + Timestamp(at) + "#" + id}
}

// AuditPrefix is the sort-key prefix of an account's audit events.
const AuditPrefix = prefixAudit

// UndeliverableKey is the mark, in a user's home account, that the user's address bounced or complained: the
// home page's attention summary finds registered users with a dead address by it (unregistered ones it finds
// in their own list). The mark is written and removed with the user's email state; the user item decides.
func UndeliverableKey(accountID, userID string) Key {
	return Key{prefixAccount + accountID, prefixUndeliv + userID}
}

// UndeliverablePrefix is the sort-key prefix of an account's undeliverable marks.
const UndeliverablePrefix = prefixUndeliv

// AuditRange is the key condition of an account's audit events from from to to, both included (a zero time
// leaves that end open): pk = pk AND sk BETWEEN lo AND hi. "~" sorts after every digit of a timestamp and every
// character of an id.
func AuditRange(accountID string, from, to time.Time) (pk, lo, hi string) {
	pk, lo, hi = prefixAccount+accountID, prefixAudit, prefixAudit+"~"
	if !from.IsZero() {
		lo = prefixAudit + Timestamp(from)
	}
	if !to.IsZero() {
		hi = prefixAudit + Timestamp(to) + "#~"
	}
	return pk, lo, hi
}

// ChildrenGSI1 places an account in its parent's list of children, ordered by name.
func ChildrenGSI1(parentID, name, id string) Key {
	return Key{prefixChildren + parentID, Fold(name) + "#" + id}
}

// ChildrenPartition is the gsi1 partition that lists a parent's children.
func ChildrenPartition(parentID string) string { return prefixChildren + parentID }

// MembersGSI1 places a membership in its account's list of users, ordered by name as people expect it
// (Collate: whatever the case, and Émile among the E's).
func MembersGSI1(accountID, name, userID string) Key {
	return Key{prefixMembers + accountID, Collate(name) + "#" + userID}
}

// MembersPartition is the gsi1 partition that lists an account's users.
func MembersPartition(accountID string) string { return prefixMembers + accountID }

// AdminsGSI2 places an administrator membership in its account's list of administrators. Only memberships that
// hold the account's administrator role carry it.
func AdminsGSI2(accountID, userID string) Key { return Key{prefixAdmins + accountID, userID} }

// AdminsPartition is the gsi2 partition that lists an account's administrators.
func AdminsPartition(accountID string) string { return prefixAdmins + accountID }

// SessionsGSI1 places a session in its user's list of sessions.
func SessionsGSI1(userID, hash string) Key { return Key{prefixSessions + userID, hash} }

// SessionsPartition is the gsi1 partition that lists a user's sessions.
func SessionsPartition(userID string) string { return prefixSessions + userID }

// FindUsersPartition holds the search entries of an account's users: one per start of a word or part of one in
// each member's name and email address (FindStarts).
func FindUsersPartition(accountID string) string { return prefixFindUsers + accountID }

// FindAccountsPartition holds the search entries of the accounts of an account's subtree, itself included: each
// account is entered under its own partition and each of its ancestors'.
func FindAccountsPartition(accountID string) string { return prefixFindAccts + accountID }

// FindKey is the key of a search entry: in partition, the suffix a search matches (FindSuffix), then the tie
// that orders the entries of one suffix and makes the key unique (FindTie).
func FindKey(partition, suffix, tie string) Key { return Key{partition, suffix + findSep + tie} }

// FindTie orders the entries of one suffix by name and tells them apart by id: the same value as the user list's
// name key (MembersGSI1), so a member's entries and its membership sort alike.
func FindTie(name, id string) string { return Collate(name) + "#" + id }

// ExpiryIndexKey puts an item on the sparse expiry index, due at the given time. The item's own key ends the
// sort key so that two items due at the same instant stay distinct.
func ExpiryIndexKey(due time.Time, item Key) Key {
	return Key{expiryPartition, Timestamp(due) + "#" + item.PK + "#" + item.SK}
}

// ExpiryPartition is the only partition of the expiry index.
const ExpiryPartition = expiryPartition

// ExpiryUpTo is the exclusive upper bound of sort keys due at or before t.
func ExpiryUpTo(t time.Time) string { return Timestamp(t) + "#~" }

// Timestamp formats t so that strings sort like times: UTC, fixed width, nanoseconds.
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// Fold is the case-insensitive form of names and emails used in keys.
func Fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Collate is the form of a person's name that name order sorts: Fold, and the accented Latin letters of
// Western and Central European names as their base letter, so that "Émile" sorts and files under E.
func Collate(s string) string {
	return strings.Map(func(r rune) rune {
		if base, ok := latinBase[r]; ok {
			return base
		}
		return r
	}, Fold(s))
}

// latinBase maps accented lower-case Latin letters to their base letter.
var latinBase = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'd': "ďđ", 'e': "èéêëēĕėęě", 'g': "ĝğġģ", 'h': "ĥħ",
		'i': "ìíîïĩīĭįı", 'j': "ĵ", 'k': "ķ", 'l': "ĺļľŀł", 'n': "ñńņňŉ", 'o': "òóôõöøōŏő",
		'r': "ŕŗř", 's': "śŝşš", 't': "ţťŧ", 'u': "ùúûüũūŭůűų", 'w': "ŵ", 'y': "ýÿŷ", 'z': "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
