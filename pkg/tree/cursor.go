package tree

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// A cursor is the key a page ended at, as base64url-encoded JSON: opaque to the client, and checked on the way
// back in, so a made-up or foreign cursor is a 400, never a query DynamoDB refuses.

// maxCursor bounds what is decoded; real cursors are a few hundred characters.
const maxCursor = 1024

// encodeCursor turns the key to start the next page from into a cursor; nil (the last page) is no cursor.
func encodeCursor(key map[string]types.AttributeValue) *string {
	if len(key) == 0 {
		return nil
	}
	plain := map[string]string{}
	for k, v := range key {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok { // every key attribute of the table is a string
			return nil
		}
		plain[k] = s.Value
	}
	b, _ := json.Marshal(plain) // a map of strings always encodes
	c := base64.RawURLEncoding.EncodeToString(b)
	return &c
}

// decodeCursor reads a cursor whose key has exactly the attributes attrs and satisfies valid. An empty cursor is
// the first page (nil). A bad one is reported as the field "cursor".
func decodeCursor(v *fault.ValidationError, raw string, attrs []string, valid func(map[string]string) bool) map[string]types.AttributeValue {
	if raw == "" {
		return nil
	}
	bad := func() map[string]types.AttributeValue {
		v.Add("cursor", codeInvalid, "This cursor is not one this list handed out; start again from the first page.")
		return nil
	}
	if len(raw) > maxCursor {
		return bad()
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return bad()
	}
	var plain map[string]string
	if err := json.Unmarshal(b, &plain); err != nil || len(plain) != len(attrs) {
		return bad()
	}
	keys := slices.Sorted(maps.Keys(plain))
	if !slices.Equal(keys, slices.Sorted(slices.Values(attrs))) || !valid(plain) {
		return bad()
	}
	out := make(map[string]types.AttributeValue, len(plain))
	for k, s := range plain {
		out[k] = dynamo.S(s)
	}
	return out
}
