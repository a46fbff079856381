// Package contract is how a use case declares, next to its handlers, what each of its routes accepts and
// answers: the request body's Go type, the query parameters, each success status with its body's Go type, and
// the problem slugs each error status can carry. pkg/apispec turns every package's declarations into the OpenAPI
// description, and the test harness holds every answer the tests see to it, so a declaration that drifts from
// its handler fails a test. What every route shares (a session, an allowed Origin, a JSON body, path parameters
// that name nothing, an unavailable table) is added by apispec from the route table, not declared here.
package contract

// Operation is the contract of one route.
type Operation struct {
	// Route is the route key, exactly as in route.Routes: "POST /v1/sessions".
	Route string
	// Summary is one line for the reader of the description.
	Summary string
	// Body is a value of the JSON request body's type, or nil when the route reads no body. A route whose
	// route.Route has MediaTypes takes a file instead.
	Body any
	// Query lists the query parameters the route reads.
	Query []Param
	// Answers are the success answers.
	Answers []Answer
	// Problems are the error statuses the route's own use case gives, with their type slugs.
	Problems []Problem
}

// Param is a query parameter; every one is optional and a string on the wire.
type Param struct {
	Name        string
	Description string
	// Enum, when set, lists the values the parameter may take.
	Enum []string
}

// Answer is one success status and its body.
type Answer struct {
	Status int
	// Body is a value of the JSON body's type; nil when the answer has no body.
	Body any
	// Description says what the answer means.
	Description string
	// Media, when set, is the answer's media types instead of JSON (a logo).
	Media []string
}

// Problem is an error status and the type slugs (pkg/problem) it can carry on this route.
type Problem struct {
	Status int
	Slugs  []string
}

// OK is a success answer with a JSON body (nil for none).
func OK(status int, body any, description string) Answer {
	return Answer{Status: status, Body: body, Description: description}
}

// Fails is an error status with the slugs it can carry.
func Fails(status int, slugs ...string) Problem { return Problem{Status: status, Slugs: slugs} }

// Page is the query of a paginated list: an opaque cursor from the previous page's nextCursor, and a limit.
var Page = []Param{
	{Name: "cursor", Description: "Opaque cursor: the nextCursor of the previous page; absent for the first page."},
	{Name: "limit", Description: "Most items on the page, a whole number; the list's default when absent."},
}
