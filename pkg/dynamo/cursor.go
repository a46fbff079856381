package dynamo

import (
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/cursor"
)

// Cursor is a position in a paged list: the key the previous page ended at. The zero Cursor is the first page
// (as a start) or no next page (as a result). Clients carry it as base64url JSON of the key's string attributes
// (String, through package cursor, the one codec): opaque to them, and checked on the way back in
// (ParseCursor), so a made-up or foreign cursor is a 400, never a query DynamoDB refuses.
type Cursor struct {
	key map[string]types.AttributeValue
}

// cursorOf is the cursor of a page's LastEvaluatedKey (none for the last page).
func cursorOf(key map[string]types.AttributeValue) Cursor { return Cursor{key: key} }

// Last reports whether c is no position: the first page as a start, the last page as a result.
func (c Cursor) Last() bool { return len(c.key) == 0 }

// String is the cursor as the client carries it; "" for none.
func (c Cursor) String() string {
	if len(c.key) == 0 {
		return ""
	}
	plain := map[string]string{}
	for k, v := range c.key {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok { // every key attribute of the table is a string
			return ""
		}
		plain[k] = s.Value
	}
	return cursor.Encode(plain)
}

// Next is the cursor as a list answer's "next" field: nil on the last page.
func (c Cursor) Next() *string {
	s := c.String()
	if s == "" {
		return nil
	}
	return &s
}

// ParseCursor reads a cursor whose key has exactly the attributes attrs and satisfies valid. An empty text is
// the first page; ok is false for a text this codec did not make for such a key.
func ParseCursor(raw string, attrs []string, valid func(map[string]string) bool) (c Cursor, ok bool) {
	if raw == "" {
		return Cursor{}, true
	}
	var plain map[string]string
	if !cursor.Decode(raw, &plain) || len(plain) != len(attrs) {
		return Cursor{}, false
	}
	if !slices.Equal(slices.Sorted(maps.Keys(plain)), slices.Sorted(slices.Values(attrs))) || !valid(plain) {
		return Cursor{}, false
	}
	key := make(map[string]types.AttributeValue, len(plain))
	for k, s := range plain {
		key[k] = S(s)
	}
	return Cursor{key: key}, true
}
