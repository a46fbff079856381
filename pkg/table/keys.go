package table

// Every key in the table is built here, so the whole layout can be read in one place.
//
// Access patterns (no Scan anywhere):
//
//	read                                   key condition                                   served by
//	account by id                          pk=ACCOUNT#<id>, sk=ACCOUNT                      table
//	the provider (root) account's id       pk=PROVIDER, sk=GUARD                           table
//	children of an account, by name        gsi1pk=CHILDREN#<parentId>, gsi1sk=<name>#<id>    gsi1
//	account's audit events, newest first   pk=ACCOUNT#<id>, sk begins_with AUDIT#  (desc)    table
//	company name taken?                    pk=COMPANY#<lower(name)>, sk=GUARD               table
//	user by id                             pk=USER#<id>, sk=USER                           table
//	user id by email (sign-in)             pk=EMAIL#<lower(email)>, sk=GUARD                table
//	user's memberships                     pk=USER#<id>, sk begins_with MEMBER#              table
//	account's users, by name               gsi1pk=MEMBERS#<accountId>, gsi1sk=<name>#<uid>   gsi1
//	user's sessions (end them all)         gsi1pk=SESSIONS#<userId>                        gsi1
//	token by id (activation, reset, ...)   pk=TOKEN#<id>, sk=TOKEN                         table
//	OTP challenge by id                    pk=CHALLENGE#<id>, sk=CHALLENGE                 table
//	session by token hash                  pk=SESSION#<hash>, sk=SESSION                   table
//	outbox message by id                   pk=OUTBOX#<id>, sk=OUTBOX                       table
//	rate-limit window                      pk=RATE#<scope>#<subject>, sk=<window>           table
//	  sign-in attempts per source IP       pk=RATE#signin-ip#<ip>, sk=<window start>        table
//	  sign-in attempts per email           pk=RATE#signin-email#<hmac(email)>, sk=<start>   table
//	  code guesses and resends per IP      pk=RATE#otp-ip#<ip>, sk=<window start>           table
//	items due to expire before t           xpk=EXPIRY, xsk <= <t>                          expiry (sparse)
//
// The expiry index is sparse: only items that are still waiting to expire carry xpk/xsk, and the sweep removes
// them when it handles the item, so a sweep reads what is due and nothing else.

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Record types, stored in the "type" attribute of every item. The sweep dispatches on them.
const (
	TypeAccount   = "account"
	TypeAudit     = "audit"
	TypeGuard     = "guard"
	TypeUser      = "user"
	TypeMember    = "membership"
	TypeToken     = "token"
	TypeChallenge = "challenge"
	TypeSession   = "session"
	TypeOutbox    = "outbox"
	TypeRate      = "rate"
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
	prefixChildren  = "CHILDREN#"
	prefixMembers   = "MEMBERS#"
	prefixSessions  = "SESSIONS#"
	expiryPartition = "EXPIRY"
)

// HealthKey is read by the health check to prove the table answers; the item need not exist.
func HealthKey() Key { return Key{"HEALTH", "HEALTH"} }

// ProviderGuard is the one item that names the provider account. Writing it with attribute_not_exists makes the
// bootstrap idempotent and keeps the root of the tree unique.
func ProviderGuard() Key { return Key{"PROVIDER", "GUARD"} }

// AccountKey is the key of an account.
func AccountKey(id string) Key { return Key{prefixAccount + id, "ACCOUNT"} }

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

// TokenKey is the key of a single-use token (activation, invitation, password reset).
func TokenKey(id string) Key { return Key{prefixToken + id, "TOKEN"} }

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

// ChildrenGSI1 places an account in its parent's list of children, ordered by name.
func ChildrenGSI1(parentID, name, id string) Key {
	return Key{prefixChildren + parentID, Fold(name) + "#" + id}
}

// ChildrenPartition is the gsi1 partition that lists a parent's children.
func ChildrenPartition(parentID string) string { return prefixChildren + parentID }

// MembersGSI1 places a membership in its account's list of users, ordered by name.
func MembersGSI1(accountID, name, userID string) Key {
	return Key{prefixMembers + accountID, Fold(name) + "#" + userID}
}

// MembersPartition is the gsi1 partition that lists an account's users.
func MembersPartition(accountID string) string { return prefixMembers + accountID }

// SessionsGSI1 places a session in its user's list of sessions.
func SessionsGSI1(userID, hash string) Key { return Key{prefixSessions + userID, hash} }

// SessionsPartition is the gsi1 partition that lists a user's sessions.
func SessionsPartition(userID string) string { return prefixSessions + userID }

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
