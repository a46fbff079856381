package grant

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/contract"
)

// answering is what accepting or declining an invitation can fail with.
var answering = []contract.Problem{
	contract.Fails(http.StatusForbidden, "partner-only"),
	contract.Fails(http.StatusNotFound, "grant-not-found"),
	contract.Fails(http.StatusConflict, "grant-not-pending", "grant-ended", "grant-changed"),
	contract.Fails(http.StatusGone, "invitation-expired"),
}

// answeringRoles is what answering a request for roles can fail with.
var answeringRoles = []contract.Problem{
	contract.Fails(http.StatusForbidden, "customer-only"),
	contract.Fails(http.StatusNotFound, "grant-not-found"),
	contract.Fails(http.StatusConflict, "no-role-request", "grant-ended", "grant-changed"),
}

// Contract is what partner access's routes accept and answer (see Mux and RevokeMux).
var Contract = []contract.Operation{
	{Route: RouteList, Summary: "A customer's partner access, a page at a time", Query: contract.Page,
		Answers:  []contract.Answer{contract.OK(http.StatusOK, List{}, "A page of grants.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteInvite, Summary: "Invite a support partner by Partner ID", Body: InviteRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, View{}, "The invitation.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "not-a-customer", "account-is-prospect"),
			contract.Fails(http.StatusNotFound, "account-not-found", "partner-not-found"),
			contract.Fails(http.StatusConflict, "grant-exists", "account-disabled", "conflict")}},
	{Route: RouteShareLink, Summary: "A share link a partner sends to a customer", Body: ShareLinkRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, ShareLink{}, "The link.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "not-a-partner"),
			contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteOpenLink, Summary: "What a share link is for",
		Answers: []contract.Answer{contract.OK(http.StatusOK, ShareLinkInfo{}, "The partner behind the link.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "not-a-customer", "account-is-prospect"),
			contract.Fails(http.StatusNotFound, "link-invalid", "partner-not-found"),
			contract.Fails(http.StatusGone, "link-expired")}},
	{Route: RouteInviteLink, Summary: "Invite the partner behind a share link", Body: ShareInviteRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, View{}, "The invitation.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "not-a-customer", "account-is-prospect"),
			contract.Fails(http.StatusNotFound, "account-not-found", "partner-not-found", "link-invalid"),
			contract.Fails(http.StatusConflict, "grant-exists", "account-disabled", "conflict"),
			contract.Fails(http.StatusGone, "link-expired")}},
	{Route: RouteGet, Summary: "One partner access grant",
		Answers:  []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "grant-not-found")}},
	{Route: RouteAccept, Summary: "The partner accepts an invitation", Body: noBody{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant, now active.")},
		Problems: answering},
	{Route: RouteDecline, Summary: "The partner declines an invitation", Body: noBody{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant, now declined.")},
		Problems: answering},
	{Route: RouteStaff, Summary: "The partner's staff who act in the customer account", Body: StaffRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant with its staff.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "partner-only"),
			contract.Fails(http.StatusNotFound, "grant-not-found", "user-not-found", "not-member"),
			contract.Fails(http.StatusConflict, "grant-not-active", "grant-ended", "already-member", "grant-changed")}},
	{Route: RouteRequestRoles, Summary: "The partner asks the customer for other roles", Body: RolesRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant with the request waiting for the customer.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "partner-only"),
			contract.Fails(http.StatusNotFound, "grant-not-found"),
			contract.Fails(http.StatusConflict, "grant-not-active", "grant-ended", "role-request-pending", "grant-changed")}},
	{Route: RouteApproveRoles, Summary: "The customer approves the partner's request for roles (all or fewer)", Body: ApproveRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant with its new roles.")},
		Problems: answeringRoles},
	{Route: RouteDeclineRoles, Summary: "The customer declines the partner's request for roles", Body: noBody{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant, its roles unchanged.")},
		Problems: answeringRoles},
	{Route: RouteSetRoles, Summary: "The customer takes roles away from its partner", Body: RolesRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant with its new roles.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "customer-only"),
			contract.Fails(http.StatusNotFound, "grant-not-found"),
			contract.Fails(http.StatusConflict, "grant-ended", "grant-changed")}},
	{Route: RouteRevokeGrant, Summary: "End a partner's access (the customer or the partner)", Body: noBody{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant, now revoked.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusNotFound, "grant-not-found"),
			contract.Fails(http.StatusConflict, "grant-ended", "grant-not-active", "grant-changed")}},
	autoExtendContract,

	{Route: RouteAssignGroup, Summary: "The partner assigns a staff group to the grant, with some of its roles", Body: GroupRolesRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant with its groups.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "partner-only"),
			contract.Fails(http.StatusNotFound, "grant-not-found", "group-not-found"),
			contract.Fails(http.StatusConflict, "grant-not-active", "grant-ended", "too-many-groups", "group-full", "grant-changed")}},
	{Route: RouteUnassignGroup, Summary: "The partner takes a staff group off the grant",
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The grant with its groups.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "partner-only"),
			contract.Fails(http.StatusNotFound, "grant-not-found", "group-not-found"),
			contract.Fails(http.StatusConflict, "grant-ended", "grant-changed")}},
	{Route: RouteGroups, Summary: "A partner's staff groups",
		Answers:  []contract.Answer{contract.OK(http.StatusOK, GroupList{}, "Every group, by name.")},
		Problems: groupProblems()},
	{Route: RouteCreateGroup, Summary: "Make a staff group", Body: GroupRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusCreated, GroupView{}, "The new, empty group.")},
		Problems: groupProblems(contract.Fails(http.StatusConflict, "group-name-taken", "too-many-groups"))},
	{Route: RouteGroup, Summary: "One staff group: its members and the customers it acts for",
		Answers:  []contract.Answer{contract.OK(http.StatusOK, GroupView{}, "The group.")},
		Problems: groupProblems(contract.Fails(http.StatusNotFound, "group-not-found"))},
	{Route: RouteUpdateGroup, Summary: "Rename a staff group, or change its description", Body: GroupRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, GroupView{}, "The group.")},
		Problems: groupProblems(contract.Fails(http.StatusNotFound, "group-not-found"),
			contract.Fails(http.StatusConflict, "group-name-taken", "group-changed"))},
	{Route: RouteDeleteGroup, Summary: "Delete a staff group assigned to no customer",
		Answers: []contract.Answer{contract.OK(http.StatusNoContent, nil, "The group is gone.")},
		Problems: groupProblems(contract.Fails(http.StatusNotFound, "group-not-found"),
			contract.Fails(http.StatusConflict, "group-assigned", "group-changed"))},
	{Route: RouteAddMember, Summary: "Put one of the partner's users in a staff group: they act for its customers at once",
		Answers: []contract.Answer{contract.OK(http.StatusOK, GroupView{}, "The group with its members.")},
		Problems: groupProblems(contract.Fails(http.StatusNotFound, "group-not-found", "user-not-found"),
			contract.Fails(http.StatusConflict, "group-full", "group-changed"))},
	{Route: RouteRemoveMember, Summary: "Take a user out of a staff group: their access through it ends at their next request",
		Answers: []contract.Answer{contract.OK(http.StatusOK, GroupView{}, "The group with its members.")},
		Problems: groupProblems(contract.Fails(http.StatusNotFound, "group-not-found", "not-member"),
			contract.Fails(http.StatusConflict, "group-changed"))},
}

// groupProblems is what every staff group route can fail with, and more.
func groupProblems(more ...contract.Problem) []contract.Problem {
	return append([]contract.Problem{
		contract.Fails(http.StatusForbidden, "not-a-partner"),
		contract.Fails(http.StatusNotFound, "account-not-found"),
	}, more...)
}
