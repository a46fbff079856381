package member_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// endSessions is DELETE /v1/users/{id}/sessions.
func (h *harness) endSessions(token, userID string) platformtest.Reply {
	h.t.Helper()
	return h.do(h.users, call{route: member.RouteEndSessions, params: map[string]string{"id": userID}, token: token})
}

func TestAnAdministratorEndsEverySessionOfAUser(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	rita := m.add(m.msp, who{name: "Rita Reader", status: user.Active, roles: []role.Name{role.ReadOnly}})
	laptop := m.session(rita, m.msp)
	m.clock.Advance(time.Minute)
	phone := m.session(rita, m.msp)
	// A session started at the instant of the end, which the index of sessions has not caught up with yet.
	late := m.session(rita, m.msp)
	hash, _ := m.keys.SessionHash(context.Background(), late)
	if _, err := m.env.Dynamo.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(m.table), Key: table.SessionKey(hash).AV(), UpdateExpression: aws.String("REMOVE gsi1pk, gsi1sk"),
	}); err != nil {
		t.Fatal(err)
	}
	other := m.account(account.MSP, &m.provider, "Other MSP")
	stranger := m.add(other, who{name: "Olga Other", status: user.Active, roles: []role.Name{role.AccountAdmin}})
	strangerTok := m.session(stranger, other)

	t.Run("case=a user without users:manage is refused", func(t *testing.T) {
		before := m.Snapshot()
		platformtest.WantProblem(t, m.endSessions(phone, m.admin.ID), http.StatusForbidden, "forbidden")
		m.Unchanged(before, "an end of sessions without users:manage")
	})
	t.Run("case=a user outside the caller's tree is not found", func(t *testing.T) {
		before := m.Snapshot()
		platformtest.WantProblem(t, m.endSessions(strangerTok, rita.ID), http.StatusNotFound, "user-not-found")
		m.Unchanged(before, "an end of sessions by a stranger")
		platformtest.WantStatus(t, m.me(laptop), http.StatusOK)
	})

	r := m.endSessions(m.tok, rita.ID)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["ended"] != 2.0 { // the two the index listed; the late one ends by the user's record
		t.Fatalf("answer %s", r.Body)
	}
	for name, tok := range map[string]string{"laptop": laptop, "phone": phone, "late": late} {
		if got := m.me(tok); got.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the %s session answers %d after the end", name, got.StatusCode)
		}
	}
	platformtest.WantStatus(t, m.me(m.tok), http.StatusOK)
	platformtest.WantStatus(t, m.me(strangerTok), http.StatusOK)
	if got := m.audits(m.msp.ID); !slices.Contains(got, string(audit.UserSessionsEnded)) {
		t.Fatalf("audit %v", got)
	}
	// Signing in again afterwards starts a session the end does not touch.
	m.clock.Advance(time.Minute)
	platformtest.WantStatus(t, m.me(m.session(rita, m.msp)), http.StatusOK)
}
