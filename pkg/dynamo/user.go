package dynamo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Store reads and writes PartnerHub's records in the table.
type Store struct {
	DB    DB
	Table string
}

// emailGuard is the item that reserves an email address and points to its user.
type emailGuard struct {
	UserID string `dynamodbav:"userId"`
}

// User reads a user by id.
func (s Store) User(ctx context.Context, id string) (user.User, error) {
	var u user.User
	found, err := Get(ctx, s.DB, s.Table, table.UserKey(id), &u)
	if err != nil {
		return u, err
	}
	if !found {
		return u, fmt.Errorf("user %s: %w", id, fault.ErrNotFound)
	}
	return u, nil
}

// UserByEmail reads a user by email address, case-insensitively.
func (s Store) UserByEmail(ctx context.Context, email string) (user.User, error) {
	var g emailGuard
	found, err := Get(ctx, s.DB, s.Table, table.EmailGuard(email), &g)
	if err != nil {
		return user.User{}, err
	}
	if !found || g.UserID == "" {
		return user.User{}, fmt.Errorf("user by email: %w", fault.ErrNotFound)
	}
	return s.User(ctx, g.UserID)
}

// EmailGuardItem is the guard that reserves an email for a user; a Put of it with attribute_not_exists fails if
// the email is taken.
func EmailGuardItem(email, userID string) (map[string]types.AttributeValue, error) {
	return Record(emailGuard{UserID: userID}, table.TypeGuard, table.EmailGuard(email))
}

// Memberships lists a user's memberships.
func (s Store) Memberships(ctx context.Context, userID string) ([]user.Membership, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(table.UserKey(userID).PK),
			":sk": S(table.MembershipPrefix),
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, Unavailable("memberships", err)
	}
	var ms []user.Membership
	return ms, attributevalue.UnmarshalListOfMaps(out.Items, &ms)
}

// Membership reads a user's membership in one account.
func (s Store) Membership(ctx context.Context, userID, accountID string) (user.Membership, error) {
	var m user.Membership
	found, err := Get(ctx, s.DB, s.Table, table.MembershipKey(userID, accountID), &m)
	if err != nil {
		return m, err
	}
	if !found {
		return m, fmt.Errorf("membership: %w", fault.ErrNotFound)
	}
	return m, nil
}

// Account reads an account by id.
func (s Store) Account(ctx context.Context, id string) (account.Account, error) {
	var a account.Account
	found, err := Get(ctx, s.DB, s.Table, table.AccountKey(id), &a)
	if err != nil {
		return a, err
	}
	if !found {
		return a, fmt.Errorf("account %s: %w", id, fault.ErrNotFound)
	}
	return a, nil
}

// PutUser adds the writes of a new user and of the guard that reserves their email address; onEmailTaken is
// what it means if another user has the address (whatever its case).
func (t *Tx) PutUser(u user.User, onEmailTaken error) *Tx {
	guard, err := EmailGuardItem(u.Email, u.ID)
	if err != nil {
		t.Fail(fmt.Errorf("encode email guard: %w", err))
		return t
	}
	item, err := UserItem(u)
	if err != nil {
		t.Fail(fmt.Errorf("encode user: %w", err))
		return t
	}
	return t.PutItem(guard, onEmailTaken).PutItem(item, nil) // a fresh random id: no meaning
}

// MoveEmailGuard adds the move of a user's address guard from one address to another: the guard of to is written
// only if no one holds that address (else the commit fails with onTaken), the guard of from is deleted only while
// it is still the user's. An address that differs only in case keeps its guard.
func (t *Tx) MoveEmailGuard(userID, from, to string, onTaken error) *Tx {
	t.emailTo = to
	if table.Fold(from) == table.Fold(to) {
		return t
	}
	guard, err := EmailGuardItem(to, userID)
	if err != nil {
		t.Fail(fmt.Errorf("encode email guard: %w", err))
		return t
	}
	t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(t.table),
		Key:                       table.EmailGuard(from).AV(),
		ConditionExpression:       aws.String("userId = :u"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": S(userID)},
	}}, ErrUserStale)
	return t.PutItem(guard, onTaken)
}

// PutMembership adds the write of a new membership, with its role entries if it holds several roles; onFail is
// what it means if the user is a member of the account already.
func (t *Tx) PutMembership(m user.Membership, onFail error) *Tx {
	items, err := newMember(t.table, m)
	return t.addMemberItems(items, err, onFail)
}

// ErrUserStale is a change of a user that kept finding the user (or what the change relied on) changed since
// it read them: a conflict to try again later. A rule of UpdateUser gives it as the meaning of the items whose
// failure says that what it read has moved on, to be read and decided again.
var ErrUserStale = fmt.Errorf("user changed since it was read: %w", fault.ErrConflict)

