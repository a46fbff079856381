package lifecycle

import (
	"embed"
	"encoding/json"
	"fmt"
	"time"
)

// schemas holds one JSON schema (draft 4) per event type, schemas/<slug>.json, describing the whole event as a
// subscriber receives it (the EventBridge envelope and its detail). The tests validate every mapped event
// against them; the stack publishes the same files in the EventBridge schema registry.
//
//go:embed schemas/*.json
var schemas embed.FS

// Schema is the JSON schema of t.
func Schema(t Type) ([]byte, error) {
	b, err := schemas.ReadFile("schemas/" + t.Slug() + ".json")
	if err != nil {
		return nil, fmt.Errorf("no schema for %q: %w", t, err)
	}
	return b, nil
}

// SchemaFiles lists the schema files' names, for the test that every schema has its type.
func SchemaFiles() []string {
	entries, _ := schemas.ReadDir("schemas") // an embedded directory always reads
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// Envelope is an event as EventBridge delivers it to a subscriber: the local stack shows events in this shape,
// and the schemas describe it.
type Envelope struct {
	Version string `json:"version"`
	// ID is EventBridge's id of this delivery; Detail.ID is the event's own.
	ID         string    `json:"id"`
	DetailType Type      `json:"detail-type"`
	Source     string    `json:"source"`
	Account    string    `json:"account"`
	Time       time.Time `json:"time"`
	Region     string    `json:"region"`
	Resources  []string  `json:"resources"`
	Detail     Detail    `json:"detail"`
}

// Envelope wraps e as EventBridge would deliver it, with the delivery's id, account and region.
func (e Event) Envelope(id, account, region string) Envelope {
	return Envelope{
		Version: "0", ID: id, DetailType: e.Type, Source: e.Source, Account: account, Time: e.Time.UTC().Truncate(time.Second),
		Region: region, Resources: []string{}, Detail: e.Detail,
	}
}

// DetailJSON is the detail as PutEvents sends it.
func (e Event) DetailJSON() (string, error) {
	b, err := json.Marshal(e.Detail)
	return string(b), err
}
