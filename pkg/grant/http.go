package grant

import (
	"context"
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Route keys served here, exactly as in route.Routes.
const (
	RouteList        = "GET /v1/accounts/{id}/partner-access"
	RouteInvite      = "POST /v1/accounts/{id}/partner-access"
	RouteShareLink   = "POST /v1/accounts/{id}/share-links"
	RouteOpenLink    = "GET /v1/share-links/{token}"
	RouteInviteLink  = "POST /v1/share-links/{token}"
	RouteGet         = "GET /v1/partner-access/{grantId}"
	RouteAccept      = "POST /v1/partner-access/{grantId}/accept"
	RouteDecline     = "POST /v1/partner-access/{grantId}/decline"
	RouteStaff       = "PUT /v1/partner-access/{grantId}/staff"
	RouteRevokeGrant = "POST /v1/partner-access/{grantId}/revoke"

	RouteRequestRoles = "POST /v1/partner-access/{grantId}/role-request"
	RouteApproveRoles = "POST /v1/partner-access/{grantId}/role-request/approve"
	RouteDeclineRoles = "POST /v1/partner-access/{grantId}/role-request/decline"
	RouteSetRoles     = "PUT /v1/partner-access/{grantId}/roles"

	RouteAssignGroup   = "PUT /v1/partner-access/{grantId}/groups/{groupId}"
	RouteUnassignGroup = "DELETE /v1/partner-access/{grantId}/groups/{groupId}"
	RouteGroups        = "GET /v1/accounts/{id}/staff-groups"
	RouteCreateGroup   = "POST /v1/accounts/{id}/staff-groups"
	RouteGroup         = "GET /v1/accounts/{id}/staff-groups/{groupId}"
	RouteUpdateGroup   = "PATCH /v1/accounts/{id}/staff-groups/{groupId}"
	RouteDeleteGroup   = "DELETE /v1/accounts/{id}/staff-groups/{groupId}"
	RouteAddMember     = "PUT /v1/accounts/{id}/staff-groups/{groupId}/members/{userId}"
	RouteRemoveMember  = "DELETE /v1/accounts/{id}/staff-groups/{groupId}/members/{userId}"
)

// Mux is the partner-access function's API:
//
//	GET  /v1/accounts/{id}/partner-access?cursor=&limit= → 200 List | 400 cursor, limit | 403 forbidden | 404 account-not-found
//	POST /v1/accounts/{id}/partner-access  InviteRequest → 201 View | 400 partnerId, durationDays, endsAt | 403 forbidden, not-a-customer
//	                                                        | 404 account-not-found, partner-not-found | 409 grant-exists
//	POST /v1/accounts/{id}/share-links                   → 201 ShareLink | 403 forbidden, not-a-partner | 404 account-not-found
//	GET  /v1/share-links/{token}                         → 200 ShareLinkInfo | 404 link-invalid, partner-not-found | 410 link-expired
//	POST /v1/share-links/{token}     ShareInviteRequest  → 201 View | as POST partner-access, and 404 link-invalid | 410 link-expired
//	GET  /v1/partner-access/{grantId}                    → 200 View | 404 grant-not-found
//	POST /v1/partner-access/{grantId}/accept             → 200 View | 403 partner-only, forbidden | 404 | 409 grant-not-pending, grant-ended, grant-changed | 410 invitation-expired
//	POST /v1/partner-access/{grantId}/decline            → 200 View | as accept
//	PUT  /v1/partner-access/{grantId}/staff StaffRequest → 200 View | 400 userIds | 403 | 404 | 409 grant-not-active, grant-ended, already-member, grant-changed
//	PUT  /v1/partner-access/{grantId}/auto-extend AutoExtendRequest → 200 View | 400 enabled | 403 customer-only | 404 | 409 grant-ended, grant-not-time-bound, grant-changed
//	POST /v1/partner-access/{grantId}/role-request RolesRequest           → 200 View | 400 roles | 403 partner-only | 404 | 409 grant-not-active, grant-ended, role-request-pending, grant-changed
//	POST /v1/partner-access/{grantId}/role-request/approve ApproveRequest → 200 View | 400 roles | 403 customer-only | 404 | 409 no-role-request, grant-ended, grant-changed
//	POST /v1/partner-access/{grantId}/role-request/decline                → 200 View | 403 customer-only | 404 | 409 no-role-request, grant-ended, grant-changed
//	PUT  /v1/partner-access/{grantId}/roles RolesRequest                  → 200 View | 400 roles | 403 customer-only | 404 | 409 grant-ended, grant-changed
//	PUT    /v1/partner-access/{grantId}/groups/{groupId} GroupRolesRequest → 200 View | 400 roles | 403 partner-only | 404 grant-not-found, group-not-found | 409 grant-not-active, grant-ended, too-many-groups, group-full, grant-changed
//	DELETE /v1/partner-access/{grantId}/groups/{groupId}                   → 200 View | 403 partner-only | 404 grant-not-found, group-not-found | 409 grant-ended, grant-changed
//	GET    /v1/accounts/{id}/staff-groups                    → 200 GroupList | 403 forbidden, not-a-partner | 404 account-not-found
//	POST   /v1/accounts/{id}/staff-groups GroupRequest       → 201 GroupView | 400 name, description | 403 | 404 | 409 group-name-taken, too-many-groups
//	GET    /v1/accounts/{id}/staff-groups/{groupId}          → 200 GroupView | 403 | 404 account-not-found, group-not-found
//	PATCH  /v1/accounts/{id}/staff-groups/{groupId} GroupRequest → 200 GroupView | 400 | 403 | 404 | 409 group-name-taken, group-changed
//	DELETE /v1/accounts/{id}/staff-groups/{groupId}          → 204 | 403 | 404 | 409 group-assigned, group-changed
//	PUT    /v1/accounts/{id}/staff-groups/{groupId}/members/{userId} → 200 GroupView | 403 | 404 group-not-found, user-not-found | 409 group-full, group-changed
//	DELETE /v1/accounts/{id}/staff-groups/{groupId}/members/{userId} → 200 GroupView | 403 | 404 group-not-found, not-member | 409 group-changed
func (s *Service) Mux() httpapi.Mux {
	return httpapi.Mux{
		RouteList:       s.list,
		RouteInvite:     s.invitePartner,
		RouteShareLink:  s.shareLink,
		RouteOpenLink:   s.openLink,
		RouteInviteLink: s.inviteByLink,
		RouteGet:        s.get,
		RouteAccept:     s.accept,
		RouteDecline:    s.decline,
		RouteStaff:      s.staff,
		RouteAutoExtend: s.autoExtend,

		RouteRequestRoles: s.requestRoles,
		RouteApproveRoles: s.approveRoles,
		RouteDeclineRoles: s.declineRoles,
		RouteSetRoles:     s.setRoles,

		RouteAssignGroup:   s.assignGroup,
		RouteUnassignGroup: s.unassignGroup,
		RouteGroups:        s.groups,
		RouteCreateGroup:   s.createGroup,
		RouteGroup:         s.group,
		RouteUpdateGroup:   s.updateGroup,
		RouteDeleteGroup:   s.deleteGroup,
		RouteAddMember:     s.addMember,
		RouteRemoveMember:  s.removeMember,
	}
}

// RevokeMux is partner access's part of the revoke function's API:
//
//	POST /v1/partner-access/{grantId}/revoke → 200 View | 403 forbidden | 404 grant-not-found | 409 grant-ended, grant-not-active, grant-changed
func (s *Service) RevokeMux() httpapi.Mux {
	return httpapi.Mux{RouteRevokeGrant: s.revoke}
}

// noBody is the body of actions that take none: empty or {}, anything else is reported.
type noBody struct{}

func (s *Service) list(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	l, err := s.List(ctx, r.Actor, r.Param("id"), PageRequest{Cursor: r.Query("cursor"), Limit: r.Query("limit")})
	return answer(http.StatusOK, l, err)
}

func (s *Service) invitePartner(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req InviteRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.Invite(ctx, r.Actor, r.Param("id"), req)
	return answer(http.StatusCreated, v, err)
}

func (s *Service) shareLink(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req ShareLinkRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	l, err := s.CreateShareLink(ctx, r.Actor, r.Param("id"), req)
	return answer(http.StatusCreated, l, err)
}

func (s *Service) openLink(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	info, err := s.OpenShareLink(ctx, r.Actor, r.Param("token"))
	return answer(http.StatusOK, info, err)
}

func (s *Service) inviteByLink(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req ShareInviteRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.InviteByLink(ctx, r.Actor, r.Param("token"), req)
	return answer(http.StatusCreated, v, err)
}

func (s *Service) get(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := s.Get(ctx, r.Actor, r.Param("grantId"))
	return answer(http.StatusOK, v, err)
}

func (s *Service) accept(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := r.Decode(&noBody{}); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.Accept(ctx, r.Actor, r.Param("grantId"))
	return answer(http.StatusOK, v, err)
}

func (s *Service) decline(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := r.Decode(&noBody{}); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.Decline(ctx, r.Actor, r.Param("grantId"))
	return answer(http.StatusOK, v, err)
}

func (s *Service) staff(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req StaffRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.SetStaff(ctx, r.Actor, r.Param("grantId"), req)
	return answer(http.StatusOK, v, err)
}

func (s *Service) requestRoles(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req RolesRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.RequestRoles(ctx, r.Actor, r.Param("grantId"), req)
	return answer(http.StatusOK, v, err)
}

func (s *Service) approveRoles(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req ApproveRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.ApproveRoles(ctx, r.Actor, r.Param("grantId"), req)
	return answer(http.StatusOK, v, err)
}

func (s *Service) declineRoles(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := r.Decode(&noBody{}); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.DeclineRoles(ctx, r.Actor, r.Param("grantId"))
	return answer(http.StatusOK, v, err)
}

func (s *Service) setRoles(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req RolesRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.SetRoles(ctx, r.Actor, r.Param("grantId"), req)
	return answer(http.StatusOK, v, err)
}

func (s *Service) revoke(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := r.Decode(&noBody{}); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.Revoke(ctx, r.Actor, r.Param("grantId"))
	return answer(http.StatusOK, v, err)
}

// answer is a use case's result as a response: the body with status, or the error for httpapi to map.
func answer(status int, body any, err error) (httpapi.Response, error) {
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(status, body), nil
}

func (s *Service) assignGroup(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req GroupRolesRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.AssignGroup(ctx, r.Actor, r.Param("grantId"), r.Param("groupId"), req)
	return answer(http.StatusOK, v, err)
}

func (s *Service) unassignGroup(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := s.UnassignGroup(ctx, r.Actor, r.Param("grantId"), r.Param("groupId"))
	return answer(http.StatusOK, v, err)
}

func (s *Service) groups(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	l, err := s.Groups(ctx, r.Actor, r.Param("id"))
	return answer(http.StatusOK, l, err)
}

func (s *Service) createGroup(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req GroupRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	g, err := s.CreateGroup(ctx, r.Actor, r.Param("id"), req)
	return answer(http.StatusCreated, g, err)
}

func (s *Service) group(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	g, err := s.Group(ctx, r.Actor, r.Param("id"), r.Param("groupId"))
	return answer(http.StatusOK, g, err)
}

func (s *Service) updateGroup(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req GroupRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	g, err := s.UpdateGroup(ctx, r.Actor, r.Param("id"), r.Param("groupId"), req)
	return answer(http.StatusOK, g, err)
}

func (s *Service) deleteGroup(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := s.DeleteGroup(ctx, r.Actor, r.Param("id"), r.Param("groupId")); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

func (s *Service) addMember(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	g, err := s.AddMember(ctx, r.Actor, r.Param("id"), r.Param("groupId"), r.Param("userId"))
	return answer(http.StatusOK, g, err)
}

func (s *Service) removeMember(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	g, err := s.RemoveMember(ctx, r.Actor, r.Param("id"), r.Param("groupId"), r.Param("userId"))
	return answer(http.StatusOK, g, err)
}
