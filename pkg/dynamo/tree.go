package dynamo

// Reads and conditional writes of the partner tree: the accounts above an account, pages of children and of
// audit events, and subtree counters (the account's update seam is in account.go).

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// AccountAncestors reads the accounts above a, root first, in one consistent batch of at most three, whatever
// the size of the tree; within a request that has read them already (Store.ReadAhead), from that read. An
// ancestor that does not exist is left out (accounts are never deleted, so only hand-made test data lacks one).
func (s Store) AccountAncestors(ctx context.Context, a account.Account) ([]account.Account, error) {
	return s.accounts(ctx, a.Ancestors)
}

// accounts reads accounts by id, in the order given, in one consistent batch, or from the request's read set
// when it holds them all; those that do not exist are left out.
func (s Store) accounts(ctx context.Context, ids []string) ([]account.Account, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if rs := readSetOf(ctx); rs != nil && rs.holds(s.Table, ids) {
		return s.accountsOneByOne(ctx, ids)
	}
	keys := make([]table.Key, len(ids))
	for i, id := range ids {
		keys[i] = table.AccountKey(id)
	}
	byID := make(map[string]account.Account, len(keys))
	err := batchGet(ctx, s.DB, s.Table, keys, true, func(item map[string]types.AttributeValue) error {
		var got account.Account
		if err := attributevalue.UnmarshalMap(item, &got); err != nil {
			return fmt.Errorf("decode account: %w", err)
		}
		byID[got.ID] = got
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]account.Account, 0, len(keys))
	for _, id := range ids {
		if got, ok := byID[id]; ok {
			out = append(out, got)
		}
	}
	return out, nil
}

// accountsOneByOne reads accounts by id, in the order given, leaving out those that do not exist.
func (s Store) accountsOneByOne(ctx context.Context, ids []string) ([]account.Account, error) {
	out := make([]account.Account, 0, len(ids))
	for _, id := range ids {
		var got account.Account
		found, err := Get(ctx, s.DB, s.Table, table.AccountKey(id), &got)
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, got)
		}
	}
	return out, nil
}

// AccountUsable is the one answer to "may the people of this account sign in and act now?": the account is not
// disabled and no account above it that could be is (account.Usable over a.Blockers(): the root never is). Sign-in
// and every session request ask it.
func (s Store) AccountUsable(ctx context.Context, a account.Account) (bool, error) {
	if a.Status == account.Disabled {
		return false, nil
	}
	above, err := s.accounts(ctx, a.Blockers())
	if err != nil {
		return false, err
	}
	return account.Usable(a, above), nil
}

// UpdateAccountItem is the transaction item that sets attributes of an account read at version and moves its
// version on; remove names attributes to delete. It fails its condition if the account changed since it was
// read, so a rule applied to what was read holds for what is written.
func UpdateAccountItem(tableName, id string, version int, set map[string]types.AttributeValue, remove ...string) types.TransactWriteItem {
	names := map[string]string{"#version": table.AttrVersion}
	values := map[string]types.AttributeValue{":read": N(int64(version)), ":next": N(int64(version + 1))}
	expr := "SET #version = :next"
	for i, attr := range slices.Sorted(maps.Keys(set)) {
		n, v := fmt.Sprintf("#s%d", i), fmt.Sprintf(":s%d", i)
		names[n], values[v] = attr, set[attr]
		expr += ", " + n + " = " + v
	}
	for i, attr := range remove {
		n := fmt.Sprintf("#r%d", i)
		names[n] = attr
		if i == 0 {
			expr += " REMOVE " + n
		} else {
			expr += ", " + n
		}
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.AccountKey(id).AV(),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #version = :read"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}
}

// MoveCounter is the transaction item that moves one counter of an ancestor's subtree counts (account.Counts,
// e.g. "endpoints" or "disabled") by delta. The ancestor must exist, so the transaction also proves the tree
// above is still there.
func MoveCounter(tableName, ancestorID, counter string, delta int) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.AccountKey(ancestorID).AV(),
		UpdateExpression:          aws.String("SET #counts.#c = if_not_exists(#counts.#c, :zero) + :d"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#counts": "counts", "#c": counter},
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": N(0), ":d": N(int64(delta))},
	}}
}

// ReleaseCompanyName is the transaction item that frees an account's company name for others: it deletes the
// name's guard, which must still be the account's.
func ReleaseCompanyName(tableName, name, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(tableName),
		Key:                       table.CompanyNameGuard(name).AV(),
		ConditionExpression:       aws.String("accountId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": S(accountID)},
	}}
}

