package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// sessionRecord is a session as stored, keyed by the HMAC of its token. The token itself is nowhere in the table.
type sessionRecord struct {
	UserID            string      `dynamodbav:"userId"`
	AccountID         string      `dynamodbav:"accountId"`
	CreatedAt         string      `dynamodbav:"createdAt"`
	LastSeenAt        string      `dynamodbav:"lastSeenAt"`
	IdleExpiresAt     string      `dynamodbav:"idleExpiresAt"`
	AbsoluteExpiresAt string      `dynamodbav:"absoluteExpiresAt"`
	Reach             reachRecord `dynamodbav:"reach"`
	Device            string      `dynamodbav:"device,omitempty"`
	Address           string      `dynamodbav:"address,omitempty"` // masked (session.MaskAddress)
	Place             string      `dynamodbav:"place,omitempty"`
}

// reachRecord is a session's Reach as stored.
type reachRecord struct {
	Above        []string `dynamodbav:"above,omitempty"`
	GrantID      string   `dynamodbav:"grantId,omitempty"`
	PartnerID    string   `dynamodbav:"partnerId,omitempty"`
	PartnerAbove []string `dynamodbav:"partnerAbove,omitempty"`
}

func reachRecordOf(r session.Reach) reachRecord {
	return reachRecord{Above: r.Above, GrantID: r.GrantID, PartnerID: r.PartnerID, PartnerAbove: r.PartnerAbove}
}

func (r reachRecord) reach() session.Reach {
	return session.Reach{Above: r.Above, GrantID: r.GrantID, PartnerID: r.PartnerID, PartnerAbove: r.PartnerAbove}
}

func sessionFromItem(hash string, item map[string]types.AttributeValue) (session.Session, error) {
	var r sessionRecord
	if err := attributevalue.UnmarshalMap(item, &r); err != nil {
		return session.Session{}, fmt.Errorf("decode session: %w", err)
	}
	return session.Session{
		Hash: hash, UserID: r.UserID, AccountID: r.AccountID,
		CreatedAt: parseStamp(r.CreatedAt), LastSeenAt: parseStamp(r.LastSeenAt),
		IdleExpiresAt: parseStamp(r.IdleExpiresAt), AbsoluteExpiresAt: parseStamp(r.AbsoluteExpiresAt),
		Reach: r.Reach.reach(), Device: r.Device, Address: r.Address, Place: r.Place,
	}, nil
}

// SessionReach is the Reach of a session of a user acting in an account (session.Reach): the accounts above it
// and, when the user acts there through a partner's grant, the grant and the partner account with the accounts
// above it. It reads the account, the membership and those; a use case that has just checked them (a sign-in, a
// switch) finds them in its request's read set.
func (s Store) SessionReach(ctx context.Context, userID, accountID string) (session.Reach, error) {
	m, err := s.Membership(ctx, userID, accountID)
	if err != nil {
		return session.Reach{}, err
	}
	return s.ReachOf(ctx, m)
}

// ReachOf is the Reach of a session acting through membership m, as read or as partneraccess.GroupMembership
// stands in for it (a member of a staff group has none of their own in the customer).
func (s Store) ReachOf(ctx context.Context, m user.Membership) (session.Reach, error) {
	var r session.Reach
	acct, err := s.Account(ctx, m.AccountID)
	if err != nil {
		return r, err
	}
	r.Above = acct.Blockers()
	if m.GrantID == "" {
		return r, nil
	}
	g, err := s.GrantByID(ctx, m.GrantID)
	if err != nil {
		return r, err
	}
	partner, err := s.Account(ctx, g.Partner.ID)
	if err != nil {
		return r, err
	}
	r.GrantID, r.PartnerID, r.PartnerAbove = g.ID, partner.ID, partner.Blockers()
	return r, nil
}

