// Package xray records each AWS call a function makes as an X-Ray subsegment of its invocation's segment, and
// sends it to the X-Ray daemon over UDP, as the X-Ray SDKs do — without them: aws-xray-sdk-go or OpenTelemetry
// would add megabytes to every function (and to its cold start, see `make bench-init`) for the few fields below.
//
// A subsegment is sent on its own ("type": "subsegment"), with the trace id and the parent segment id that Lambda
// passes to each invocation in its trace header (Root=...;Parent=...;Sampled=1), and only when that invocation is
// sampled. It holds the service, operation, table name, request id, retry count, HTTP status and outcome of the
// call: never a key, an item, an address or a message.
package xray

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Trace is the part of an invocation's trace header a subsegment needs.
type Trace struct {
	// Root is the trace id ("1-5759e988-bd862e3fe1be46a994272793").
	Root string
	// Parent is the id of the invocation's segment (16 hex digits), which Lambda records.
	Parent string
	// Sampled says whether X-Ray keeps this trace; an unsampled one gets no subsegments.
	Sampled bool
}

// ParseHeader reads an X-Ray trace header ("Root=1-...;Parent=53995c3f42cd8ad8;Sampled=1"). ok is false when
// the header lacks a root or a parent, which a subsegment cannot do without.
func ParseHeader(header string) (t Trace, ok bool) {
	for part := range strings.SplitSeq(header, ";") {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch key {
		case "Root":
			t.Root = value
		case "Parent":
			t.Parent = value
		case "Sampled":
			t.Sampled = value == "1"
		}
	}
	return t, t.Root != "" && t.Parent != ""
}

// Subsegment is one AWS call, in the fields of X-Ray's segment document schema that the console's trace map and
// timeline use for AWS calls (namespace "aws").
type Subsegment struct {
	Name     string    // the service ("DynamoDB", "SESv2", "SNS")
	ID       string    // 16 hex digits (NewID)
	Trace    Trace     // the invocation's trace and segment
	Start    time.Time // when the call began
	End      time.Time // when it returned, after its retries
	AWS      AWS
	Status   int  // the last attempt's HTTP status; 0 when none came back
	Error    bool // a client error (4xx)
	Throttle bool // throttled (429, or DynamoDB's throughput exceptions)
	Fault    bool // a server error (5xx), or no answer at all
}

// AWS is the subsegment's "aws" object.
type AWS struct {
	Operation string `json:"operation"`
	Region    string `json:"region,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Retries   int    `json:"retries"`
	TableName string `json:"table_name,omitempty"`
}

// NewID is a new subsegment id: 64 random bits as 16 hex digits.
func NewID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b[:])
}

// header is the line the daemon expects before each document.
const header = `{"format": "json", "version": 1}` + "\n"

// document is the JSON form of a Subsegment.
type document struct {
	Name      string    `json:"name"`
	ID        string    `json:"id"`
	TraceID   string    `json:"trace_id"`
	ParentID  string    `json:"parent_id"`
	Type      string    `json:"type"`
	Namespace string    `json:"namespace"`
	StartTime seconds   `json:"start_time"`
	EndTime   seconds   `json:"end_time"`
	AWS       AWS       `json:"aws"`
	HTTP      *httpPart `json:"http,omitempty"`
	Error     bool      `json:"error,omitempty"`
	Throttle  bool      `json:"throttle,omitempty"`
	Fault     bool      `json:"fault,omitempty"`
}

type httpPart struct {
	Response struct {
		Status int `json:"status"`
	} `json:"response"`
}

// seconds is a time as X-Ray wants it: epoch seconds, with microseconds as the fraction.
type seconds time.Time

// MarshalJSON writes the time as a number of seconds with six decimals, from integers: a float64 of epoch
// seconds keeps barely a microsecond of precision.
func (s seconds) MarshalJSON() ([]byte, error) {
	us := time.Time(s).UnixMicro()
	return fmt.Appendf(nil, "%d.%06d", us/1_000_000, us%1_000_000), nil
}

// Encode is the datagram the daemon receives for s: the header line, then the document.
func Encode(s Subsegment) []byte {
	d := document{
		Name: s.Name, ID: s.ID, TraceID: s.Trace.Root, ParentID: s.Trace.Parent, Type: "subsegment", Namespace: "aws",
		StartTime: seconds(s.Start), EndTime: seconds(s.End), AWS: s.AWS,
		Error: s.Error, Throttle: s.Throttle, Fault: s.Fault,
	}
	if s.Status != 0 {
		d.HTTP = &httpPart{}
		d.HTTP.Response.Status = s.Status
	}
	body, _ := json.Marshal(d) // a struct of strings, numbers and booleans always encodes
	return append([]byte(header), body...)
}