// RespellCompanyName is the transaction item that rewrites an account's own name guard when the name changes
// only in case or spacing, so the guard's key stays and it keeps the name as now written.
func RespellCompanyName(tableName, name, accountID string) (types.TransactWriteItem, error) {
	item, err := CompanyGuardItem(name, accountID)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName:                 aws.String(tableName),
		Item:                      item,
		ConditionExpression:       aws.String("accountId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": S(accountID)},
	}}, nil
}

// MemberUserIDs lists the users with a membership in an account, through gsi1 (eventually consistent).
func (s Store) MemberUserIDs(ctx context.Context, accountID string) ([]string, error) {
	var (
		out   []string
		start map[string]types.AttributeValue
	)
	for {
		page, err := s.DB.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(s.Table),
			IndexName:                 aws.String(table.GSI1),
			KeyConditionExpression:    aws.String("gsi1pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(table.MembersPartition(accountID))},
			ProjectionExpression:      aws.String("userId"),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return nil, Unavailable("query members", err)
		}
		for _, item := range page.Items {
			if id, ok := item["userId"].(*types.AttributeValueMemberS); ok {
				out = append(out, id.Value)
			}
		}
		if start = page.LastEvaluatedKey; len(start) == 0 {
			return out, nil
		}
	}
}

// RenameMembership is the transaction item that copies an account's new name into a membership (memberships
// keep it for the account switcher). It never creates a membership that was removed meanwhile.
func RenameMembership(tableName, userID, accountID, name string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.MembershipKey(userID, accountID).AV(),
		UpdateExpression:          aws.String("SET accountName = :n"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": S(name)},
	}}
}

// QueryPage runs one page of a query: at most limit items, and the key to start the next page from, or nil at
// the end. It asks for one item more than limit, so the last page says it is the last; keyAttrs name the
// attributes of the next page's start key (the table's and, on an index, the index's key attributes).
func (s Store) QueryPage(ctx context.Context, in *dynamodb.QueryInput, limit int, keyAttrs ...string) ([]map[string]types.AttributeValue, map[string]types.AttributeValue, error) {
	in.TableName = aws.String(s.Table)
	in.Limit = aws.Int32(int32(limit + 1))
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, nil, Unavailable("query page", err)
	}
	items, next := out.Items, out.LastEvaluatedKey
	if len(items) > limit {
		items = items[:limit]
		next = map[string]types.AttributeValue{}
		for _, a := range keyAttrs {
			next[a] = items[limit-1][a]
		}
	}
	return items, next, nil
}

// ChildrenPage lists one page of an account's children, ordered by name (gsi1, eventually consistent), from
// start (the zero Cursor for the first page); next is the zero Cursor on the last page.
func (s Store) ChildrenPage(ctx context.Context, parentID string, limit int, start Cursor) (page []account.Account, next Cursor, err error) {
	items, last, err := s.QueryPage(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(table.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(table.ChildrenPartition(parentID))},
		ExclusiveStartKey:         start.key,
	}, limit, childCursorAttrs...)
	if err != nil {
		return nil, Cursor{}, err
	}
	if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
		return nil, Cursor{}, fmt.Errorf("decode children: %w", err)
	}
	return page, cursorOf(last), nil
}

// childCursorAttrs are the attributes of the key a page of children ends at.
var childCursorAttrs = []string{table.AttrPK, table.AttrSK, table.AttrGSI1PK, table.AttrGSI1SK}

// ParseChildrenCursor reads a cursor of a page of parentID's children: ok is false for a text that is not one.
func ParseChildrenCursor(raw, parentID string) (Cursor, bool) {
	return ParseCursor(raw, childCursorAttrs, func(k map[string]string) bool {
		childID, ok := table.AccountIDOf(table.Key{PK: k[table.AttrPK], SK: k[table.AttrSK]})
		return ok && k[table.AttrGSI1PK] == table.ChildrenPartition(parentID) && strings.HasSuffix(k[table.AttrGSI1SK], "#"+childID)
	})
}

// auditCursorAttrs are the attributes of the key a page of audit events ends at.
var auditCursorAttrs = []string{table.AttrPK, table.AttrSK}

