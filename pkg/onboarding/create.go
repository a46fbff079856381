package onboarding

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/access"
	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// CreateAccountRequest is the body of POST /v1/accounts.
type CreateAccountRequest struct {
	Kind      string          `json:"kind"`
	ParentID  string          `json:"parentId"`
	Company   field.Company   `json:"company"`
	Contact   ContactInput    `json:"contact"`
	TwoFactor *TwoFactorInput `json:"twoFactor"`
	// Stage is a customer's stage: "customer" (the default) or "prospect", a would-be customer whose point of
	// contact is recorded but not invited until an administrator converts it (POST /v1/accounts/{id}/convert).
	// Only customers have a stage.
	Stage string `json:"stage,omitempty"`
	// Profile is "now" (the default: the form carries the company details) or "later" (the short form, for MSP
	// and partner accounts: only company.name and contact.email are required, and the contact completes the
	// company details at first sign-in).
	Profile string `json:"profile"`
}

// Values of CreateAccountRequest.Profile.
const (
	ProfileNow   = "now"
	ProfileLater = "later"
)

// later reports whether the request uses the short form.
func (r *CreateAccountRequest) later() bool { return r.Profile == ProfileLater }

// ContactInput is the new account's point of contact, who becomes its administrator.
type ContactInput struct {
	Name   string `json:"name"`
	Email  string `json:"email"`
	Mobile string `json:"mobile"`
	Phone  string `json:"phone"`
}

// TwoFactorInput is the contact's two-factor setting; both fields are optional.
type TwoFactorInput struct {
	Enabled *bool   `json:"enabled"`
	Method  *string `json:"method"`
}

// Validate checks every field and trims the text ones, so that one answer names every problem.
func (r *CreateAccountRequest) Validate(v *fault.ValidationError) {
	r.Kind = strings.TrimSpace(r.Kind)
	switch {
	case v.Has("kind"):
	case r.Kind == "":
		v.Add("kind", field.CodeRequired, "This field is required.")
	case !slices.Contains(account.Kinds, account.Kind(r.Kind)):
		v.Add("kind", field.CodeInvalid, "Choose msp, partner or customer.")
	}
	r.ParentID = strings.TrimSpace(r.ParentID)
	switch {
	case v.Has("parentId"):
	case r.ParentID == "":
		v.Add("parentId", field.CodeRequired, "This field is required.")
	case !secret.WellFormedID(r.ParentID):
		v.Add("parentId", field.CodeInvalid, "This is not an account id.")
	}
	r.Stage = strings.TrimSpace(r.Stage)
	switch st, ok := account.ParseStage(r.Stage); {
	case v.Has("stage"):
	case !ok:
		v.Add("stage", field.CodeInvalid, `Use "customer" or "prospect".`)
	case st == account.Prospect && account.Kind(r.Kind) != account.Customer && !v.Has("kind"):
		v.Add("stage", field.CodeNotAllowed, "Only a customer account can be a prospect.")
	}
	r.Profile = strings.TrimSpace(r.Profile)
	switch r.Profile {
	case "", ProfileNow:
	case ProfileLater:
		if k := account.Kind(r.Kind); k != account.MSP && k != account.Partner && !v.Has("kind") {
			v.Add("profile", field.CodeNotAllowed, "Only MSP and partner accounts can complete their company details at first sign-in.")
		}
	default:
		if !v.Has("profile") {
			v.Add("profile", field.CodeInvalid, `Use "now" or "later".`)
		}
	}
	field.CheckCompany(v, "company", &r.Company, true, !r.later())
	p := &r.Contact
	p.Name = field.Text(v, "contact.name", p.Name, !r.later(), field.MaxPersonName)
	p.Email = field.Email(v, "contact.email", p.Email)
	if p.Name == "" && r.later() && !v.Has("contact.name") && !v.Has("contact.email") {
		// The short form needs no name: the address's local part stands in until the contact changes it.
		local, _, _ := strings.Cut(p.Email, "@")
		if runes := []rune(local); len(runes) > field.MaxPersonName {
			local = string(runes[:field.MaxPersonName])
		}
		p.Name = local
	}
	p.Mobile = field.Phone(v, "contact.mobile", p.Mobile)
	p.Phone = field.Phone(v, "contact.phone", p.Phone)
	if r.TwoFactor != nil && r.TwoFactor.Method != nil && !v.Has("twoFactor.method") {
		switch m := strings.TrimSpace(*r.TwoFactor.Method); m {
		case user.MethodEmail:
		case user.MethodSMS, user.MethodTOTP:
			v.Add("twoFactor.method", field.CodeUnsupported, fmt.Sprintf("Two-factor sign-in by %s is not available yet; use email.", m))
		default:
			v.Add("twoFactor.method", field.CodeInvalid, "Use email.")
		}
	}
}

