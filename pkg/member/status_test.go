package member_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// status is GET /v1/users/{id}/status.
func (h *harness) status(token, userID string) platformtest.Reply {
	h.t.Helper()
	return h.do(h.users, call{route: member.RouteStatus, params: map[string]string{"id": userID}, token: token})
}

// setOutbox changes an outbox message's delivery fields, as the mailer records them.
func (h *harness) setOutbox(id string, set map[string]types.AttributeValue) {
	h.t.Helper()
	expr, names, values := "SET ", map[string]string{}, map[string]types.AttributeValue{}
	i := 0
	for k, v := range set {
		if i > 0 {
			expr += ", "
		}
		n, p := "#a"+string(rune('0'+i)), ":v"+string(rune('0'+i))
		expr += n + " = " + p
		names[n], values[p] = k, v
		i++
	}
	_, err := h.env.Dynamo.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(h.table), Key: table.OutboxKey(id).AV(), UpdateExpression: aws.String(expr),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestStatusCheckOfAnInvitedUser(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	r := m.invite(m.tok, m.msp.ID, map[string]any{"name": "Sue Status", "email": "sue@example.com", "roles": []string{"read-only"}})
	platformtest.WantStatus(t, r, 201)
	sue := m.User(r.Str("userId"))

	cases := []struct {
		name      string
		set       map[string]types.AttributeValue
		status    string
		sentAt    string
		messageID string
	}{
		{"case=pending", nil, member.EmailPending, "2026-03-02T09:00:00Z", ""},
		{"case=failed", map[string]types.AttributeValue{"status": dynamo.S(outbox.StatusFailed), "lastError": dynamo.S("MessageRejected")},
			member.EmailFailed, "2026-03-02T09:00:00Z", ""},
		{"case=sent", map[string]types.AttributeValue{"status": dynamo.S(outbox.StatusSent), "sentAt": dynamo.S("2026-03-02T09:00:05Z"),
			"sesMessageId": dynamo.S("0100018e-ses-id")}, member.EmailSent, "2026-03-02T09:00:05Z", "0100018e-ses-id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.set != nil {
				m.setOutbox(sue.ActivationMessageID, c.set)
			}
			r := m.status(m.tok, sue.ID)
			platformtest.WantStatus(t, r, 200)
			if r.JSON["registered"] != false || r.Str("status") != "unregistered" || r.JSON["lastLoginAt"] != nil || r.JSON["locked"] != false {
				t.Fatalf("answer %s", r.Body)
			}
			email, _ := r.JSON["lastActivationEmail"].(map[string]any)
			if email["status"] != c.status || email["sentAt"] != c.sentAt || (c.messageID != "" && email["messageId"] != c.messageID) {
				t.Fatalf("lastActivationEmail %v", email)
			}
			if c.messageID == "" && email["messageId"] != nil {
				t.Fatalf("a message id without a sent email: %v", email)
			}
		})
	}
}

func TestStatusCheckOfARegisteredUser(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	customer := m.account(account.Customer, &m.msp, "Contoso")
	sibling := m.account(account.Customer, &m.provider, "Elsewhere")
	ray := m.add(m.msp, who{name: "Ray Registered", status: user.Active, lastLogin: start.Add(-time.Hour), roles: []role.Name{role.ReadOnly}})
	m.join(ray, customer, role.AccountAdmin)
	m.join(ray, sibling, role.ReadOnly)
	ctx := context.Background()
	if err := m.store.RecordLoginError(ctx, ray.ID, user.ErrWrongCode, start.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	_, err := m.env.Dynamo.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(m.table), Key: table.UserKey(ray.ID).AV(),
		UpdateExpression:          aws.String("SET lockedUntil = :until, failures = :n"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":until": dynamo.S("2026-03-02T09:15:00Z"), ":n": dynamo.N(10)},
	})
	if err != nil {
		t.Fatal(err)
	}
	custAdmin := m.session(m.person(customer, "Carla Customer", user.Active, role.AccountAdmin), customer)

	r := m.status(m.tok, ray.ID)
	platformtest.WantStatus(t, r, 200)
	for k, v := range map[string]any{
		"id": ray.ID, "name": "Ray Registered", "registered": true, "status": "registered",
		"lastLoginAt": "2026-03-02T08:00:00Z", "lastLoginError": user.ErrWrongCode, "lastLoginErrorAt": "2026-03-02T08:59:00Z",
		"locked": true, "lockedUntil": "2026-03-02T09:15:00Z", "lastActivationEmail": nil, "version": float64(ray.Version),
	} {
		if r.JSON[k] != v {
			t.Errorf("%s = %v, want %v", k, r.JSON[k], v)
		}
	}
	if tf, _ := r.JSON["twoFactor"].(map[string]any); tf["enabled"] != true || tf["method"] != "email" {
		t.Errorf("twoFactor %v", tf)
	}
	accounts := func(r platformtest.Reply) map[string]string {
		out := map[string]string{}
		for _, m := range r.JSON["memberships"].([]any) {
			mm := m.(map[string]any)
			out[mm["accountName"].(string)] = mm["roles"].([]any)[0].(string)
		}
		return out
	}
	t.Run("case=memberships the caller sees", func(t *testing.T) {
		got := accounts(r)
		if len(got) != 2 || got["Acme MSP"] != "read-only" || got["Contoso"] != "account-admin" {
			t.Fatalf("memberships %v", got)
		}
	})
	t.Run("case=from an account below, only its own membership", func(t *testing.T) {
		got := accounts(m.status(custAdmin, ray.ID))
		if len(got) != 1 || got["Contoso"] != "account-admin" {
			t.Fatalf("memberships %v", got)
		}
	})
	t.Run("case=from the provider, all", func(t *testing.T) {
		if got := accounts(m.status(m.superTok, ray.ID)); len(got) != 3 {
			t.Fatalf("memberships %v", got)
		}
	})
	t.Run("case=lock over", func(t *testing.T) {
		m.clock.Advance(20 * time.Minute)
		r := m.status(m.session(m.admin, m.msp), ray.ID)
		if r.JSON["locked"] != false || r.JSON["lockedUntil"] != nil {
			t.Fatalf("answer %s", r.Body)
		}
	})
}

func TestStatusCheckReach(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	sibling := m.account(account.MSP, &m.provider, "Other MSP")
	sid := m.person(sibling, "Sid Sibling", user.Active, role.ReadOnly)
	marketer := m.session(m.person(m.msp, "Mia Marketing", user.Active, role.PartnerMarketing), m.msp)
	reader := m.session(m.person(m.msp, "Rita Reader", user.Active, role.ReadOnly), m.msp)
	platformtest.WantProblem(t, m.status(m.tok, sid.ID), 404, "user-not-found")
	platformtest.WantProblem(t, m.status(m.tok, "nobody"), 404, "user-not-found")
	platformtest.WantProblem(t, m.status(marketer, m.admin.ID), 403, "forbidden")
	platformtest.WantStatus(t, m.status(reader, m.admin.ID), 200)
}
