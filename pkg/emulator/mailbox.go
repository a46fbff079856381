package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Email is one message held by the SES emulator.
type Email struct {
	MessageID string
	From      string
	To        []string
	Subject   string
	HTML      string
	Text      string
	At        int64 // epoch seconds
}

type storedEmail struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		HTML string `json:"html"`
		Text string `json:"text"`
	} `json:"body"`
	At int64 `json:"at"`
}

// Mailbox lists the emails the SES emulator at sesURL holds, oldest first. With to set, only those sent to
// that address (case-insensitively).
func Mailbox(ctx context.Context, sesURL, to string) ([]Email, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(sesURL, "/")+"/store", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read mailbox: %w", err)
	}
	defer resp.Body.Close()
	var store struct {
		Emails []storedEmail `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		return nil, fmt.Errorf("decode mailbox: %w", err)
	}
	var out []Email
	for _, e := range store.Emails {
		if to != "" && !slices.ContainsFunc(e.Destination.To, func(a string) bool { return strings.EqualFold(address(a), to) }) {
			continue
		}
		out = append(out, Email{MessageID: e.MessageID, From: e.From, To: e.Destination.To, Subject: e.Subject, HTML: e.Body.HTML, Text: e.Body.Text, At: e.At})
	}
	return out, nil
}

// address takes the bare address out of "Name <a@b>".
func address(s string) string {
	if i := strings.LastIndex(s, "<"); i >= 0 {
		return strings.TrimSuffix(s[i+1:], ">")
	}
	return strings.TrimSpace(s)
}
