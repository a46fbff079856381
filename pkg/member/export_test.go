package member

import "github.com/partnerhub/partnerhub/pkg/dynamo"

// ReferenceList is the user list that q asks for, in order, worked out in memory over every row of an account
// (query.apply, which searches answer with): what the indexes' pages of q, walked to the end, must give. The
// query's cursor and limit are ignored.
func ReferenceList(in ListQuery, all []dynamo.MemberRow) ([]string, error) {
	in.Cursor, in.Limit = "", ""
	q, err := in.check()
	if err != nil {
		return nil, err
	}
	q.limit = len(all) + 1
	page, _ := q.apply(all)
	return userIDs(page), nil
}