// ReadAhead reads, in one strongly consistent batch, every record the check of a session's request reads — the
// user, the membership, the account, and what the session's Reach names — and returns a context whose reads of
// them are answered from that batch (see WithReadSet): the check then costs this one read, whatever it asks.
// A Reach that no longer names the right records only means the check reads the others itself.
func (s Store) ReadAhead(ctx context.Context, ss session.Session) (context.Context, error) {
	ctx = WithReadSet(ctx)
	keys := []table.Key{table.UserKey(ss.UserID), table.MembershipKey(ss.UserID, ss.AccountID), table.AccountKey(ss.AccountID)}
	for _, id := range ss.Reach.Above {
		keys = append(keys, table.AccountKey(id))
	}
	if r := ss.Reach; r.GrantID != "" && r.PartnerID != "" {
		keys = append(keys, table.GrantKey(r.GrantID), table.MembershipKey(ss.UserID, r.PartnerID), table.AccountKey(r.PartnerID))
		for _, id := range r.PartnerAbove {
			keys = append(keys, table.AccountKey(id))
		}
	}
	if err := s.readBatch(ctx, keys); err != nil {
		return ctx, err
	}
	return ctx, nil
}

// Session reads a session by the hash of its token, consistently, so a session ended a moment ago is gone.
func (s Store) Session(ctx context.Context, hash string) (session.Session, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.Table),
		Key:            table.SessionKey(hash).AV(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return session.Session{}, Unavailable("get session", err)
	}
	if out.Item == nil {
		return session.Session{}, fmt.Errorf("session: %w", fault.ErrNotFound)
	}
	return sessionFromItem(hash, out.Item)
}

// TouchSession writes the session's new idle expiry (see session.Session.Touched). It never recreates a session
// that was ended in the meantime: then it returns fault.ErrNotFound.
func (s Store) TouchSession(ctx context.Context, ss session.Session) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.Table),
		Key:                 table.SessionKey(ss.Hash).AV(),
		UpdateExpression:    aws.String("SET lastSeenAt = :seen, idleExpiresAt = :idle"),
		ConditionExpression: aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":seen": S(table.Timestamp(ss.LastSeenAt)),
			":idle": S(table.Timestamp(ss.IdleExpiresAt)),
		},
	})
	if err != nil {
		if ConditionFailed(err) {
			return fmt.Errorf("touch session: %w", fault.ErrNotFound)
		}
		return Unavailable("touch session", err)
	}
	return nil
}

// DeleteSession ends one session. Ending a session that is already gone is not an error.
func (s Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: table.SessionKey(hash).AV()})
	if err != nil {
		return Unavailable("delete session", err)
	}
	return nil
}

