package member

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/contract"
)

// listQuery is the user list's query, as ListQuery documents it.
var listQuery = append([]contract.Param{
	{Name: "q", Description: "Text in the name or the email address where a word starts."},
	{Name: "initial", Description: "A letter A–Z: names starting with it; # for the others."},
	{Name: "status", Description: "Only users in this status.", Enum: []string{"registered", "unregistered", "disabled"}},
	{Name: "role", Description: "Only users holding this role."},
	{Name: "sort", Description: "name (default), email, status or lastLogin.", Enum: []string{"name", "email", "status", "lastLogin"}},
	{Name: "order", Description: "asc (default) or desc.", Enum: []string{"asc", "desc"}},
}, contract.Page...)

// Contract is what user maintenance's routes accept and answer (see Mux and RevokeMux).
var Contract = []contract.Operation{
	{Route: RouteRoles, Summary: "The roles the caller can assign in an account",
		Query:    []contract.Param{{Name: "accountId", Description: "The account the roles are for; the current one when absent."}},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, RoleList{}, "The roles.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteList, Summary: "An account's users: search, filter, sort, a page at a time", Query: listQuery,
		Answers:  []contract.Answer{contract.OK(http.StatusOK, UserList{}, "A page of users.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteInvite, Summary: "Invite a user to an account", Body: InviteRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, Invited{}, "The invitation was sent.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "role-not-assignable", "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found"),
			contract.Fails(http.StatusConflict, "already-member", "user-disabled", "account-disabled", "account-is-prospect", "conflict"),
			contract.Fails(http.StatusTooManyRequests, "rate-limited")}},
	{Route: RouteImport, Summary: "Invite the users of a CSV file, a result per row; a dry run first changes nothing",
		Query: []contract.Param{{Name: "dryRun", Description: "true: check every row and answer what would happen, changing nothing.", Enum: []string{"true", "false"}}},
		Answers: []contract.Answer{
			contract.OK(http.StatusOK, ImportResult{}, "The dry run: a result per row, nothing changed."),
			contract.OK(http.StatusCreated, ImportResult{}, "A result per row: created, invited, exists, error or skipped.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found"),
			contract.Fails(http.StatusConflict, "account-disabled")}},
	{Route: RouteEdit, Summary: "Edit a user's name, roles or status, or correct a pending user's address", Body: EditRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Row{}, "The edited user.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "cannot-raise-own-roles", "role-not-assignable", "not-direct-child"),
			contract.Fails(http.StatusNotFound, "user-not-found", "not-member", "account-not-found"),
			contract.Fails(http.StatusConflict, "last-administrator", "stale-version", "partner-access", "conflict", "email-taken")}},
	{Route: RouteStatus, Summary: "A user's status and the delivery of their invitation",
		Answers:  []contract.Answer{contract.OK(http.StatusOK, StatusCheck{}, "The status.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "user-not-found")}},
	{Route: RouteEndSessions, Summary: "End every session of a user (an administrator signs them out everywhere)",
		Answers: []contract.Answer{contract.OK(http.StatusOK, SessionsEnded{}, "Every session of the user has ended.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "not-direct-child"),
			contract.Fails(http.StatusNotFound, "user-not-found")}},
	{Route: RouteInvitation, Summary: "What a membership invitation link is for",
		Answers: []contract.Answer{contract.OK(http.StatusOK, InvitationInfo{}, "The invitation.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusNotFound, "link-invalid"),
			contract.Fails(http.StatusGone, "link-used", "link-replaced", "link-expired")}},
	{Route: RouteAccept, Summary: "The signed-in invited user accepts a membership",
		Answers: []contract.Answer{contract.OK(http.StatusCreated, Accepted{}, "The membership.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "wrong-user"),
			contract.Fails(http.StatusNotFound, "link-invalid"),
			contract.Fails(http.StatusConflict, "already-member", "account-disabled", "conflict"),
			contract.Fails(http.StatusGone, "link-used", "link-replaced", "link-expired")}},
	{Route: RouteRemove, Summary: "Remove a user's access to an account",
		Answers: []contract.Answer{contract.OK(http.StatusOK, Removed{}, "The user no longer has access.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found", "not-member", "user-not-found"),
			contract.Fails(http.StatusConflict, "last-administrator", "partner-access", "stale-version", "conflict")}},
}
