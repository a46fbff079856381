package dynamo

// Partners' share links (package grant): a link names its partner and its deadline; its token is derived from
// the id and stored nowhere.

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// ShareLinkRecord is a partner's share link as stored: its id (the link's token is derived from it with the HMAC
// key and is stored nowhere), the partner it names and its deadline.
type ShareLinkRecord struct {
	ID               string    `dynamodbav:"id"`
	PartnerAccountID string    `dynamodbav:"partnerAccountId"`
	CreatedBy        string    `dynamodbav:"createdBy"`
	CreatedAt        time.Time `dynamodbav:"createdAt"`
	ExpiresAt        time.Time `dynamodbav:"expiresAt"`
	// Roles are what the partner asks the customer for (role names); absent on a link made before roles, which
	// asks for the administrator.
	Roles []string `dynamodbav:"roles,omitempty"`
}

// shareLinkRetention keeps an expired share link a while, so that a late click learns it expired.
const shareLinkRetention = 30 * 24 * time.Hour

// PutShareLink adds the write of a new share link; onFail is what it means if its id is taken.
func (t *Tx) PutShareLink(l ShareLinkRecord, onFail error) *Tx {
	item, err := Record(l, table.TypeShareLink, table.ShareLinkKey(l.ID))
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(WithTTL(item, l.ExpiresAt.Add(shareLinkRetention)), onFail)
}

// ShareLink reads a share link by id; found is false if there is none.
func (s Store) ShareLink(ctx context.Context, id string) (l ShareLinkRecord, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.ShareLinkKey(id), &l)
	return l, found, err
}
