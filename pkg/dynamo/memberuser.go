package dynamo

// A user's memberships as a whole: which accounts they belong to, and the sign-in time copied onto each.

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// MemberAccounts lists the ids of the accounts a user is a member of (consistently).
func (s Store) MemberAccounts(ctx context.Context, userID string) ([]string, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(table.UserKey(userID).PK),
			":sk": S(table.MembershipPrefix),
		},
		ProjectionExpression: aws.String("accountId"),
		ConsistentRead:       aws.Bool(true),
	})
	if err != nil {
		return nil, Unavailable("member accounts", err)
	}
	ids := make([]string, 0, len(out.Items))
	for _, item := range out.Items {
		if s, ok := item["accountId"].(*types.AttributeValueMemberS); ok {
			ids = append(ids, s.Value)
		}
	}
	return ids, nil
}

// maxLoginCopyItems bounds the items a sign-in's transaction (which holds at most 100) spends on copying its
// time onto the user's memberships other than the session's: one per membership and one per role entry of a
// membership that holds several roles. A user with more memberships than fit has the rest copied at their next
// sign-ins.
const maxLoginCopyItems = 50

// loginAttempts bounds how often a sign-in reads the user's memberships again after one of them changed or went
// between its read and its transaction.
const loginAttempts = 3

// loginWrites are a sign-in's copies of its time onto the user's memberships (changeMember, so each moves to
// its place in its account's user list by last sign-in): own is the membership of the session's account, which
// the sign-in needs, others the user's other memberships.
type loginWrites struct {
	own, others []types.TransactWriteItem
}

// add adds the copies to a sign-in's transaction. Each membership's update holds only while the membership is
// at the version read; its failure means errCopyGone, and the sign-in reads them again (commitLogin).
func (w loginWrites) add(tx *Tx, others bool) {
	tx.addMemberItems(w.own, nil, errCopyGone)
	if !others {
		return
	}
	// Each membership's items start with its update, the one with a condition: every item here carries the
	// meaning, which only items with a condition can fail.
	for _, item := range w.others {
		tx.Add(item, errCopyGone)
	}
}

// loginCopies reads the user's memberships (consistently) and builds the copies of a sign-in's time at onto
// them. A user who is no longer a member of the session's account is refused (ErrSignInRefused).
func (s Store) loginCopies(ctx context.Context, userID, sessionAccountID string, at time.Time) (loginWrites, error) {
	ms, err := s.Memberships(ctx, userID)
	if err != nil {
		return loginWrites{}, err
	}
	var w loginWrites
	found := false
	for _, m := range ms {
		items, err := changeMember(s.Table, m, changeOf(m, func(n *user.Membership) { n.LastLoginAt = at }))
		switch {
		case err != nil:
			return loginWrites{}, err
		case m.AccountID == sessionAccountID:
			w.own, found = items, true
		case len(w.others)+len(items) <= maxLoginCopyItems:
			w.others = append(w.others, items...)
		}
	}
	if !found {
		return loginWrites{}, ErrSignInRefused
	}
	return w, nil
}

// commitLogin commits a sign-in built by signIn around the copies of its time onto the user's memberships. If
// one of them changed or went between their read and the commit (errCopyGone), it reads them again and tries
// again; the last attempt copies onto the session's membership only, so a user whose other memberships keep
// changing still signs in.
func (s Store) commitLogin(ctx context.Context, userID, sessionAccountID string, at time.Time, signIn func(w loginWrites, others bool) *Tx) error {
	var err error
	for attempt := range loginAttempts {
		var w loginWrites
		if w, err = s.loginCopies(ctx, userID, sessionAccountID, at); err != nil {
			return err
		}
		if err = s.Commit(ctx, signIn(w, attempt < loginAttempts-1)); !errors.Is(err, errCopyGone) {
			return err
		}
	}
	return err
}
