package member

import (
	"context"
	"errors"
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// Route keys served here, exactly as in route.Routes.
const (
	RouteRoles      = "GET /v1/roles"
	RouteList       = "GET /v1/accounts/{id}/users"
	RouteInvite     = "POST /v1/accounts/{id}/users"
	RouteEdit       = "PATCH /v1/users/{id}"
	RouteStatus     = "GET /v1/users/{id}/status"
	RouteInvitation = "GET /v1/memberships/{token}"
	RouteAccept     = "POST /v1/memberships/{token}"
	RouteRemove     = "DELETE /v1/accounts/{id}/users/{userId}"
	RouteImport     = "POST /v1/accounts/{id}/user-imports"
)

// Required is the permission each route needs of the caller's roles in the account it acts in. The invitation
// page is public and accepting needs the invited user rather than a permission, so they need none.
var Required = map[string]role.Permission{
	RouteRoles:  role.UsersView,
	RouteList:   role.UsersView,
	RouteInvite: role.UsersManage,
	RouteEdit:   role.UsersManage,
	RouteStatus: role.UsersView,
	RouteRemove: role.UsersManage,
	RouteImport: role.UsersManage,

	RouteEndSessions: role.UsersManage,
}

// Mux is the users function's API:
//
//	GET    /v1/roles?accountId=               → 200 RoleList
//	GET    /v1/accounts/{id}/users?q=&initial=&status=&role=&sort=&order=&cursor=&limit=
//	                                          → 200 UserList | 400 | 404 account-not-found
//	POST   /v1/accounts/{id}/users            InviteRequest → 201 Invited | 400 | 403 role-not-assignable,
//	                                            not-direct-child | 404 | 409 already-member, user-disabled,
//	                                            account-disabled | 429 rate-limited
//	PATCH  /v1/users/{id}                     EditRequest → 200 Row | 400 | 403 cannot-raise-own-roles,
//	                                            role-not-assignable, not-direct-child | 404 user-not-found,
//	                                            not-member | 409 last-administrator, stale-version, partner-access
//	GET    /v1/users/{id}/status              → 200 StatusCheck | 404 user-not-found
//	DELETE /v1/users/{id}/sessions            → 200 SessionsEnded | 403 not-direct-child | 404 user-not-found
//	GET    /v1/memberships/{token}            → 200 InvitationInfo | 404 link-invalid | 410 link-used,
//	                                            link-replaced, link-expired   (public)
//	POST   /v1/memberships/{token}            → 201 Accepted | 403 wrong-user | 404 | 409 already-member | 410
//	POST   /v1/accounts/{id}/user-imports?dryRun=true|false
//	                                          text/csv file → 200 ImportResult (dry run) | 201 ImportResult |
//	                                            400 (the file: too large, too many rows, columns, CSV) | 404 |
//	                                            409 account-disabled
//
// Session routes answer 401 without a valid session. Each route first checks Required through actor.Can
// (403 forbidden); the use cases check it again.
func (s *Service) Mux() httpapi.Mux {
	return guarded(httpapi.Mux{
		RouteRoles:      s.roles,
		RouteList:       s.list,
		RouteInvite:     s.invite,
		RouteEdit:       s.edit,
		RouteStatus:     s.status,
		RouteInvitation: s.invitation,
		RouteAccept:     s.accept,
		RouteImport:     s.importUsers,

		RouteEndSessions: s.endSessions,
	})
}

// RevokeMux is user maintenance's part of the revoke function:
//
//	DELETE /v1/accounts/{id}/users/{userId}   → 200 Removed | 403 forbidden, not-direct-child |
//	                                            404 account-not-found, not-member | 409 last-administrator,
//	                                            partner-access
func (s *Service) RevokeMux() httpapi.Mux {
	return guarded(httpapi.Mux{RouteRemove: s.remove})
}

// guarded makes every endpoint of mux check its Required permission first.
func guarded(mux httpapi.Mux) httpapi.Mux {
	out := make(httpapi.Mux, len(mux))
	for key, endpoint := range mux {
		p, ok := Required[key]
		if !ok {
			out[key] = endpoint
			continue
		}
		out[key] = func(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
			if err := need(r.Actor, p); err != nil {
				return httpapi.Response{}, err
			}
			return endpoint(ctx, r)
		}
	}
	return out
}

func (s *Service) roles(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.Roles(ctx, r.Actor, r.Query("accountId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) list(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.List(ctx, r.Actor, r.Param("id"), ListQuery{
		Q: r.Query("q"), Initial: r.Query("initial"), Status: r.Query("status"), Role: r.Query("role"),
		Sort: r.Query("sort"), Order: r.Query("order"), Cursor: r.Query("cursor"), Limit: r.Query("limit"),
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// decode decodes a body strictly; the field problems it finds are returned for the use case to add its own
// checks to, so one answer names every bad field. A body that is not JSON at all is answered at once.
func decode(r *httpapi.Request, dst any) (*fault.ValidationError, error) {
	err := r.Decode(dst)
	var problems *fault.ValidationError
	if err != nil && (!errors.As(err, &problems) || problems.Has("body")) {
		return nil, err
	}
	return problems, nil
}

func (s *Service) invite(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req InviteRequest
	problems, err := decode(r, &req)
	if err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.Invite(ctx, r.Actor, r.Param("id"), req, problems)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, out), nil
}

func (s *Service) edit(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req EditRequest
	problems, err := decode(r, &req)
	if err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.Edit(ctx, r.Actor, r.Param("id"), req, problems)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) status(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.Status(ctx, r.Actor, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) invitation(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.Invitation(ctx, r.Param("token"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) accept(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.Accept(ctx, r.Actor, r.Param("token"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, out), nil
}

func (s *Service) remove(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.Remove(ctx, r.Actor, r.Param("id"), r.Param("userId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) importUsers(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var dryRun bool
	switch r.Query("dryRun") {
	case "true":
		dryRun = true
	case "", "false":
	default:
		return httpapi.Response{}, fault.Invalid("dryRun", field.CodeInvalid, "Use true for a dry run that changes nothing, or false.")
	}
	file, err := r.Body()
	if err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.Import(ctx, r.Actor, r.Param("id"), file, dryRun)
	if err != nil {
		return httpapi.Response{}, err
	}
	if dryRun {
		return httpapi.JSON(http.StatusOK, out), nil
	}
	return httpapi.JSON(http.StatusCreated, out), nil
}