// twoFactor is the contact's setting: on, by email, unless the request says otherwise.
func (r *CreateAccountRequest) twoFactor() user.TwoFactor {
	tf := user.TwoFactor{Enabled: true, Method: user.MethodEmail}
	if r.TwoFactor != nil && r.TwoFactor.Enabled != nil {
		tf.Enabled = *r.TwoFactor.Enabled
	}
	return tf
}

// Created is the answer to a new account.
type Created struct {
	ID            string         `json:"id"`
	Status        account.Status `json:"status"`
	ContactUserID string         `json:"contactUserId"`
}

// stage is the new account's stage, once validated.
func (r *CreateAccountRequest) stage() account.Stage {
	st, _ := account.ParseStage(r.Stage)
	return st
}

// errProspectsOnly answers a holder of the Prospects role alone who asks for anything but a prospect.
var errProspectsOnly = fault.New(fault.ErrForbidden, "prospects-only",
	"Your role creates prospects only: choose the Prospect account type. An administrator converts it to a customer when the deal is signed.")

// visibleTo reports whether an actor acting in an account may see (and act below) acc: acc is that account or
// lies below it.
func visibleTo(a actor.Actor, acc account.Account) bool {
	return access.Sees(a, acc)
}

// errUnknownParent answers a parent that does not exist and one the actor cannot see alike, so the answer does
// not tell whether an account exists outside the actor's tree.
var errUnknownParent = fault.Invalid("parentId", field.CodeUnknown, "There is no such account in your part of the tree.")

