package onboarding

import (
	"context"
	"errors"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/token"
)

// errLinkInvalid answers a token that does not verify or names no token: it may have been mistyped.
var errLinkInvalid = fault.New(fault.ErrNotFound, "link-invalid",
	"This link is not valid. Open it again from your email, or ask your administrator for a new one.")

// token reads a token by id; a missing one is errLinkInvalid.
func (s *Service) token(ctx context.Context, id string) (token.Token, error) {
	t, err := s.store.Token(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return t, errLinkInvalid
	}
	return t, err
}
