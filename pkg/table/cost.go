package table

// Who is asking: two reads. A session route reads the session (consistent GetItem by the hash of the cookie),
// then, in one strongly consistent BatchGetItem, everything its checks judge: the user (active, password not
// changed since), the membership of the account it acts in (roles; a staff member's grant), that account and the
// accounts above it (none disabled), and for a partner's staff member the grant (active, gives them roles
// directly or through their staff groups), their membership of the partner (which names their staff groups) and
// the partner with the accounts above it. A member of a staff group has no membership in the customer: the batch
// finds it missing, and the grant the reach names decides — no read more. The session names what to read (its
// reach: the ancestors' ids, the grant and the partner, written at sign-in and at a switch); the checks decide
// on the records read, so a reach gone stale only costs another read, never a wrong answer. Nothing is cached
// across requests: a removal, a disable or a revoke is refused at the very next request. Within a request,
// the DynamoDB client answers a repeated read of an item from the request's read set (dynamo.ReadOnce), so the
// endpoint's own reads of the user, membership or accounts the checks read cost nothing, and no item is read
// twice (a write of an item, or a weaker read, sends the next read to the table).
//
// The hot paths and their floors, in requests to the table (make bench prints them with their capacity):
//
//	route                            requests  what they are, and why not fewer
//	GET /v1/apps, GET /v1/roles      2         the caller (session, one batch); the catalog needs nothing else
//	GET /v1/me                       3-4       the caller, the user's memberships (Query: the account switcher),
//	                                           the branding records on the path (one batch, when an MSP or a
//	                                           partner is above); branding on its own item keeps the logo
//	                                           settings and their version apart from the account's; for a
//	                                           member of staff groups, +1 batch of the groups (which list the
//	                                           customers they act for)
//	POST /v1/sessions (password)     8         per-source and per-login counts (2 updates that return the
//	                                           count), the platform guard's two windows (1 batch), the email's
//	                                           guard then the user it names (2), the home membership and
//	                                           account (1 batch), the accounts above, which the account names
//	                                           (1 batch), the challenge with its email and the count cleared (1
//	                                           transaction); without two-factor sign-in the transaction starts
//	                                           the session, and the user's memberships get its time (+1 Query)
//	POST /v1/sessions/otp            6         the per-source count, the challenge, the user with the membership
//	                                           and account it names (1 batch), the guess counted before the code is
//	                                           compared (1 conditional update: the bound on guessing), the
//	                                           memberships the sign-in time is copied to (Query), the transaction
//	POST /v1/activations/{token}     3         the token, the user, account and membership it names (1 batch),
//	                                           the transaction
//	POST /v1/accounts                3         the caller, the transaction (parent, counters on every ancestor,
//	                                           guards, contact, email); the parent is the caller's own account or
//	                                           one its checks read
//	POST /v1/partner-access/{id}/revoke  6-7   the caller, the grant, the staff's memberships (1 batch, however
//	                                           many), the staff groups assigned to it (1 batch, when any), the
//	                                           partner's administrators to email (Query), the transaction that
//	                                           ends it, deletes them, takes it off the groups, queues the emails
//	DELETE /v1/accounts/{a}/users/{u} 6-8      the caller, the user, the membership, the user's other
//	                                           memberships (Query), another administrator (Query, when removing
//	                                           one), the transaction; a disabled user's sessions then end
