package dynamo

// The search index's entries: what a membership or an account contributes to it. The search-index function
// (package indexer) writes them from the table's stream; the searches (search.go) read them. Both sides compute
// entries with the same pure functions, so a search can tell which of a row's entries is the one it lists the
// row at (FindEntry.First).

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// FindEntry is one item of the search index: a row (a member of an account, or an account of a subtree) filed
// under one suffix of one of its texts. It carries the texts it was made from, so a search checks a match in
// memory and knows the row's other entries, and what a result shows and is filtered on.
type FindEntry struct {
	Key table.Key `dynamodbav:"-"`
	// Of is what the entry stands for: table.TypeMember or table.TypeAccount.
	Of string `dynamodbav:"of"`
	// ID is the user's id (a member) or the account's.
	ID string `dynamodbav:"id"`
	// AccountID is a member's account.
	AccountID string `dynamodbav:"accountId,omitempty"`
	Name      string `dynamodbav:"name"`
	// Email is a member's email address.
	Email string `dynamodbav:"email,omitempty"`
	// Kind, Status, PartnerID (as shown, XXXX-XXXX) and Ancestors (root first) describe an account.
	Kind   account.Kind   `dynamodbav:"kind,omitempty"`
	Status account.Status `dynamodbav:"status,omitempty"`
	// Stage is a customer account's stage (account.Prospect; empty for a customer and other kinds).
	Stage     account.Stage `dynamodbav:"stage,omitempty"`
	PartnerID string        `dynamodbav:"partnerId,omitempty"`
	Ancestors []string      `dynamodbav:"ancestors,omitempty"`
}

// findText is one text of a row, and whether entries start at each of its letters and digits or only at its
// beginning (a Partner ID is found by its beginning, like a code).
type findText struct {
	text  string // a table.FindText
	whole bool
}

// texts are the texts the entry's row is found by.
func (e FindEntry) texts() []findText {
	if e.Of == table.TypeMember {
		return []findText{{text: table.FindText(e.Name)}, {text: table.FindText(e.Email)}}
	}
	out := []findText{{text: table.FindText(e.Name)}}
	if e.PartnerID != "" {
		// Shown (7K3M-Q2X9) and canonical (7K3MQ2X9): a Partner ID is found however it is typed but with spaces.
		out = append(out, findText{text: table.FindText(e.PartnerID), whole: true},
			findText{text: table.FindText(strings.ReplaceAll(e.PartnerID, "-", "")), whole: true})
	}
	return out
}

// keys lists the sort keys of the row's entries in one partition, each with the text and offset it starts at.
func (e FindEntry) keys(each func(sk, text string, start int)) {
	tie := table.FindTie(e.Name, e.ID)
	for _, t := range e.texts() {
		starts := table.FindStarts(t.text)
		if t.whole {
			starts = starts[:min(len(starts), 1)]
			if len(starts) == 1 && starts[0] != 0 {
				starts = nil
			}
		}
		for _, at := range starts {
			each(table.FindKey("", table.FindSuffix(t.text, at), tie).SK, t.text, at)
		}
	}
}

// First reports whether the entry is the first of its row's entries (in key order) that match q: a search lists
// each row there and skips its other entries, so a row whose texts hold q twice comes once, on one page.
func (e FindEntry) First(q table.FindQuery) bool {
	first := ""
	e.keys(func(sk, text string, start int) {
		if q.MatchesAt(text, start) && (first == "" || sk < first) {
			first = sk
		}
	})
	return first != "" && first == e.Key.SK
}

// Same reports whether two entries hold the same: a change that leaves an entry as it is writes nothing.
func (e FindEntry) Same(o FindEntry) bool {
	return e.Key == o.Key && e.Of == o.Of && e.ID == o.ID && e.AccountID == o.AccountID && e.Name == o.Name &&
		e.Email == o.Email && e.Kind == o.Kind && e.Status == o.Status && e.Stage == o.Stage && e.PartnerID == o.PartnerID &&
		slices.Equal(e.Ancestors, o.Ancestors)
}

// entries files the row under each of its keys in each partition, once per key.
func (e FindEntry) entries(partitions ...string) []FindEntry {
	seen := map[string]bool{}
	var sks []string
	e.keys(func(sk, _ string, _ int) {
		if !seen[sk] {
			seen[sk] = true
			sks = append(sks, sk)
		}
	})
	out := make([]FindEntry, 0, len(sks)*len(partitions))
	for _, p := range partitions {
		for _, sk := range sks {
			x := e
			x.Key = table.Key{PK: p, SK: sk}
			out = append(out, x)
		}
	}
	return out
}

// MemberFinds are a membership's entries: its user found by name and email address in the account's user list.
func MemberFinds(m user.Membership) []FindEntry {
	return FindEntry{Of: table.TypeMember, ID: m.UserID, AccountID: m.AccountID, Name: m.UserName, Email: m.UserEmail}.
		entries(table.FindUsersPartition(m.AccountID))
}

// AccountFinds are an account's entries: found by name and Partner ID from itself and from every account above it.
func AccountFinds(a account.Account) []FindEntry {
	partitions := make([]string, 0, len(a.Ancestors)+1)
	for _, id := range a.Path() {
		partitions = append(partitions, table.FindAccountsPartition(id))
	}
	return FindEntry{Of: table.TypeAccount, ID: a.ID, Name: a.Company.Name, Kind: a.Kind, Status: a.Status,
		Stage: a.Stage, PartnerID: a.PartnerID, Ancestors: a.Ancestors}.entries(partitions...)
}

// FindsOf are the entries of a table item: a membership's or an account's, none for any other item (nil item
// included, as a stream record's missing image).
func FindsOf(item map[string]types.AttributeValue) ([]FindEntry, error) {
	typ, _ := item[table.AttrType].(*types.AttributeValueMemberS)
	switch {
	case typ == nil:
		return nil, nil
	case typ.Value == table.TypeMember:
		var m user.Membership
		if err := attributevalue.UnmarshalMap(item, &m); err != nil {
			return nil, fmt.Errorf("decode membership: %w", err)
		}
		return MemberFinds(m), nil
	case typ.Value == table.TypeAccount:
		var a account.Account
		if err := attributevalue.UnmarshalMap(item, &a); err != nil {
			return nil, fmt.Errorf("decode account: %w", err)
		}
		return AccountFinds(a), nil
	}
	return nil, nil
}

// FindItem is the table item of an entry.
func FindItem(e FindEntry) (map[string]types.AttributeValue, error) {
	return Record(e, table.TypeFind, e.Key)
}

// findEntryOf decodes an entry read from the table.
func findEntryOf(item map[string]types.AttributeValue) (FindEntry, error) {
	var e FindEntry
	if err := attributevalue.UnmarshalMap(item, &e); err != nil {
		return e, fmt.Errorf("decode search entry: %w", err)
	}
	pk, _ := item[table.AttrPK].(*types.AttributeValueMemberS)
	sk, _ := item[table.AttrSK].(*types.AttributeValueMemberS)
	if pk == nil || sk == nil {
		return e, fmt.Errorf("search entry without its key")
	}
	e.Key = table.Key{PK: pk.Value, SK: sk.Value}
	return e, nil
}
