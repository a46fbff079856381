package brand

import (
	"context"
	"errors"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
)

// Mail is the mailer's outbox.Brander: the effective branding of a message's account, with the logo's URL made
// absolute on the portal's origin. An account with no branding above it (or no account) gets Fallback.
type Mail struct {
	Resolver  branding.Resolver
	PortalURL string
	Fallback  outbox.Brand
}

var _ outbox.Brander = Mail{}

// Branding implements outbox.Brander. A failed read is an error, so the mailer retries the message later
// rather than send it unbranded; an account that no longer exists gets the fallback.
func (m Mail) Branding(ctx context.Context, accountID string) (outbox.Brand, error) {
	if accountID == "" {
		return m.Fallback, nil
	}
	e, err := m.Resolver.Effective(ctx, accountID)
	if errors.Is(err, fault.ErrNotFound) {
		return m.Fallback, nil
	}
	if err != nil {
		return outbox.Brand{}, err
	}
	if e.AccountID == "" {
		return m.Fallback, nil
	}
	e = e.Absolute(m.PortalURL)
	return outbox.Brand{AccountID: e.AccountID, Name: e.Name, LogoURL: e.LogoURL, Color: e.Color, SupportEmail: e.SupportEmail, SupportURL: e.SupportURL}, nil
}

// MailFallback is the branding of emails no partner brands: PartnerHub's (outbox.DefaultBrand, which is
// branding.Default), with the portal as the support link.
func MailFallback(portalURL string) outbox.Brand {
	b := outbox.DefaultBrand
	b.SupportURL = portalURL
	return b
}
