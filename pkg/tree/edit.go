package tree

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// EditRequest is the body of PATCH /v1/accounts/{id}. Every part is optional; what is sent is changed.
type EditRequest struct {
	Company *CompanyPatch `json:"company"`
	// Apps switches a customer's apps on (true) or off (false), by app id. Values are checked here, not by
	// decoding, so a bad one is named apps.<id>.
	Apps map[string]any `json:"apps"`
	// Version, when sent, is the version the caller saw: the edit is refused if the account changed since.
	Version *int `json:"version"`
}

// CompanyPatch holds the company fields to change; nil fields stay as they are.
type CompanyPatch struct {
	Name    *string `json:"name"`
	Address *string `json:"address"`
	Country *string `json:"country"`
	State   *string `json:"state"`
	City    *string `json:"city"`
	ZipCode *string `json:"zipCode"`
}

// Validate checks every field that was sent, like the creation form does, and trims the text ones.
func (r *EditRequest) Validate(v *fault.ValidationError) {
	if r.Company == nil && r.Apps == nil {
		if !v.Has("company") && !v.Has("apps") {
			v.Add("body", codeEmpty, "Send company details or app toggles to change.")
		}
		return
	}
	if c := r.Company; c != nil {
		c.Name = text(v, "company.name", c.Name, true, maxCompanyName)
		c.Address = text(v, "company.address", c.Address, true, maxAddress)
		c.Country = text(v, "company.country", c.Country, true, maxCountry)
		c.State = text(v, "company.state", c.State, false, maxRegion)
		c.City = text(v, "company.city", c.City, true, maxRegion)
		c.ZipCode = text(v, "company.zipCode", c.ZipCode, false, maxZip)
	}
	for _, id := range slices.Sorted(maps.Keys(r.Apps)) {
		field := "apps." + id
		if _, known := FindApp(id); !known {
			v.Add(field, codeUnknown, "There is no such app; GET /v1/apps lists them.")
		} else if _, ok := r.Apps[id].(bool); !ok {
			v.Add(field, codeWrongType, "Must be true or false.")
		}
	}
	if r.Version != nil && *r.Version < 1 && !v.Has("version") {
		v.Add("version", codeInvalid, "Send the version the account was read at.")
	}
}

// apps is the app changes, once validated.
func (r *EditRequest) apps() map[string]bool {
	out := map[string]bool{}
	for id, on := range r.Apps {
		out[id], _ = on.(bool)
	}
	return out
}

// actions is what the edit needs Decide to allow.
func (r *EditRequest) actions() []Action {
	var out []Action
	if r.Company != nil {
		out = append(out, Edit)
	}
	if r.Apps != nil {
		out = append(out, Apps)
	}
	return out
}

// patched is the company with the patch applied.
func (c *CompanyPatch) patched(old account.Company) account.Company {
	if c == nil {
		return old
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	out := old
	set(&out.Name, c.Name)
	set(&out.Address, c.Address)
	set(&out.Country, c.Country)
	set(&out.State, c.State)
	set(&out.City, c.City)
	set(&out.ZipCode, c.ZipCode)
	return out
}

var errStale = fault.New(fault.ErrStaleVersion, "stale-version", "Someone else changed this account since you loaded it; reload it and try again.")

// Edit changes an account's company details and, for a customer, its app toggles, in one transaction with a
// version condition and audit events. A new name moves the name's guard (the old one released, the new one
// reserved, so names stay unique whatever their case), re-sorts the account among its parent's children and is
// copied to its users' memberships (the store's update seam does all three). It answers the account as it is now.
func (s *Service) Edit(ctx context.Context, a actor.Actor, id string, req EditRequest) (AccountView, error) {
	v := &fault.ValidationError{}
	req.Validate(v)
	if err := v.Err(); err != nil {
		return AccountView{}, err
	}
	var (
		details map[string]string // nil while nothing changes
		name    string
	)
	next, err := s.change(ctx, a, id, req.actions(), func(acc *account.Account, tx *dynamo.Tx) error {
		details = nil
		if req.Apps != nil && acc.Kind != account.Customer {
			return fault.Invalid("apps", codeNotAllowed, "Only customer accounts have apps.")
		}
		if req.Apps != nil && acc.Prospect() {
			return errProspect
		}
		if req.Version != nil && *req.Version != acc.Version {
			return errStale
		}
		old := *acc
		acc.Company = req.Company.patched(acc.Company)
		if req.Apps != nil {
			acc.Apps = withApps(acc.Apps, req.apps())
		}
		changed := changes(old, *acc)
		if len(changed) == 0 {
			*acc = old // nothing the caller can see changes: write nothing
			return nil
		}
		details = map[string]string{"changed": strings.Join(changed, ",")}
		if name = acc.Company.Name; name != old.Company.Name {
			details["name"], details["previousName"] = name, old.Company.Name
		}
		audited(tx, a, old, audit.AccountUpdated, details, s.clock.Now())
		return nil
	})
	var tooMany dynamo.TooManyMembersError
	switch {
	case errors.Is(err, dynamo.ErrCompanyNameTaken):
		return AccountView{}, fault.New(fault.ErrConflict, "company-name-taken",
			fmt.Sprintf("There is already an account named %q. Names are unique, whatever their case.", name)).
			With("fields", []string{"company.name"})
	case errors.As(err, &tooMany):
		return AccountView{}, fault.New(fault.ErrConflict, "too-many-users",
			fmt.Sprintf("An account with more than %d users cannot be renamed yet.", tooMany.Max))
	case err != nil:
		return AccountView{}, err
	}
	if details != nil {
		s.log.InfoContext(ctx, "account updated", "accountId", next.ID, "actorId", a.UserID, "changed", details["changed"])
	}
	return s.view(ctx, a, next)
}

// changes names what differs between an account and its edited form.
func changes(old, next account.Account) []string {
	var out []string
	for _, f := range []struct {
		name      string
		old, next string
	}{
		{"company.name", old.Company.Name, next.Company.Name},
		{"company.address", old.Company.Address, next.Company.Address},
		{"company.country", old.Company.Country, next.Company.Country},
		{"company.state", old.Company.State, next.Company.State},
		{"company.city", old.Company.City, next.Company.City},
		{"company.zipCode", old.Company.ZipCode, next.Company.ZipCode},
	} {
		if f.old != f.next {
			out = append(out, f.name)
		}
	}
	for _, app := range Catalog {
		if old.Apps[app.ID] != next.Apps[app.ID] {
			out = append(out, "apps."+app.ID)
		}
	}
	return out
}
