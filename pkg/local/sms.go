package local

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/pkg/outbox"
)

// SMSPath and SMSJSONPath are where the local gateway shows the texts the sink received: a page for people,
// JSON for tests and scripts (?to=+447700900123 keeps one number's texts).
const (
	SMSPath     = "/local/sms"
	SMSJSONPath = "/local/sms.json"
)

// maxTexts bounds what the sink keeps; the oldest texts go first.
const maxTexts = 500

// Text is one text message the sink received.
type Text struct {
	ID        string    `json:"id"`
	To        string    `json:"to"`
	Body      string    `json:"body"`
	Template  string    `json:"template"`
	MessageID string    `json:"messageId"`
	At        time.Time `json:"at"`
}

// SMSSink stands in for the SMS service in the local stack, as the SES emulator stands in for email: the
// mailer hands it texts, it keeps them in memory and shows them on SMSPath. It is safe for concurrent use.
type SMSSink struct {
	mu    sync.Mutex
	texts []Text
	n     int
	now   func() time.Time
	log   *slog.Logger
}

var (
	_ outbox.SMSSender = (*SMSSink)(nil)
	_ http.Handler     = (*SMSSink)(nil)
)

// NewSMSSink returns an empty sink. log, if not nil, gets one line per text (never its body, which holds a code).
func NewSMSSink(log *slog.Logger) *SMSSink {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &SMSSink{now: time.Now, log: log}
}

// SendSMS records a text.
func (s *SMSSink) SendSMS(_ context.Context, m outbox.SMS) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	id := fmt.Sprintf("local-sms-%d", s.n)
	s.texts = append(s.texts, Text{ID: id, To: m.To, Body: m.Body, Template: m.Template, MessageID: m.MessageID, At: s.now().UTC()})
	if len(s.texts) > maxTexts {
		s.texts = slices.Delete(s.texts, 0, len(s.texts)-maxTexts)
	}
	s.log.Info("text sent to the local SMS sink", "to", m.To, "template", m.Template, "see", SMSPath)
	return id, nil
}

// Texts lists the texts received, oldest first; with to set, only those sent to that number.
func (s *SMSSink) Texts(to string) []Text {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Text{}
	for _, t := range s.texts {
		if to == "" || t.To == to {
			out = append(out, t)
		}
	}
	return out
}

// Mount serves the sink's pages in front of next, the local gateway: SMSPath and SMSJSONPath here, every
// other path there.
func (s *SMSSink) Mount(next http.Handler) http.Handler {
	return mountAt(next, s, SMSPath, SMSJSONPath)
}

// ServeHTTP serves SMSPath (a page, newest first) and SMSJSONPath ({"texts": [...]}, oldest first).
func (s *SMSSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !readOnly(w, r) {
		return
	}
	texts := s.Texts(r.URL.Query().Get("to"))
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case SMSJSONPath:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string][]Text{"texts": texts})
	case SMSPath:
		slices.Reverse(texts)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = smsPage().Execute(w, texts)
	default:
		http.NotFound(w, r)
	}
}

// smsPage is the page of received texts, parsed on first use: nothing is parsed at package init.
var smsPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("sms").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>Texts sent (local SMS)</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:44rem;padding:0 1rem;color:#1f2328}
.text{border:1px solid #d0d7de;border-radius:12px;padding:.75rem 1rem;margin:0 0 1rem;background:#f6f8fa}
.meta{font-size:.85rem;color:#57606a;margin:0 0 .4rem}
.body{margin:0;white-space:pre-wrap;font-size:1.05rem}
</style>
</head>
<body>
<h1>Texts sent</h1>
<p>The local stack's SMS service: every text PartnerHub sends appears here, newest first. This page refreshes
every 5 seconds; <a href="/local/sms.json">/local/sms.json</a> has the same as JSON.</p>
{{range .}}<div class="text">
<p class="meta">To <strong>{{.To}}</strong> · {{.Template}} · {{.At.Format "2006-01-02 15:04:05 UTC"}}</p>
<p class="body">{{.Body}}</p>
</div>
{{else}}<p>No texts yet.</p>
{{end}}</body>
</html>
`))
})
