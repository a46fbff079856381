package dynamo

// The account's update seam: UpdateAccount reads an account, lets a use case's rule change it, and writes what
// changed with a condition on the version it read — with a rename's name guard, children sort key and membership
// copies — deciding again when it lost a race.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Errors of UpdateAccount.
var (
	// ErrCompanyNameTaken is a rename to a name another account has (whatever its case).
	ErrCompanyNameTaken = fmt.Errorf("company name taken: %w", fault.ErrConflict)
	// ErrAccountMoved is an update that kept finding the account changed since it read it.
	ErrAccountMoved = fmt.Errorf("account kept changing: %w", fault.ErrConflict)
)

// TooManyMembersError is a rename refused because copying the new name into every membership of the account
// would not fit in one transaction with the rest of the change: it is not done rather than done halfway.
type TooManyMembersError struct {
	// Max is the most memberships the change could have renamed.
	Max int
}

func (e TooManyMembersError) Error() string {
	return fmt.Sprintf("rename: more than %d memberships", e.Max)
}

// Unwrap makes the error a conflict.
func (e TooManyMembersError) Unwrap() error { return fault.ErrConflict }

// accountAttempts bounds how often UpdateAccount reads again an account that another change moved on between
// its read and its version-checked write.
const accountAttempts = 8

// errReread is the meaning of the items whose failure says that what was read has moved on (the account's
// version, a membership removed, the old name's guard): UpdateAccount reads again and asks the rule again.
var errReread = errors.New("read again")

// ErrReadAgain is the meaning a rule of UpdateAccount gives the items it adds whose failure says that something
// else it read has moved on (another aggregate's version): UpdateAccount reads again and asks the rule again.
var ErrReadAgain = errReread

// UpdateAccount is the account's update seam: it reads the account, lets rule change it and add to the
// transaction (audit events, counters of the accounts above, ...), and commits, in this order, the versioned
// write of what the rule changed, and for a new name the name's guards (ErrCompanyNameTaken if another account
// has it), the children index's sort key and the copies of the name in the account's memberships
// (TooManyMembersError when they do not fit), then the rule's items. If the account moved on meanwhile it reads
// it again and asks the rule again, a few times (then ErrAccountMoved). An unknown account is fault.ErrNotFound;
// an error of the rule is returned as it is. A rule that changes nothing and adds nothing writes nothing.
//
// The rule may change the company, apps, status (and the status before disabling), a customer's own endpoint
// count, its stage and the profile mark; anything else is an error. It answers the account as written.
func (s Store) UpdateAccount(ctx context.Context, id string, rule func(acc *account.Account, tx *Tx) error) (account.Account, error) {
	for range accountAttempts {
		acc, err := s.Account(ctx, id)
		if err != nil {
			return account.Account{}, err
		}
		next := acc
		next.Apps, next.Ancestors = maps.Clone(acc.Apps), slices.Clone(acc.Ancestors)
		ruled := s.Tx()
		if err := rule(&next, ruled); err != nil {
			return account.Account{}, err
		}
		tx, changed, err := s.accountWrite(ctx, acc, next, ruled.Len())
		if err != nil {
			return account.Account{}, err
		}
		if !changed && ruled.Len() == 0 {
			return acc, nil
		}
		tx.append(ruled)
		switch err := s.Commit(ctx, tx); {
		case errors.Is(err, errReread):
			continue
		case err != nil:
			return account.Account{}, err
		}
		if changed {
			next.Version = acc.Version + 1
		}
		return next, nil
	}
	return account.Account{}, ErrAccountMoved
}

// accountWrite is the transaction of an account's change but for the rule's own items (ruled of them): the
// account's versioned update (or, when nothing of it changed, a check that its version did not move), then what a
// new name needs.
func (s Store) accountWrite(ctx context.Context, old, next account.Account, ruled int) (tx *Tx, changed bool, err error) {
	set, remove, err := accountChanges(old, next)
	if err != nil {
		return nil, false, err
	}
	tx = s.Tx()
	changed = len(set) > 0 || len(remove) > 0
	renamed := next.Company.Name != old.Company.Name
	if renamed && old.ParentID != "" {
		set[table.AttrGSI1SK] = S(table.ChildrenGSI1(old.ParentID, next.Company.Name, old.ID).SK)
	}
	if changed {
		tx.Add(UpdateAccountItem(s.Table, old.ID, old.Version, set, remove...), errReread)
	} else {
		tx.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName:                 aws.String(s.Table),
			Key:                       table.AccountKey(old.ID).AV(),
			ConditionExpression:       aws.String("#version = :read"),
			ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
			ExpressionAttributeValues: map[string]types.AttributeValue{":read": N(int64(old.Version))},
		}}, errReread)
	}
	if !renamed {
		return tx, changed, nil
	}
	if table.Fold(next.Company.Name) == table.Fold(old.Company.Name) {
		respell, err := RespellCompanyName(s.Table, next.Company.Name, old.ID)
		if err != nil {
			return nil, false, err
		}
		tx.Add(respell, errReread)
	} else {
		guard, err := CompanyGuardItem(next.Company.Name, old.ID)
		if err != nil {
			return nil, false, err
		}
		tx.Add(ReleaseCompanyName(s.Table, old.Company.Name, old.ID), errReread)
		tx.PutItem(guard, ErrCompanyNameTaken)
	}
	users, err := s.MemberUserIDs(ctx, old.ID)
	if err != nil {
		return nil, false, err
	}
	if room := MaxTxItems - tx.Len() - ruled; len(users) > room {
		return nil, false, TooManyMembersError{Max: room}
	}
	for _, uid := range users {
		tx.Add(RenameMembership(s.Table, uid, old.ID, next.Company.Name), errReread)
	}
	return tx, changed, nil
}

