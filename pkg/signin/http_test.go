package signin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"

	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestEventFixture drives the handler with events/otp.json, the event `make invoke` sends: for a seeded user
// with that email and password it asks for a code.
func TestEventFixture(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ev := platformtest.SampleEvent(t, "otp.json")
	var body struct{ Email, Password string }
	if err := json.Unmarshal([]byte(ev.Body), &body); err != nil {
		t.Fatal(err)
	}

	t.Run("case=unknown email", func(t *testing.T) {
		r, err := platformtest.Invoke(h.h, ev)
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, r, http.StatusUnauthorized, "invalid-credentials")
	})
	t.Run("case=known email", func(t *testing.T) {
		if body.Password != password {
			t.Fatalf("the fixture's password is not the seeded one")
		}
		s := h.seedUser(active)
		h.setEmail(s.user, body.Email)
		r, err := platformtest.Invoke(h.h, ev)
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantStatus(t, r, http.StatusOK)
		if r.JSON["status"] != "otp_required" {
			t.Fatalf("body %s", r.Body)
		}
	})
}

// setEmail moves a seeded user to another address: a new email guard, the user's email changed.
func (h *harness) setEmail(u user.User, email string) {
	h.t.Helper()
	u.Email = email
	guard, err := dynamo.EmailGuardItem(email, u.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	item, err := dynamo.Record(u, table.TypeUser, table.UserKey(u.ID))
	if err != nil {
		h.t.Fatal(err)
	}
	for _, it := range []map[string]types.AttributeValue{guard, item} {
		if _, err := h.env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(h.table), Item: it}); err != nil {
			h.t.Fatal(err)
		}
	}
}

func TestStateChangingRequestsNeedOriginAndJSON(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := map[string]string{"email": "a@example.com", "password": "whatever"}
	cases := []struct {
		name   string
		route  string
		header map[string]string
		status int
		slug   string
	}{
		{"no origin", "POST /v1/sessions", map[string]string{"content-type": "application/json"}, http.StatusForbidden, "origin-not-allowed"},
		{"foreign origin", "POST /v1/sessions", map[string]string{"origin": "https://evil.example", "content-type": "application/json"}, http.StatusForbidden, "origin-not-allowed"},
		{"text body", "POST /v1/sessions", map[string]string{"origin": "http://localhost:3000", "content-type": "text/plain"}, http.StatusUnsupportedMediaType, "unsupported-media-type"},
		{"code, no origin", "POST /v1/sessions/otp", map[string]string{"content-type": "application/json"}, http.StatusForbidden, "origin-not-allowed"},
		{"resend, text body", "POST /v1/sessions/otp/resend", map[string]string{"origin": "http://localhost:3000", "content-type": "text/plain"}, http.StatusUnsupportedMediaType, "unsupported-media-type"},
		{"sign-out, no origin", "DELETE /v1/sessions/current", map[string]string{}, http.StatusForbidden, "origin-not-allowed"},
	}
	for _, tc := range cases {
		t.Run("case="+tc.name, func(t *testing.T) {
			wantProblem(t, h.do(request{route: tc.route, body: body, header: tc.header}), tc.status, tc.slug)
		})
	}
}
