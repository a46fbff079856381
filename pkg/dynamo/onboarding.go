package dynamo

// Records and conditional writes of onboarding: new accounts with their point of contact, the provider account,
// and the state changes of users and accounts when a contact activates. The use cases in package onboarding add
// them to one Tx each, with the audit events, the outbox message and the token.

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// PutNew is a transaction Put that fails its condition if an item with the same key exists: it creates a record
// or, for a guard item, reserves a unique value.
func PutNew(tableName string, item map[string]types.AttributeValue) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName:           aws.String(tableName),
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
}

// companyGuard reserves a company name and points to its account.
type companyGuard struct {
	AccountID string `dynamodbav:"accountId"`
	Name      string `dynamodbav:"name"`
}

// CompanyGuardItem reserves a company name platform-wide, case-insensitively, for an account.
func CompanyGuardItem(name, accountID string) (map[string]types.AttributeValue, error) {
	return Record(companyGuard{AccountID: accountID, Name: name}, table.TypeGuard, table.CompanyNameGuard(name))
}

// ReserveCompanyName adds the guard that reserves a company name for an account; onFail is what it means if
// another account has the name (whatever its case).
func (t *Tx) ReserveCompanyName(name, accountID string, onFail error) *Tx {
	item, err := CompanyGuardItem(name, accountID)
	if err != nil {
		t.Fail(fmt.Errorf("encode company name guard: %w", err))
		return t
	}
	return t.PutItem(item, onFail)
}

// providerGuard names the provider account.
type providerGuard struct {
	AccountID string `dynamodbav:"accountId"`
}

// ReserveProvider adds the guard that marks the provider account as the root of the tree; there is exactly one,
// and onFail is what it means if another account is it.
func (t *Tx) ReserveProvider(accountID string, onFail error) *Tx {
	item, err := Record(providerGuard{AccountID: accountID}, table.TypeGuard, table.ProviderGuard())
	if err != nil {
		t.Fail(fmt.Errorf("encode provider guard: %w", err))
		return t
	}
	return t.PutItem(item, onFail)
}

// ProviderID returns the provider account's id, or fault.ErrNotFound before the platform is bootstrapped.
func (s Store) ProviderID(ctx context.Context) (string, error) {
	var g providerGuard
	found, err := Get(ctx, s.DB, s.Table, table.ProviderGuard(), &g)
	if err != nil {
		return "", err
	}
	if !found || g.AccountID == "" {
		return "", fmt.Errorf("provider: %w", fault.ErrNotFound)
	}
	return g.AccountID, nil
}

// AccountItem encodes an account. An account with a parent is listed among its parent's children on gsi1.
func AccountItem(a account.Account) (map[string]types.AttributeValue, error) {
	var ix []Index
	if a.ParentID != "" {
		ix = append(ix, OnGSI1(table.ChildrenGSI1(a.ParentID, a.Company.Name, a.ID)))
	}
	return Record(a, table.TypeAccount, table.AccountKey(a.ID), ix...)
}

// PutAccount adds the write of a new account; onFail is what it means if its id is taken (nil: a fresh random id
// does not collide).
func (t *Tx) PutAccount(a account.Account, onFail error) *Tx {
	item, err := AccountItem(a)
	if err != nil {
		t.Fail(fmt.Errorf("encode account: %w", err))
		return t
	}
	return t.PutItem(item, onFail)
}

// UserItem encodes a user.
func UserItem(u user.User) (map[string]types.AttributeValue, error) {
	return Record(u, table.TypeUser, table.UserKey(u.ID))
}

// MembershipItem encodes a membership, listed in its account's user list (the list's indexes) and, if it holds
// the account's administrator role, among its administrators on gsi2. A membership that holds several roles is
// also listed under each by a role entry: MembershipItems gives those too.
func MembershipItem(m user.Membership) (map[string]types.AttributeValue, error) {
	return memberItem(m)
}

// MembershipItems encodes a membership and its role entries (none unless it holds several roles): what a
// harness that seeds memberships outside a transaction writes, as PutMembership would.
func MembershipItems(m user.Membership) ([]map[string]types.AttributeValue, error) {
	item, err := memberItem(m)
	if err != nil {
		return nil, err
	}
	out := []map[string]types.AttributeValue{item}
	for _, r := range entryRoles(m) {
		entry, err := roleEntryItem(m, r)
		if err != nil {
			return nil, err
		}
		out = append(out, entry)
	}
	return out, nil
}

// CountChild adds the count of a new account in an ancestor's subtree counters, under counter
// (account.CounterOf). The ancestor must exist,
// so the transaction also proves the tree above the new account is still there; the direct parent must moreover
// not be disabled. onFail is what it means if not. It is a SET rather than an ADD because ADD works on top-level
// attributes only, and the counters live in the counts map, which every account is written with.
func (t *Tx) CountChild(ancestorID, counter string, direct bool, onFail error) *Tx {
	cond := "attribute_exists(pk)"
	names := map[string]string{"#counts": "counts", "#kind": counter}
	values := map[string]types.AttributeValue{":one": N(1), ":zero": N(0)}
	if direct {
		cond += " AND #status <> :disabled"
		names["#status"] = "status"
		values[":disabled"] = S(string(account.Disabled))
	}
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.AccountKey(ancestorID).AV(),
		UpdateExpression:          aws.String("SET #counts.#kind = if_not_exists(#counts.#kind, :zero) + :one"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}, onFail)
}

// UserActivation is what a user sets through their activation link.
type UserActivation struct {
	UserID             string
	TokenID            string // must still be the user's current activation token
	PasswordHash       string
	SecurityQuestion   string
	SecurityAnswerHash string
	At                 time.Time
}

// ActivateUser registers an invited user: password, security question and answer, status active. It fails its
// condition unless the user is still invited and the token is still their current one. Package onboarding's
// activation writes the same through the user's update seam (UpdateUser); test harnesses that seed activated
// users without a request (platformtest.Table.Activate, the e2e seed) build it with this.
func ActivateUser(tableName string, a UserActivation) (types.TransactWriteItem, error) {
	at, err := attributevalue.Marshal(a.At)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(tableName),
		Key:       table.UserKey(a.UserID).AV(),
		UpdateExpression: aws.String("SET #status = :active, passwordHash = :pw, securityQuestion = :q, " +
			"securityAnswerHash = :a, activatedAt = :at, #version = #version + :one"),
		ConditionExpression:      aws.String("#status = :invited AND activationTokenId = :tid"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":active":  S(string(user.Active)),
			":invited": S(string(user.Invited)),
			":pw":      S(a.PasswordHash),
			":q":       S(a.SecurityQuestion),
			":a":       S(a.SecurityAnswerHash),
			":at":      at,
			":tid":     S(a.TokenID),
			":one":     N(1),
		},
	}}, nil
}

// ActivateAccount makes a pending account active. It fails its condition unless the account is pending, so put
// it in a transaction only after reading that it is.
func ActivateAccount(tableName, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                aws.String(tableName),
		Key:                      table.AccountKey(accountID).AV(),
		UpdateExpression:         aws.String("SET #status = :active, #version = #version + :one"),
		ConditionExpression:      aws.String("#status = :pending"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":active":  S(string(account.Active)),
			":pending": S(string(account.Pending)),
			":one":     N(1),
		},
	}}
}

// ActivateAccount adds the update that makes a pending account active; onFail is what it means if it is no
// longer pending (another contact activated it first, or it was disabled).
func (t *Tx) ActivateAccount(accountID string, onFail error) *Tx {
	return t.Add(ActivateAccount(t.table, accountID), onFail)
}