// accountChanges is what UpdateAccount writes of an account's change: the attributes to set and to remove.
func accountChanges(old, next account.Account) (set map[string]types.AttributeValue, remove []string, err error) {
	if next.ID != old.ID || next.Kind != old.Kind || next.ParentID != old.ParentID || !slices.Equal(next.Ancestors, old.Ancestors) ||
		next.Counts != old.Counts || !next.CreatedAt.Equal(old.CreatedAt) || next.CreatedBy != old.CreatedBy ||
		next.Version != old.Version || next.ContactUserID != old.ContactUserID || next.PartnerID != old.PartnerID {
		return nil, nil, fmt.Errorf("update account %s: only the company, apps, status, endpoints, stage and profile mark change here", old.ID)
	}
	set = map[string]types.AttributeValue{}
	marshal := func(attr string, v any) {
		if err == nil {
			set[attr], err = attributevalue.Marshal(v)
		}
	}
	setOrRemove := func(attr string, v string) {
		if v == "" {
			remove = append(remove, attr)
		} else {
			set[attr] = S(v)
		}
	}
	if next.Company != old.Company {
		marshal("company", next.Company)
	}
	if !maps.Equal(next.Apps, old.Apps) {
		if len(next.Apps) == 0 {
			remove = append(remove, "apps")
		} else {
			marshal("apps", next.Apps)
		}
	}
	if next.Status != old.Status {
		set["status"] = S(string(next.Status))
	}
	if next.StatusBeforeDisable != old.StatusBeforeDisable {
		setOrRemove("statusBeforeDisable", string(next.StatusBeforeDisable))
	}
	if next.Stage != old.Stage {
		setOrRemove("stage", string(next.Stage))
	}
	if next.Endpoints != old.Endpoints {
		set[account.CounterEndpoints] = N(int64(next.Endpoints))
	}
	if next.ProfilePending != old.ProfilePending {
		if next.ProfilePending {
			set["profilePending"] = &types.AttributeValueMemberBOOL{Value: true}
		} else {
			remove = append(remove, "profilePending")
		}
	}
	return set, remove, err
}

// append adds the items of another transaction of the same table, with their meanings.
func (t *Tx) append(o *Tx) {
	t.items = append(t.items, o.items...)
	t.fails = append(t.fails, o.fails...)
	t.Fail(o.err)
}

// MoveCounter adds the move of one counter of an ancestor's subtree counts (account.Counts, e.g. "endpoints" or
// "disabled") by delta. The ancestor must exist, so the transaction also proves the tree above is still there;
// onFail is what it means if it is not.
func (t *Tx) MoveCounter(ancestorID, counter string, delta int, onFail error) *Tx {
	return t.Add(MoveCounter(t.table, ancestorID, counter, delta), onFail)
}

// ConvertCount adds the move, on an ancestor's subtree counts, of one account from one counter to another (a
// prospect converted: from "prospects" to "customers"), in one update of the ancestor: a transaction takes one
// operation per item. The ancestor must exist; onFail is what it means if it is not.
func (t *Tx) ConvertCount(ancestorID, from, to string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(t.table),
		Key:       table.AccountKey(ancestorID).AV(),
		UpdateExpression: aws.String("SET #counts.#from = if_not_exists(#counts.#from, :zero) - :one, " +
			"#counts.#to = if_not_exists(#counts.#to, :zero) + :one"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#counts": "counts", "#from": from, "#to": to},
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": N(0), ":one": N(1)},
	}}, onFail)
}

// AccountExists adds the condition that an account is still there; onFail is what it means if it is not.
func (t *Tx) AccountExists(accountID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:           aws.String(t.table),
		Key:                 table.AccountKey(accountID).AV(),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}, onFail)
}