// userAttempts bounds how often UpdateUser decides a change again after it lost a race.
const userAttempts = 4

// UpdateUser is the user's update seam: it reads the user, lets rule change them and add to the transaction
// (their memberships, tokens, mail, audit events, ...), and commits the write of what the rule changed on the
// user together with the rule's items. The user's write holds only while the user is at the version read and
// moves the version on — even when the rule changed nothing on the user but added items — so two changes decided
// on the same reading of a user (two removals that each saw the other's membership, a removal and an accepted
// invitation) cannot both commit. If the user moved on meanwhile, or an item the rule added with the meaning
// ErrUserStale fails, it reads again and asks the rule again, a few times (then ErrUserStale). An unknown user is
// fault.ErrNotFound; an error of the rule, or any other meaning of a failed item, is returned as it is. A rule
// that changes nothing and adds nothing writes nothing.
//
// The rule may change anything but the id, the creation time and the version; it changes the email address only
// together with the move of its guard (Tx.MoveEmailGuard) and of the memberships' copies (Tx.CopyMemberContact).
// It answers the user as written.
func (s Store) UpdateUser(ctx context.Context, id string, rule func(u *user.User, tx *Tx) error) (user.User, error) {
	for range userAttempts {
		read, err := s.User(ctx, id)
		if err != nil {
			return user.User{}, err
		}
		next, ruled := read, s.Tx()
		if err := rule(&next, ruled); err != nil {
			return user.User{}, err
		}
		if next.Email != read.Email && ruled.emailTo != next.Email {
			return user.User{}, fmt.Errorf("update user %s: the address changes only with its guard (Tx.MoveEmailGuard)", id)
		}
		write, changed, err := s.userWrite(read, next)
		if err != nil {
			return user.User{}, err
		}
		if !changed && ruled.Len() == 0 {
			return read, nil
		}
		// The user's own condition comes first: when it fails with others, the change is decided again.
		switch err := s.Commit(ctx, write.then(ruled)); {
		case errors.Is(err, ErrUserStale):
			continue
		case err != nil:
			return user.User{}, err
		}
		next.Version = read.Version + 1
		return next, nil
	}
	return user.User{}, ErrUserStale
}

// ChangeUser adds the versioned write that makes a user read as old into next, as UpdateUser writes it: for a
// change of an account's update seam (UpdateAccount) that also changes a user, such as the contact of a prospect
// getting their activation link when it is converted. onFail is what it means if the user moved on since old
// was read (ErrReadAgain, for UpdateAccount to decide again).
func (t *Tx) ChangeUser(old, next user.User, onFail error) *Tx {
	w, _, err := Store{Table: t.table}.userWrite(old, next)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.Add(w.items[0], onFail)
}

// userWrite is the versioned update of a user read as old that makes them next: the attributes that differ are
// set or removed, and the version moves on. changed reports whether any attribute but the version differs.
func (s Store) userWrite(old, next user.User) (tx *Tx, changed bool, err error) {
	if next.ID != old.ID || !next.CreatedAt.Equal(old.CreatedAt) || next.Version != old.Version {
		return nil, false, fmt.Errorf("update user %s: the id, creation time and version do not change here", old.ID)
	}
	was, err := attributevalue.MarshalMap(old)
	if err != nil {
		return nil, false, fmt.Errorf("encode user: %w", err)
	}
	now, err := attributevalue.MarshalMap(next)
	if err != nil {
		return nil, false, fmt.Errorf("encode user: %w", err)
	}
	cond, values := versionIs(old.Version)
	names := map[string]string{"#version": table.AttrVersion}
	values[":next"] = N(int64(old.Version + 1))
	set := []string{"#version = :next"}
	var remove []string
	for _, attr := range slices.Sorted(maps.Keys(now)) {
		if attr == table.AttrVersion || reflect.DeepEqual(was[attr], now[attr]) {
			continue
		}
		p := fmt.Sprintf("#a%d", len(names))
		names[p] = attr
		values[":"+p[1:]] = now[attr]
		set = append(set, p+" = :"+p[1:])
	}
	for _, attr := range slices.Sorted(maps.Keys(was)) {
		if _, kept := now[attr]; kept {
			continue
		}
		p := fmt.Sprintf("#a%d", len(names))
		names[p] = attr
		remove = append(remove, p)
	}
	update := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}
	tx = s.Tx().Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.Table),
		Key:                       table.UserKey(old.ID).AV(),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(pk) AND " + cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}, ErrUserStale)
	return tx, len(set) > 1 || len(remove) > 0, nil
}
