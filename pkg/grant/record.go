package grant

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// A grant is stored as a dynamo.GrantRecord; these translate, so the rules never see the storage shape.

// toRecord is g as stored.
func toRecord(g Grant) dynamo.GrantRecord {
	r := dynamo.GrantRecord{
		ID: g.ID, CustomerID: g.Customer.ID, CustomerName: g.Customer.Name,
		PartnerAccountID: g.Partner.ID, PartnerName: g.Partner.Name, PartnerID: g.PartnerID,
		Status: string(g.Status), Via: g.Via,
		InvitedAt: ts(g.InvitedAt), InvitedBy: g.InvitedBy, InvitedByName: g.InvitedByName,
		ExpiresAt: ts(g.ExpiresAt), EndsAt: ts(g.EndsAt),
		AcceptedAt: ts(g.AcceptedAt), AcceptedBy: g.AcceptedBy,
		EndedAt: ts(g.EndedAt), EndedBy: g.EndedBy, EndReason: g.EndReason,
		Staff: make([]dynamo.StaffRecord, 0, len(g.Staff)), StaffChangedAt: ts(g.StaffChangedAt),
		Due: g.Due.Event, DueAt: ts(g.Due.At), Version: g.Version,
	}
	for _, s := range g.Staff {
		r.Staff = append(r.Staff, dynamo.StaffRecord{UserID: s.UserID, Name: s.Name, Email: s.Email})
	}
	return r
}

// fromRecord is the grant a stored record holds.
func fromRecord(r dynamo.GrantRecord) (Grant, error) {
	var errs []error
	t := func(s string) time.Time {
		v, err := parseTS(s)
		errs = append(errs, err)
		return v
	}
	g := Grant{
		ID: r.ID, Customer: Party{r.CustomerID, r.CustomerName}, Partner: Party{r.PartnerAccountID, r.PartnerName},
		PartnerID: r.PartnerID, Status: Status(r.Status), Via: r.Via,
		InvitedAt: t(r.InvitedAt), InvitedBy: r.InvitedBy, InvitedByName: r.InvitedByName,
		ExpiresAt: t(r.ExpiresAt), EndsAt: t(r.EndsAt),
		AcceptedAt: t(r.AcceptedAt), AcceptedBy: r.AcceptedBy,
		EndedAt: t(r.EndedAt), EndedBy: r.EndedBy, EndReason: r.EndReason,
		StaffChangedAt: t(r.StaffChangedAt),
		Due:            Due{Event: r.Due, At: t(r.DueAt)}, Version: r.Version,
	}
	for _, s := range r.Staff {
		g.Staff = append(g.Staff, Staff{UserID: s.UserID, Name: s.Name, Email: s.Email})
	}
	for _, err := range errs {
		if err != nil {
			return Grant{}, fmt.Errorf("decode grant %s: %w", r.ID, err)
		}
	}
	return g, nil
}

// item encodes g, listed by its stage; an ended grant stays Recent, then TTL collects it.
func item(g Grant) (map[string]types.AttributeValue, error) {
	l := dynamo.GrantListing{Stage: table.GrantStagePending}
	switch {
	case g.Status == Active:
		l.Stage = table.GrantStageActive
	case !g.Status.Live():
		l.Stage, l.EndedAt, l.Retain = table.GrantStageEnded, g.EndedAt, g.EndedAt.Add(Recent)
	}
	return dynamo.GrantItem(toRecord(g), l)
}

// newGrant is the transaction item that writes a new grant.
func newGrant(tableName string, g Grant) (types.TransactWriteItem, error) {
	it, err := item(g)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return dynamo.PutNew(tableName, it), nil
}

// putGrant is the transaction item that replaces a grant read at version in status from with g.
func putGrant(tableName string, g Grant, version int, from Status) (types.TransactWriteItem, error) {
	it, err := item(g)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return dynamo.PutGrantAt(tableName, it, version, string(from)), nil
}

// ts is a time as stored ("" for zero).
func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return table.Timestamp(t)
}

func parseTS(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse("2006-01-02T15:04:05.000000000Z", s)
}
