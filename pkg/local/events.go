package local

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/partnerhub/partnerhub/pkg/lifecycle"
)

// EventsPath is where the local gateway lists the lifecycle events published: a JSON list, oldest first
// (?type=Account%20Created keeps one type's).
const EventsPath = "/local/events"

// maxEvents bounds what the log keeps; the oldest events go first.
const maxEvents = 500

// localAccount is the AWS account id the local events carry in their envelope.
const localAccount = "000000000000"

// LoggedEvent is one event the log received, as EventBridge would deliver it to a subscriber, and how many times
// it was published: more than once when the stream delivered its audit record again.
type LoggedEvent struct {
	lifecycle.Envelope
	Deliveries int `json:"deliveries"`
}

// EventLog stands in for the EventBridge bus in the local stack, as the SMS sink stands in for texts: the
// lifecycle-events function publishes to it (lifecycle.Publisher), it keeps the events in memory and lists them
// on EventsPath. Like a subscriber that drops what it has seen, it keeps one entry per event id and counts the
// redeliveries. It is safe for concurrent use.
type EventLog struct {
	mu     sync.Mutex
	events []*LoggedEvent
	byID   map[string]*LoggedEvent
	n      int
	region string
	log    *slog.Logger
}

var (
	_ lifecycle.Publisher = (*EventLog)(nil)
	_ http.Handler        = (*EventLog)(nil)
)

// NewEventLog returns an empty log. log, if not nil, gets one line per event (its type and id).
func NewEventLog(region string, log *slog.Logger) *EventLog {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &EventLog{byID: map[string]*LoggedEvent{}, region: region, log: log}
}

// Publish records the events; none fails.
func (l *EventLog) Publish(_ context.Context, events []lifecycle.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range events {
		if seen, ok := l.byID[e.ID()]; ok {
			seen.Deliveries++
			continue
		}
		l.n++
		logged := &LoggedEvent{Envelope: e.Envelope(fmt.Sprintf("local-event-%d", l.n), localAccount, l.region), Deliveries: 1}
		l.events = append(l.events, logged)
		l.byID[e.ID()] = logged
		if len(l.events) > maxEvents {
			delete(l.byID, l.events[0].Detail.ID)
			l.events = l.events[1:]
		}
		l.log.Info("lifecycle event published to the local event log", "detailType", string(e.Type), "id", e.ID(), "see", EventsPath)
	}
	return nil
}

// Events lists the events received, oldest first; with typ set, only those of that detail-type.
func (l *EventLog) Events(typ lifecycle.Type) []LoggedEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []LoggedEvent{}
	for _, e := range l.events {
		if typ == "" || e.DetailType == typ {
			out = append(out, *e)
		}
	}
	return out
}

// Mount serves EventsPath in front of next, the local gateway.
func (l *EventLog) Mount(next http.Handler) http.Handler {
	return mountAt(next, l, EventsPath)
}

// ServeHTTP serves EventsPath: the JSON list of the events, oldest first.
func (l *EventLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !readOnly(w, r) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(l.Events(lifecycle.Type(r.URL.Query().Get("type"))))
}
