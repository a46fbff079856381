package tree

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/contract"
)

// searchQuery is the query of the tree search, as SearchRequest documents it.
var searchQuery = append([]contract.Param{
	{Name: "q", Description: "Text in an account's name where a word starts, or the beginning of its Partner ID. Required."},
	{Name: "kind", Description: "Only accounts of this kind.", Enum: []string{"provider", "msp", "partner", "customer"}},
	{Name: "status", Description: "Only accounts in this status.", Enum: []string{"pending", "active", "disabled"}},
	{Name: "stage", Description: "Only customer accounts in this stage: prospects, or customers who signed.", Enum: []string{"prospect", "customer"}},
	{Name: "sort", Description: "match (default) or name.", Enum: []string{"match", "name"}},
	{Name: "order", Description: "asc (default) or desc.", Enum: []string{"asc", "desc"}},
}, contract.Page...)

// auditQuery is the query of the audit log, as AuditRequest documents it.
var auditQuery = append([]contract.Param{
	{Name: "actor", Description: "Only the events this user did: a user id, or an email address (any case; one that belongs to nobody lists nothing)."},
	{Name: "action", Description: "Only events of this action of the audit catalog.", Enum: auditActions()},
	{Name: "target", Description: "Only the events done to this account, user, partner access or share link (its id)."},
	{Name: "from", Description: "Only events at or after this RFC 3339 date-time, or from the start of this date (UTC). Narrows the read itself."},
	{Name: "to", Description: "Only events at or before this RFC 3339 date-time, or up to the end of this date (UTC); not before from."},
}, contract.Page...)

// auditActions are the catalog's actions as the action parameter's values.
func auditActions() []string {
	var out []string
	for _, a := range audit.Actions() {
		out = append(out, string(a))
	}
	return out
}

// Contract is what the partner tree's routes accept and answer (see AccountsMux and RevokeMux).
var Contract = []contract.Operation{
	{Route: RouteGetAccount, Summary: "An account's details with its subtree counts",
		Answers:  []contract.Answer{contract.OK(http.StatusOK, AccountView{}, "The account.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteEditAccount, Summary: "Edit an account's company details", Body: EditRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, AccountView{}, "The edited account.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "own-account", "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found"),
			contract.Fails(http.StatusConflict, "company-name-taken", "account-is-prospect", "stale-version", "rename-too-large", "conflict")}},
	{Route: RouteChildren, Summary: "An account's children, one level of the tree, a page at a time", Query: contract.Page,
		Answers:  []contract.Answer{contract.OK(http.StatusOK, ChildList{}, "A page of children.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteSearch, Summary: "Search the accounts below an account", Query: searchQuery,
		Answers:  []contract.Answer{contract.OK(http.StatusOK, SearchList{}, "A page of matches.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteEndpoints, Summary: "Report a customer's endpoint count", Body: EndpointsRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, EndpointCount{}, "The count now recorded.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "own-account", "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found"),
			contract.Fails(http.StatusConflict, "not-a-customer", "account-is-prospect", "stale-version", "conflict")}},
	{Route: RouteAudit, Summary: "An account's audit trail, newest first, filtered by who, action, target and dates", Query: auditQuery,
		Answers:  []contract.Answer{contract.OK(http.StatusOK, AuditList{}, "A page of audit events. With a filter (actor, action, target) a page may hold fewer events than the limit, or none, and still have a next cursor: follow next until it is null.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteAttention, Summary: "What needs the attention of the caller's current account, for its home page",
		Answers:  []contract.Answer{contract.OK(http.StatusOK, Attention{}, "Each section the caller may see, a few items each.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
	{Route: RouteApps, Summary: "The catalog of apps a customer can have",
		Answers: []contract.Answer{contract.OK(http.StatusOK, AppList{}, "The catalog.")}},
	{Route: RouteDisable, Summary: "Disable an account and end its users' access", Body: noBody{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, StatusChange{}, "The account is disabled.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "own-account", "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found"),
			contract.Fails(http.StatusConflict, "already-disabled", "stale-version", "conflict")}},
	{Route: RouteEnable, Summary: "Enable a disabled account again", Body: noBody{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, StatusChange{}, "The account is active again.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "own-account", "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found"),
			contract.Fails(http.StatusConflict, "not-disabled", "parent-disabled", "stale-version", "conflict")}},
}
