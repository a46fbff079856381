package onboarding

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// Operator is the onboarding an operator runs in AWS, on no one's session: the platform's first run (the
// bootstrap function that `phctl bootstrap` invokes). It needs no HMAC key: what Bootstrap writes names the
// activation token by its id, and the mailer derives the link from it with the key, so the function that runs it
// is given neither the key nor a way to read it.
type Operator struct {
	s *Service
}

// NewOperator builds the operator's onboarding from d, whose Keys it ignores: it reads no key.
func NewOperator(d Deps) (*Operator, error) {
	if d.DB == nil || d.Table == "" || d.Clock == nil {
		return nil, errors.New("onboarding: DB, Table and Clock are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	// keys stays nil: none of the Service's methods that Operator calls reads it.
	return &Operator{s: &Service{
		store:  dynamo.Store{DB: d.DB, Table: d.Table},
		clock:  d.Clock,
		log:    d.Log,
		random: d.Random,
		count:  d.Count,
	}}, nil
}

// Bootstrap is Service.Bootstrap with the administrator's address required: in AWS the operator names a real
// person, and DefaultAdminEmail, the local stack's placeholder, would receive the link to the whole platform.
func (o *Operator) Bootstrap(ctx context.Context, in BootstrapInput) (BootstrapResult, error) {
	if in.AdminEmail == "" {
		return BootstrapResult{}, fault.Invalid("email", "required", "Name the first administrator's email address.")
	}
	return o.s.Bootstrap(ctx, in)
}

// ResendActivation is Service.ResendAsOperator with the address required: a new activation link for an invited
// user, on the operator's authority (how the first administrator gets a new link when theirs expired, since no one
// can sign in yet to send one). Like Bootstrap it reads no key: the mailer derives the link from the token's id.
func (o *Operator) ResendActivation(ctx context.Context, email string) (ResendResult, error) {
	if email == "" {
		return ResendResult{}, fault.Invalid("email", "required", "Name the invited user's email address.")
	}
	return o.s.ResendAsOperator(ctx, email)
}