// SessionsOf lists a user's sessions through gsi1. The index is eventually consistent: a session created in
// the last moment may be missing.
func (s Store) SessionsOf(ctx context.Context, userID string) ([]session.Session, error) {
	var (
		out   []session.Session
		start map[string]types.AttributeValue
	)
	for {
		page, err := s.DB.Query(ctx, &dynamodb.QueryInput{
			TableName:              aws.String(s.Table),
			IndexName:              aws.String(table.GSI1),
			KeyConditionExpression: aws.String("gsi1pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":p": S(table.SessionsPartition(userID)),
			},
			ExclusiveStartKey: start,
		})
		if err != nil {
			return nil, Unavailable("query sessions", err)
		}
		for _, item := range page.Items {
			hash, _ := item[table.AttrGSI1SK].(*types.AttributeValueMemberS)
			if hash == nil {
				continue
			}
			ss, err := sessionFromItem(hash.Value, item)
			if err != nil {
				return nil, err
			}
			out = append(out, ss)
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = page.LastEvaluatedKey
	}
}

// EndAllSessions ends every session of a user (password change, removal, disable, revoke) and returns how many
// it ended. Authentication also checks the user, membership and account on every request, so a session that the
// index had not caught up with still stops working when its user or access does.
func (s Store) EndAllSessions(ctx context.Context, userID string) (int, error) {
	all, err := s.SessionsOf(ctx, userID)
	if err != nil {
		return 0, err
	}
	for _, ss := range all {
		if err := s.DeleteSession(ctx, ss.Hash); err != nil {
			return 0, fmt.Errorf("end sessions of %s: %w", userID, err)
		}
	}
	return len(all), nil
}

// SignIn is what a successful sign-in writes.
type SignIn struct {
	Session session.Session
	// With, when set, holds the use case's own writes that commit with the sign-in or not at all, each added
	// with its meaning: consuming the challenge whose code was right (tx.ConsumeChallenge) and spending the
	// second factor that proved it (tx.SpendTOTPStep, tx.SpendRecoveryCode).
	With *Tx
	At   time.Time
}

// ErrSignInRefused says the user is no longer active, no longer a member of the session's account, or the
// account is disabled: the sign-in wrote nothing.
var ErrSignInRefused = fmt.Errorf("sign-in refused by the user, membership or account: %w", fault.ErrUnauthorized)

// errCopyGone says one of the user's memberships, which a sign-in copies its time onto, changed or was removed
// since read.
var errCopyGone = fmt.Errorf("membership removed during sign-in: %w", fault.ErrConflict)

// SignIn creates a session in one transaction with in.With's writes, which also records the login on the user
// (last login time; failures and last error cleared) and checks that the user is active, the membership exists
// and the account is not disabled. A write of in.With whose condition fails answers its own meaning; a refused
// user, membership or account answers ErrSignInRefused. The login time is copied onto the user's memberships
// too (the user list filters and sorts on it); if one of them changed or was removed meanwhile, they are read
// again, and at last the sign-in commits with the copy onto the session's membership only.
func (s Store) SignIn(ctx context.Context, in SignIn) error {
	ss := in.Session
	item, err := Record(sessionRecord{
		UserID: ss.UserID, AccountID: ss.AccountID,
		CreatedAt: table.Timestamp(ss.CreatedAt), LastSeenAt: table.Timestamp(ss.LastSeenAt),
		IdleExpiresAt: table.Timestamp(ss.IdleExpiresAt), AbsoluteExpiresAt: table.Timestamp(ss.AbsoluteExpiresAt),
		Reach: reachRecordOf(ss.Reach), Device: ss.Device, Address: ss.Address, Place: ss.Place,
	}, table.TypeSession, table.SessionKey(ss.Hash), OnGSI1(table.SessionsGSI1(ss.UserID, ss.Hash)))
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	at, err := attributevalue.Marshal(in.At)
	if err != nil {
		return fmt.Errorf("encode time: %w", err)
	}
	// The user's memberships get the copy too, in the same transaction (loginCopies).
	signIn := func(copies loginWrites, others bool) *Tx {
		tx := s.Tx()
		if in.With != nil {
			tx.append(in.With)
		}
		tx.PutItem(WithTTL(item, ss.AbsoluteExpiresAt), ErrSignInRefused)
		tx.Add(types.TransactWriteItem{Update: &types.Update{
			TableName: aws.String(s.Table),
			Key:       table.UserKey(ss.UserID).AV(),
			UpdateExpression: aws.String("SET lastLoginAt = :at, failures = :zero " +
				"REMOVE lastLoginError, lastLoginErrorAt, failuresSince, lockedUntil"),
			ConditionExpression:      aws.String("attribute_exists(pk) AND #status = :active"),
			ExpressionAttributeNames: map[string]string{"#status": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":at": at, ":zero": N(0), ":active": S(string(user.Active)),
			},
		}}, ErrSignInRefused)
		tx.RequireOpenAccount(ss.AccountID, ErrSignInRefused)
		// The membership must still exist; it keeps a copy of the sign-in time for the account's user list.
		copies.add(tx, others)
		return tx
	}
	return s.commitLogin(ctx, ss.UserID, ss.AccountID, in.At, signIn)
}

// EndSession adds the end of one session, which must still exist: one ended meanwhile fails with onGone.
func (t *Tx) EndSession(hash string, onGone error) *Tx {
	return t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName:           aws.String(t.table),
		Key:                 table.SessionKey(hash).AV(),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}, onGone)
}
