package local_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/outbox"
)

// TestSMSSink: texts handed to the sink appear, per number, on its JSON endpoint and its page.
func TestSMSSink(t *testing.T) {
	t.Parallel()
	sink := local.NewSMSSink(nil)
	for _, m := range []outbox.SMS{
		{To: "+447700900123", Body: "123456 is your code", Template: "otp", MessageID: "m1"},
		{To: "+15555550100", Body: "<b>654321</b> is your code", Template: "mobile-verification", MessageID: "m2"},
	} {
		if id, err := sink.SendSMS(context.Background(), m); err != nil || id == "" {
			t.Fatalf("SendSMS = %q, %v", id, err)
		}
	}
	if got := sink.Texts("+447700900123"); len(got) != 1 || got[0].Body != "123456 is your code" || got[0].MessageID != "m1" {
		t.Fatalf("Texts = %+v", got)
	}

	t.Run("case=json", func(t *testing.T) {
		t.Parallel()
		rec := httptest.NewRecorder()
		sink.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, local.SMSJSONPath+"?to=%2B15555550100", nil))
		var body struct{ Texts []local.Text }
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("status %d, %v: %s", rec.Code, err, rec.Body)
		}
		if len(body.Texts) != 1 || body.Texts[0].To != "+15555550100" || body.Texts[0].Template != "mobile-verification" {
			t.Fatalf("texts = %+v", body.Texts)
		}
	})
	t.Run("case=page", func(t *testing.T) {
		t.Parallel()
		rec := httptest.NewRecorder()
		sink.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, local.SMSPath, nil))
		page := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		if !strings.Contains(page, "123456 is your code") || !strings.Contains(page, "&lt;b&gt;654321&lt;/b&gt;") {
			t.Fatalf("page does not show both texts, escaped:\n%s", page)
		}
		if strings.Index(page, "654321") > strings.Index(page, "123456") {
			t.Error("the page does not show the newest text first")
		}
	})
	t.Run("case=mounted in front of the gateway", func(t *testing.T) {
		t.Parallel()
		next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
		h := sink.Mount(next)
		for path, want := range map[string]int{local.SMSJSONPath: http.StatusOK, local.SMSPath: http.StatusOK, "/v1/health": http.StatusTeapot, "/": http.StatusTeapot} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != want {
				t.Errorf("%s: status %d, want %d", path, rec.Code, want)
			}
		}
	})
	t.Run("case=post refused", func(t *testing.T) {
		t.Parallel()
		rec := httptest.NewRecorder()
		sink.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, local.SMSJSONPath, nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("status %d", rec.Code)
		}
	})
}
