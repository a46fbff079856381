package xray_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/xray"
)

var hex16 = regexp.MustCompile(`^[0-9a-f]{16}$`)

func TestNewIDIs16HexDigits(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		id := xray.NewID()
		if !hex16.MatchString(id) {
			t.Fatalf("id %q is not 16 lower-case hex digits", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
	}
}

func TestParseHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, header string
		want         xray.Trace
		ok           bool
	}{
		{"case=sampled", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
			xray.Trace{Root: "1-5759e988-bd862e3fe1be46a994272793", Parent: "53995c3f42cd8ad8", Sampled: true}, true},
		{"case=unsampled", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
			xray.Trace{Root: "1-5759e988-bd862e3fe1be46a994272793", Parent: "53995c3f42cd8ad8"}, true},
		{"case=lineage", "Root=1-a-b; Parent=0123456789abcdef; Sampled=1; Lineage=a87bd80c:1|68fd508a:5",
			xray.Trace{Root: "1-a-b", Parent: "0123456789abcdef", Sampled: true}, true},
		{"case=no parent", "Root=1-a-b;Sampled=1", xray.Trace{Root: "1-a-b", Sampled: true}, false},
		{"case=empty", "", xray.Trace{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := xray.ParseHeader(tc.header)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ParseHeader(%q) = %+v, %v; want %+v, %v", tc.header, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestEncode checks the datagram against the daemon's wire format and X-Ray's segment document schema: the
// header line, then one JSON subsegment with its ids, epoch-second times with microseconds, and the aws fields.
func TestEncode(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 2, 19, 0, 0, 123456789, time.UTC)
	s := xray.Subsegment{
		Name: "DynamoDB", ID: "0123456789abcdef",
		Trace: xray.Trace{Root: "1-5759e988-bd862e3fe1be46a994272793", Parent: "53995c3f42cd8ad8", Sampled: true},
		Start: start, End: start.Add(1500 * time.Microsecond),
		AWS:    xray.AWS{Operation: "GetItem", Region: "eu-west-1", RequestID: "REQ1", Retries: 2, TableName: "partnerhub"},
		Status: 400, Error: true, Throttle: true,
	}
	datagram := xray.Encode(s)
	head, body, ok := bytes.Cut(datagram, []byte("\n"))
	if !ok || string(head) != `{"format": "json", "version": 1}` {
		t.Fatalf("header line = %q", head)
	}
	if bytes.Contains(body, []byte("\n")) {
		t.Errorf("the document spans lines: %s", body)
	}
	for _, want := range []string{`"start_time":1796238000.123456`, `"end_time":1796238000.124956`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("document lacks %s: %s", want, body)
		}
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("document is not JSON: %v: %s", err, body)
	}
	want := map[string]any{
		"name": "DynamoDB", "id": "0123456789abcdef", "trace_id": "1-5759e988-bd862e3fe1be46a994272793",
		"parent_id": "53995c3f42cd8ad8", "type": "subsegment", "namespace": "aws",
		"start_time": 1796238000.123456, "end_time": 1796238000.124956,
		"aws": map[string]any{
			"operation": "GetItem", "region": "eu-west-1", "request_id": "REQ1", "retries": 2.0, "table_name": "partnerhub",
		},
		"http":  map[string]any{"response": map[string]any{"status": 400.0}},
		"error": true, "throttle": true,
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("document\n got %s\nwant %s", gotJSON, wantJSON)
	}
}

// TestEncodeLeavesOutWhatACallDidNotHave: no status without an answer, no table for an SES call, no false flags.
func TestEncodeLeavesOutWhatACallDidNotHave(t *testing.T) {
	t.Parallel()
	body := string(xray.Encode(xray.Subsegment{Name: "SESv2", ID: xray.NewID(), AWS: xray.AWS{Operation: "SendEmail"}}))
	for _, absent := range []string{"http", "table_name", "error", "throttle", "fault"} {
		if strings.Contains(body, `"`+absent+`"`) {
			t.Errorf("document has %s: %s", absent, body)
		}
	}
	if !strings.Contains(body, `"retries":0`) {
		t.Errorf("document lacks retries 0: %s", body)
	}
}