// ParseAuditCursor reads a cursor of a page of accountID's audit events between from and to (zero for an open
// end): ok is false for a text that is not one, or one outside that range.
func ParseAuditCursor(raw, accountID string, from, to time.Time) (Cursor, bool) {
	pk, lo, hi := table.AuditRange(accountID, from, to)
	return ParseCursor(raw, auditCursorAttrs, func(k map[string]string) bool {
		sk := k[table.AttrSK]
		return k[table.AttrPK] == pk && strings.HasPrefix(sk, table.AuditPrefix) && lo <= sk && sk <= hi
	})
}

// AuditQuery asks for one page of an account's audit events, newest first.
type AuditQuery struct {
	AccountID string
	// From and To bound the events' times, both included; a zero time leaves that end open. They are the key
	// condition: a range of an account's audit log costs what it holds, whatever the log's size.
	From, To time.Time
	// ActorID, Action and TargetID, when set, keep only the events that match each (a FilterExpression over
	// the range).
	ActorID, Action, TargetID string
	Limit                     int
	// Start is the zero Cursor for the first page.
	Start Cursor
}

// Filtered reports whether the query keeps only some of the events of its range.
func (q AuditQuery) Filtered() bool { return q.ActorID != "" || q.Action != "" || q.TargetID != "" }

// AuditFilterBudget is how many events of the range a filtered page reads at most (in Queries of at least
// auditFilterRead): past it the page ends short, with the cursor of the last event read, and the next page goes
// on from there. So a page of a rare action costs a bounded read, never the whole log.
const AuditFilterBudget = 1000

// auditFilterRead is how many events a filtered page asks for at least in each Query.
const auditFilterRead = 100

// AuditPage lists one page of an account's audit events, newest first; next is the zero Cursor on the last
// page. A filtered page may be short, even empty, while next is not the zero Cursor (see AuditFilterBudget).
func (s Store) AuditPage(ctx context.Context, q AuditQuery) (page []audit.Event, next Cursor, err error) {
	pk, lo, hi := table.AuditRange(q.AccountID, q.From, q.To)
	in := &dynamodb.QueryInput{
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(pk), ":lo": S(lo), ":hi": S(hi),
		},
		ScanIndexForward:  aws.Bool(false),
		ConsistentRead:    aws.Bool(true),
		ExclusiveStartKey: q.Start.key,
	}
	var items []map[string]types.AttributeValue
	var last map[string]types.AttributeValue
	if q.Filtered() {
		items, last, err = s.filteredAuditPage(ctx, in, q)
	} else {
		items, last, err = s.QueryPage(ctx, in, q.Limit, auditCursorAttrs...)
	}
	if err != nil {
		return nil, Cursor{}, err
	}
	if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
		return nil, Cursor{}, fmt.Errorf("decode audit events: %w", err)
	}
	return page, cursorOf(last), nil
}

// filteredAuditPage reads the range with the query's filter until it has one event more than the page, reaches
// the range's end, or has read AuditFilterBudget events; it answers the page and the key to go on from.
func (s Store) filteredAuditPage(ctx context.Context, in *dynamodb.QueryInput, q AuditQuery) ([]map[string]types.AttributeValue, map[string]types.AttributeValue, error) {
	var conds []string
	in.ExpressionAttributeNames = map[string]string{}
	for _, f := range []struct{ attr, value string }{{"actorId", q.ActorID}, {"action", q.Action}, {"targetId", q.TargetID}} {
		if f.value == "" {
			continue
		}
		conds = append(conds, "#"+f.attr+" = :"+f.attr)
		in.ExpressionAttributeNames["#"+f.attr] = f.attr
		in.ExpressionAttributeValues[":"+f.attr] = S(f.value)
	}
	in.FilterExpression = aws.String(strings.Join(conds, " AND "))
	in.TableName = aws.String(s.Table)
	in.Limit = aws.Int32(int32(max(q.Limit+1, auditFilterRead)))
	var items []map[string]types.AttributeValue
	for read := 0; ; {
		out, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, nil, Unavailable("query audit page", err)
		}
		items = append(items, out.Items...)
		read += int(out.ScannedCount)
		switch {
		case len(items) > q.Limit:
			items = items[:q.Limit]
			next := map[string]types.AttributeValue{}
			for _, a := range auditCursorAttrs {
				next[a] = items[q.Limit-1][a]
			}
			return items, next, nil
		case out.LastEvaluatedKey == nil || read >= AuditFilterBudget:
			return items, out.LastEvaluatedKey, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
