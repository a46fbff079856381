package signin_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/signin"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// User agents of the browsers the tests sign in from.
const (
	chromeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	safariOnIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)

// originSecret is what the distribution adds in behindCDN's harness.
const originSecret = "test-origin-secret"

// behindCDN is a harness whose otp function sits behind the portal's distribution, as in AWS: it trusts the
// viewer headers of requests that carry the origin secret, and refuses others.
func behindCDN(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	cfg := h.env.Config(h.table)
	cfg.OriginSecret = originSecret
	a, err := all.New(context.Background(), cfg, app.WithClock(h.clock))
	if err != nil {
		t.Fatal(err)
	}
	if h.h, err = a.HTTP(route.OTP); err != nil {
		t.Fatal(err)
	}
	return h
}

// viewer is the headers CloudFront sends for a browser with this user agent in this place.
func viewer(userAgent, city, region, country string) map[string]string {
	return map[string]string{
		"origin": platformtest.Origin, "content-type": "application/json", "user-agent": userAgent,
		httpapi.OriginSecretHeader: originSecret, httpapi.ViewerIPHeader: "203.0.113.77",
		httpapi.ViewerCityHeader: city, httpapi.ViewerRegionHeader: region, httpapi.ViewerCountryNameHeader: country,
	}
}

// signedInWith signs u in through the password and the code, both sent with headers, and returns the token.
func (h *harness) signedInWith(u user.User, headers map[string]string) string {
	h.t.Helper()
	r := h.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u.Email, "password": password}, header: headers})
	platformtest.WantStatus(h.t, r, http.StatusOK)
	id, _ := r.JSON["challengeId"].(string)
	r = h.do(request{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": id, "code": h.code(id)}, header: headers})
	platformtest.WantStatus(h.t, r, http.StatusCreated)
	return sessionToken(h.t, r)
}

// sessions is GET /v1/me/sessions, with headers when set.
func (h *harness) sessions(token string, headers map[string]string) []map[string]any {
	h.t.Helper()
	if headers == nil {
		headers = map[string]string{}
	}
	r := h.do(request{route: signin.RouteSessions, cookie: token, header: headers})
	platformtest.WantStatus(h.t, r, http.StatusOK)
	var out []map[string]any
	for _, s := range r.JSON["sessions"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

// hash is the table key of a session token.
func (h *harness) hash(token string) string {
	h.t.Helper()
	hash, ok := h.keys.SessionHash(context.Background(), token)
	if !ok {
		h.t.Fatalf("token %q names no key", token)
	}
	return hash
}

// outOfIndex takes a session out of its user's index of sessions, as it is before gsi1 catches up with it.
func (h *harness) outOfIndex(token string) {
	h.t.Helper()
	_, err := h.env.Dynamo.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(h.table), Key: table.SessionKey(h.hash(token)).AV(),
		UpdateExpression: aws.String("REMOVE gsi1pk, gsi1sk"),
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestSessionsListTheDeviceAndPlaceOfEachSignIn(t *testing.T) {
	t.Parallel()
	h := behindCDN(t)
	u := h.seedUser(active).user
	laptop := viewer(chromeOnWindows, "Porto", "Porto", "Portugal")
	phone := viewer(safariOnIPhone, "Lyon", "Auvergne-Rhône-Alpes", "France")
	first := h.signedInWith(u, laptop)
	h.clock.Advance(time.Minute)
	second := h.signedInWith(u, phone)
	h.clock.Advance(time.Minute)

	got := h.sessions(first, laptop)
	if len(got) != 2 {
		t.Fatalf("sessions = %v", got)
	}
	this, other := got[0], got[1]
	if this["current"] != true || this["device"] != "Chrome on Windows" || this["place"] != "Porto, Portugal" ||
		this["address"] != "203.0.113.x" || this["createdAt"] != start.Format(time.RFC3339) {
		t.Fatalf("this session = %v", this)
	}
	if other["current"] != false || other["device"] != "Safari on iPhone" || other["place"] != "Lyon, Auvergne-Rhône-Alpes, France" {
		t.Fatalf("the other session = %v", other)
	}
	if id, _ := this["id"].(string); !session.WellFormedID(id) || id == h.hash(first) {
		t.Fatalf("id %q is not a public id", id)
	}
	// From the phone, the phone's session is the current one.
	if got := h.sessions(second, phone); got[0]["device"] != "Safari on iPhone" || got[0]["current"] != true || got[1]["current"] != false {
		t.Fatalf("from the phone: %v", got)
	}

	t.Run("case=a request straight to API Gateway names no place", func(t *testing.T) {
		direct := newHarness(t) // no distribution: no viewer header is trusted
		u := direct.seedUser(active).user
		headers := viewer(chromeOnWindows, "Porto", "Porto", "Portugal")
		tok := direct.signedInWith(u, headers)
		got := direct.sessions(tok, nil)
		if len(got) != 1 || got[0]["place"] != nil || got[0]["device"] != "Chrome on Windows" || got[0]["address"] == "203.0.113.x" {
			t.Fatalf("sessions = %v", got)
		}
	})
}

func TestSessionsIncludeTheCurrentOneBeforeTheIndexHasIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.seedUser(active).user
	tok := h.signedIn(u)
	h.outOfIndex(tok)
	got := h.sessions(tok, nil)
	if len(got) != 1 || got[0]["current"] != true || got[0]["id"] != session.PublicID(h.hash(tok)) {
		t.Fatalf("sessions = %v", got)
	}
}

func TestEndOneOfOnesSessions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	seeded := h.seedUser(active)
	u := seeded.user
	mine := h.signedIn(u)
	h.clock.Advance(time.Minute)
	other := h.signedIn(u)
	stranger := h.signedIn(h.seedUser(active).user)
	end := func(token, id string) platformtest.Reply {
		t.Helper()
		return h.do(request{route: signin.RouteEndSession, cookie: token, params: map[string]string{"sessionId": id}})
	}

	t.Run("case=the current one is sign-out's", func(t *testing.T) {
		wantProblem(t, end(mine, session.PublicID(h.hash(mine))), http.StatusConflict, "current-session")
	})
	t.Run("case=someone else's is not found", func(t *testing.T) {
		before := h.db.Snapshot()
		wantProblem(t, end(mine, session.PublicID(h.hash(stranger))), http.StatusNotFound, "session-not-found")
		h.db.Unchanged(before, "ending someone else's session")
		platformtest.WantStatus(t, h.me(stranger), http.StatusOK)
	})

	platformtest.WantStatus(t, end(mine, session.PublicID(h.hash(other))), http.StatusNoContent)
	wantProblem(t, h.me(other), http.StatusUnauthorized, "unauthorized")
	platformtest.WantStatus(t, h.me(mine), http.StatusOK)
	if got := h.sessions(mine, nil); len(got) != 1 || got[0]["current"] != true {
		t.Fatalf("sessions after the end = %v", got)
	}
	if got := h.db.Audit(seeded.account.ID); !slices.Contains(got, string(audit.SessionEnded)) {
		t.Fatalf("audit = %v", got)
	}
	t.Run("case=an ended one is not found", func(t *testing.T) {
		wantProblem(t, end(mine, session.PublicID(h.hash(other))), http.StatusNotFound, "session-not-found")
	})
}

func TestEndOtherSessionsEndsTheOnesTheIndexMissed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	seeded := h.seedUser(active)
	u := seeded.user
	mine := h.signedIn(u)
	h.clock.Advance(time.Minute)
	listed := h.signedIn(u)
	// Started just before the call, at its very instant, and not yet in the index.
	h.clock.Advance(time.Minute)
	late := h.signedIn(u)
	h.outOfIndex(late)
	elsewhere := h.signedIn(h.seedUser(active).user)

	r := h.do(request{route: signin.RouteEndOthers, cookie: mine})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["ended"] != 1.0 { // the index listed one other session
		t.Fatalf("answer = %s", r.Body)
	}
	wantProblem(t, h.me(listed), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, h.me(late), http.StatusUnauthorized, "unauthorized")
	platformtest.WantStatus(t, h.me(mine), http.StatusOK)
	platformtest.WantStatus(t, h.me(elsewhere), http.StatusOK)
	if got := h.sessions(mine, nil); len(got) != 1 || got[0]["current"] != true {
		t.Fatalf("sessions = %v", got)
	}
	if got := h.db.Audit(seeded.account.ID); !slices.Contains(got, string(audit.UserSessionsEnded)) {
		t.Fatalf("audit = %v", got)
	}
	// A sign-in after it is a new session, which the end does not touch.
	h.clock.Advance(time.Minute)
	next := h.signedIn(u)
	platformtest.WantStatus(t, h.me(next), http.StatusOK)
	if got := h.sessions(mine, nil); len(got) != 2 {
		t.Fatalf("sessions after a new sign-in = %v", got)
	}
}
