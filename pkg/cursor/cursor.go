// Package cursor is the one codec of list cursors: a position in a paged list, carried by the client as opaque
// base64url JSON and read back with a bound on its size. What a position holds (the key a DynamoDB page ended at:
// dynamo.Cursor; the last row of a sorted user list: package member) and how it is checked is the list's own.
//
// The package is pure.
package cursor

import (
	"encoding/base64"
	"encoding/json"
)

// MaxLen bounds the text Decode reads; real cursors are a few hundred characters.
const MaxLen = 1024

// Encode is the cursor of a position v (a value that encodes as JSON: a map or struct of strings, say).
func Encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil { // a position is plain data: it always encodes
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor made by Encode into v (a pointer). ok is false for a text longer than MaxLen, not
// base64url, or not JSON of v's shape; the caller still checks that the position is one of its list.
func Decode(raw string, v any) (ok bool) {
	if len(raw) > MaxLen {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	return err == nil && json.Unmarshal(b, v) == nil
}