// Create creates an account below parentId with its point of contact, who gets an activation email. The actor
// must be allowed to create accounts of the kind, acting in the parent or above it.
func (s *Service) Create(ctx context.Context, a actor.Actor, req CreateAccountRequest) (Created, error) {
	if a.Anonymous() {
		return Created{}, fault.ErrUnauthorized
	}
	v := &fault.ValidationError{}
	req.Validate(v)
	if err := v.Err(); err != nil {
		return Created{}, err
	}
	kind, stage := account.Kind(req.Kind), req.stage()
	switch {
	case access.Creates(a, kind, stage):
	case !a.Can(role.CustomersCreate) && !a.Can(role.PartnersCreate) && a.Can(role.ProspectsCreate):
		return Created{}, errProspectsOnly
	default:
		return Created{}, fault.New(fault.ErrForbidden, "forbidden", fmt.Sprintf("Your role does not allow creating %s accounts.", kind))
	}
	tf := req.twoFactor()
	if !tf.Enabled && !a.Can(role.TwoFactorManage) {
		return Created{}, fault.New(fault.ErrForbidden, "two-factor-forbidden", "Only a super administrator may turn two-factor sign-in off.")
	}
	parent, err := s.store.Account(ctx, req.ParentID)
	if errors.Is(err, fault.ErrNotFound) || err == nil && !visibleTo(a, parent) {
		return Created{}, errUnknownParent
	}
	if err != nil {
		return Created{}, err
	}
	if !account.MayParent(parent.Kind, kind) {
		return Created{}, fault.Invalid("kind", field.CodeNotAllowed, fmt.Sprintf("A %s account cannot have %s accounts below it.", parent.Kind, kind))
	}
	if parent.Status == account.Disabled {
		return Created{}, errParentDisabled
	}
	by, err := s.inviter(ctx, a, parent)
	if err != nil {
		return Created{}, err
	}

	now := s.clock.Now()
	acc := account.Account{
		ID:            secret.NewID(),
		Kind:          kind,
		ParentID:      parent.ID,
		Ancestors:     parent.Path(),
		Company:       account.Company(req.Company),
		Status:        account.Pending,
		Stage:         stage,
		CreatedAt:     now,
		CreatedBy:     a.UserID,
		Version:       1,
		ContactUserID: secret.NewID(),
		// The short form leaves the company details to the contact's first sign-in (package profile).
		ProfilePending: req.later(),
	}
	contact := invitee{
		User: invitation.NewUser(acc.ContactUserID, invitation.Person{
			Name: req.Contact.Name, Email: req.Contact.Email, Phone: req.Contact.Phone, Mobile: req.Contact.Mobile,
		}, acc.ID, tf, now),
		Role: role.AdminFor(string(kind)),
	}
	var events []audit.Event
	for _, e := range []audit.Event{
		{ID: secret.NewID(), AccountID: parent.ID, At: now, ActorID: a.UserID, Action: audit.AccountCreated, TargetType: audit.TargetAccount, TargetID: acc.ID,
			Details: map[string]string{"kind": string(kind), "name": acc.Company.Name, "contactUserId": contact.ID}},
		{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID, Action: audit.AccountCreated, TargetType: audit.TargetAccount, TargetID: acc.ID,
			Details: map[string]string{"kind": string(kind), "name": acc.Company.Name, "parentId": parent.ID, "contactUserId": contact.ID}},
	} {
		if acc.ProfilePending {
			e.Details["profile"] = ProfileLater
		}
		if acc.Prospect() {
			e.Details["stage"] = string(account.Prospect)
		}
		events = append(events, e)
	}
	// MSPs and partners get their Partner ID with the account, reserved by a guard in the same transaction; a
	// taken one (about one chance in 10^11 per existing partner) is drawn again.
	for attempt := 1; ; attempt++ {
		var partnerID partnerid.ID
		if partnerid.Has(kind) {
			if partnerID, err = partnerid.New(s.random); err != nil {
				return Created{}, err
			}
			acc.PartnerID = partnerID.String()
		}
		tx := s.newAccount(s.store.Tx(), acc, contact, by, now)
		// Every ancestor counts the new account (a prospect as a prospect, not a customer); the parent's count also
		// proves it exists and is not disabled.
		for _, id := range acc.Ancestors {
			if id == parent.ID {
				tx.CountChild(id, account.CounterOf(acc), true, errParentMoved)
			} else {
				tx.CountChild(id, account.CounterOf(acc), false, errTreeMoved)
			}
		}
		for _, e := range events {
			tx.Audit(e)
		}
		if partnerID != "" {
			tx.ReservePartnerID(partnerID, acc.ID, errPartnerIDTaken)
		}
		err := s.store.Commit(ctx, tx)
		if errors.Is(err, errPartnerIDTaken) && attempt < partnerid.Attempts {
			continue
		}
		if err != nil {
			return Created{}, s.createFailed(ctx, err, req)
		}
		break
	}
	s.log.InfoContext(ctx, "account created", "accountId", acc.ID, "kind", kind, "stage", stage.String(), "parentId", parent.ID, "contactUserId", contact.ID)
	s.count.Count(ctx, tally.AccountsCreated)
	return Created{ID: acc.ID, Status: acc.Status, ContactUserID: contact.ID}, nil
}

// What a new account's transaction means when the tree moved under it or its Partner ID is taken.
var (
	errParentMoved    = errors.New("parent account gone or disabled")
	errTreeMoved      = errors.New("an account above the parent is gone")
	errPartnerIDTaken = errors.New("partner id taken")
)

// errParentDisabled answers an attempt to create below a disabled account.
var errParentDisabled = fault.New(fault.ErrConflict, "parent-disabled", "The parent account is disabled; enable it before adding accounts below it.")

// createFailed turns a failed account creation into the domain error that says why.
func (s *Service) createFailed(ctx context.Context, err error, req CreateAccountRequest) error {
	if e := s.taken(ctx, err, req.Company.Name, req.Contact.Email); e != nil {
		return e
	}
	switch {
	case errors.Is(err, errParentMoved):
		parent, rerr := s.store.Account(ctx, req.ParentID)
		switch {
		case errors.Is(rerr, fault.ErrNotFound):
			return errUnknownParent
		case rerr != nil:
			return rerr
		case parent.Status == account.Disabled:
			return errParentDisabled
		}
	case !errors.Is(err, errTreeMoved) && !errors.Is(err, errPartnerIDTaken) && !errors.Is(err, fault.ErrConflict):
		return err
	}
	return fault.New(fault.ErrConflict, "conflict", "The account tree changed while the account was being created; try again.")
}
