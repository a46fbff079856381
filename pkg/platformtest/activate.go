package platformtest

import (
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// SecurityQuestion and SecurityAnswer are every activated user's security question and answer.
const (
	SecurityQuestion = "What was the name of your first pet?"
	SecurityAnswer   = "Rex the dog"
)

// PasswordHash is the stored form of Password and AnswerHash that of SecurityAnswer, each computed once per test
// binary: Argon2id is deliberately slow (about 0.1 s a hash on an idle core, far more on a busy one), and every
// seeded user can share one hash that verifies as a fresh one would.
var (
	PasswordHash = sync.OnceValue(func() string { return passhash.Hash(Password) })
	AnswerHash   = sync.OnceValue(func() string { return passhash.HashAnswer(SecurityAnswer) })
)

// Activate makes an invited user active as a successful POST /v1/activations/{token} with Password,
// SecurityQuestion and SecurityAnswer would now, and returns their email. See Table.Activate.
func (p *Platform) Activate(userID string) string {
	p.T.Helper()
	return p.Data().Activate(userID, p.Clock.Now())
}

// Activate makes an invited user active at a time as a successful POST /v1/activations/{token} with Password,
// SecurityQuestion and SecurityAnswer would, and returns their email. It writes the activation's own transaction
// — the pending token used, the user active with the precomputed hashes, the membership's copy of the status, a
// pending account made active by its first activation, and the audit events — without the two Argon2id hashes
// the request spends. TestActivateAsTheLinkDoes proves it leaves the table as the request does. Tests of
// activation itself use Platform.ActivateByLink or their own requests.
func (tb Table) Activate(userID string, at time.Time) string {
	tb.T.Helper()
	u := tb.User(userID)
	var tok token.Token
	found, err := dynamo.Get(tb.T.Context(), tb.DB, tb.Name, table.TokenKey(u.ActivationTokenID), &tok)
	if err != nil || !found {
		tb.T.Fatalf("activate %s: token %q: found=%v %v", userID, u.ActivationTokenID, found, err)
	}
	// Only what the link would activate: anything else answers the request with a 4xx, never a 200.
	if u.Status != user.Invited || tok.UserID != userID || tok.Purpose != secret.PurposeActivation ||
		tok.Status != token.Pending || tok.Expired(at) {
		tb.T.Fatalf("activate %s: user %s with token %s %s (expires %s): the link would not activate them",
			userID, u.Status, tok.Purpose, tok.Status, tok.ExpiresAt)
	}
	acct := tb.Account(tok.AccountID)

	store := tb.Store()
	tx := store.Tx()
	tx.Add(useToken(tb.Name, tok.ID, at), errors.New("activation token no longer pending"))
	activate, err := dynamo.ActivateUser(tb.Name, dynamo.UserActivation{
		UserID: userID, TokenID: tok.ID, At: at,
		PasswordHash: PasswordHash(), SecurityQuestion: SecurityQuestion, SecurityAnswerHash: AnswerHash(),
	})
	tx.Fail(err)
	tx.Add(activate, errors.New("user no longer invited with this token"))
	m, err := store.Membership(tb.T.Context(), userID, tok.AccountID)
	if err != nil {
		tb.T.Fatalf("activate %s: membership in %s: %v", userID, tok.AccountID, err)
	}
	copies, err := dynamo.MemberStatus(tb.Name, m, user.Active)
	tx.Fail(err)
	for _, item := range copies {
		tx.Add(item, errors.New("membership changed"))
	}
	tx.Audit(audit.Event{ID: secret.NewID(), AccountID: acct.ID, At: at, ActorID: userID,
		Action: audit.UserActivated, TargetType: audit.TargetUser, TargetID: userID})
	if acct.Status == account.Pending {
		tx.Add(dynamo.ActivateAccount(tb.Name, acct.ID), errors.New("account no longer pending"))
		tx.Audit(audit.Event{ID: secret.NewID(), AccountID: acct.ID, At: at, ActorID: userID,
			Action: audit.AccountActivated, TargetType: audit.TargetAccount, TargetID: acct.ID})
	}
	if err := store.Commit(tb.T.Context(), tx); err != nil {
		tb.T.Fatalf("activate %s: %v", userID, err)
	}
	return u.Email
}

// useToken is the update with which an activation uses its pending token: used, closed now, off the expiry
// index, and only while pending and before its deadline (onboarding's closeToken with status used).
func useToken(tableName, id string, now time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                aws.String(tableName),
		Key:                      table.TokenKey(id).AV(),
		UpdateExpression:         aws.String("SET #status = :status, closedAt = :now, #version = #version + :one REMOVE #xpk, #xsk"),
		ConditionExpression:      aws.String("#status = :pending AND expiresAt > :nowUnix"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#version": table.AttrVersion, "#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":status":  dynamo.S(token.Used),
			":pending": dynamo.S(token.Pending),
			":now":     dynamo.S(now.UTC().Format(time.RFC3339Nano)),
			":nowUnix": dynamo.N(now.Unix()),
			":one":     dynamo.N(1),
		},
	}}
}

// ActivateByLink registers an invited user through their activation link, POST /v1/activations/{token}, with
// Password, SecurityQuestion and SecurityAnswer, and returns their email. It spends the two Argon2id hashes of a
// real activation; use it where the request is what is under test, Activate elsewhere.
func (p *Platform) ActivateByLink(userID string) string {
	p.T.Helper()
	r := p.Call(Request{Function: route.Activation, Route: onboarding.RouteActivate, Params: map[string]string{"token": p.LinkToken(userID)},
		Body: map[string]string{"password": Password, "securityQuestion": SecurityQuestion, "securityAnswer": SecurityAnswer}})
	if r.StatusCode != 200 {
		p.T.Fatalf("activate %s: %d %s", userID, r.StatusCode, r.Body)
	}
	return p.User(userID).Email
}
