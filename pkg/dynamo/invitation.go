package dynamo

// Invitations of existing logins into more accounts, and their update seam.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Invitation is a pending invitation of an existing login into an account: the roles it grants, who sent it,
// and the current link token. There is at most one per user and account.
type Invitation struct {
	UserID           string      `dynamodbav:"userId"`
	AccountID        string      `dynamodbav:"accountId"`
	Roles            []role.Name `dynamodbav:"roles"`
	TokenID          string      `dynamodbav:"tokenId"`
	InvitedBy        string      `dynamodbav:"invitedBy"`
	InviterAccountID string      `dynamodbav:"inviterAccountId"`
	SentAt           time.Time   `dynamodbav:"sentAt"`
	ExpiresAt        time.Time   `dynamodbav:"expiresAt"`
	MessageID        string      `dynamodbav:"messageId"`
}

// invitationRetention keeps a lapsed invitation a while for the late click, like tokens; TTL then collects it.
const invitationRetention = 30 * 24 * time.Hour

// Invitation reads a user's invitation into an account; found is false if there is none.
func (s Store) Invitation(ctx context.Context, userID, accountID string) (inv Invitation, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.InvitationKey(userID, accountID), &inv)
	return inv, found, err
}

// ErrInvitationStale is an invitation that kept changing while it was being sent again: a conflict to try again
// later. A rule of UpdateInvitation gives it as the meaning of the items whose failure says that what it read
// has moved on (the old link's token), to be read and decided again.
var ErrInvitationStale = fmt.Errorf("invitation changed since it was read: %w", fault.ErrConflict)

// invitationAttempts bounds how often UpdateInvitation decides an invitation again after it lost a race.
const invitationAttempts = 3

// UpdateInvitation is the seam of a user's invitation into an account: it reads the invitation (found is false
// when there is none, and inv names only the user and the account), lets rule write the new one into inv and add to the transaction (the old link's end, the
// new token, the email, the audit event, ...), and commits the invitation's put — which holds only while the
// invitation is still the one read, or still absent — with the rule's items. If another invitation came first,
// or an item the rule added with the meaning ErrInvitationStale fails, it reads again and asks the rule again, a
// few times (then ErrInvitationStale). An error of the rule, or any other meaning of a failed item, is returned
// as it is. It answers the invitation as written.
func (s Store) UpdateInvitation(ctx context.Context, userID, accountID string, rule func(inv *Invitation, found bool, tx *Tx) error) (Invitation, error) {
	for range invitationAttempts {
		read, found, err := s.Invitation(ctx, userID, accountID)
		if err != nil {
			return Invitation{}, err
		}
		if !found {
			read = Invitation{UserID: userID, AccountID: accountID}
		}
		next, ruled := read, s.Tx()
		if err := rule(&next, found, ruled); err != nil {
			return Invitation{}, err
		}
		if next.UserID != userID || next.AccountID != accountID {
			return Invitation{}, fmt.Errorf("invitation of %s into %s: the rule changed whom it invites", userID, accountID)
		}
		var prev *Invitation
		if found {
			prev = &read
		}
		write := s.Tx().putInvitation(next, prev, ErrInvitationStale)
		switch err := s.Commit(ctx, write.then(ruled)); {
		case errors.Is(err, ErrInvitationStale):
			continue
		case err != nil:
			return Invitation{}, err
		}
		return next, nil
	}
	return Invitation{}, ErrInvitationStale
}

// putInvitation adds the write of an invitation. A first invitation (prev nil) holds only while there is none;
// one that replaces prev holds only while prev is still the current one. onFail is what it means if not.
func (t *Tx) putInvitation(inv Invitation, prev *Invitation, onFail error) *Tx {
	item, err := Record(inv, table.TypeInvitation, table.InvitationKey(inv.UserID, inv.AccountID))
	if err != nil {
		t.Fail(fmt.Errorf("encode invitation: %w", err))
		return t
	}
	put := &types.Put{TableName: aws.String(t.table), Item: WithTTL(item, inv.ExpiresAt.Add(invitationRetention))}
	if prev == nil {
		put.ConditionExpression = aws.String("attribute_not_exists(pk)")
	} else {
		sent, err := attributevalue.Marshal(prev.SentAt)
		if err != nil {
			t.Fail(fmt.Errorf("encode invitation: %w", err))
			return t
		}
		put.ConditionExpression = aws.String("tokenId = :tid AND sentAt = :sent")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":tid": S(prev.TokenID), ":sent": sent}
	}
	return t.Add(types.TransactWriteItem{Put: put}, onFail)
}

// TakeInvitation adds the deletion of an invitation while it still names tokenID: accepting it consumes it.
// onFail is what it means if it no longer does (accepted or replaced meanwhile).
func (t *Tx) TakeInvitation(userID, accountID, tokenID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(t.table),
		Key:                       table.InvitationKey(userID, accountID).AV(),
		ConditionExpression:       aws.String("tokenId = :tid"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":tid": S(tokenID)},
	}}, onFail)
}
