package table

// The table's layout: what each item is, where it sits, and how every read finds it. Every key is built in
// keys.go, from the prefixes there; this file is the map.
//
// Access patterns (no Scan anywhere):
//
//	read                                   key condition                                   served by
//	account by id                          pk=ACCOUNT#<id>, sk=ACCOUNT                      table
//	accounts above an account (blocked?)   BatchGetItem pk=ACCOUNT#<ancestorId>, sk=ACCOUNT   table
//	                                         of its <= 3 ancestors: one request
//	the provider (root) account's id       pk=PROVIDER, sk=GUARD                           table
//	children of an account, by name        gsi1pk=CHILDREN#<parentId>, gsi1sk=<name>#<id>    gsi1
//	accounts of a subtree found by q       pk=FINDACCOUNTS#<id>, begins_with(sk, <q>), about  table
//	  (tree search, match order)             2 × the page of entries (<= FindBudget); then one
//	                                         BatchGetItem of the accounts on the page's paths
//	  the same by name, or filtered only     every match (<= 1,000 accounts), sorted in memory  table
//	                                         (filters are read with the page in match order)
//	account's audit events, newest first   pk=ACCOUNT#<id>, sk BETWEEN AUDIT#<from> AND     table
//	  (the audit log, the home page)         AUDIT#<to>#~ (AuditRange; open ends AUDIT#,
//	                                         AUDIT#~), desc
//	  filtered by actor, action or target  the same range with a FilterExpression on actorId, table
//	                                         action, targetId: Queries of >= 100 until the page
//	                                         is full or 1,000 read (then a short page, cursor)
//	account's users whose address bounced  pk=ACCOUNT#<id>, sk begins_with UNDELIVERABLE#     table
//	  or complained (home's attention)       (<= 25; marks written with the email state)
//	company name taken?                    pk=COMPANY#<lower(name)>, sk=GUARD               table
//	user by id                             pk=USER#<id>, sk=USER                           table
//	user id by email (sign-in)             pk=EMAIL#<lower(email)>, sk=GUARD                table
//	user's memberships                     pk=USER#<id>, sk begins_with MEMBER#              table
//	account's users (the user list): a page is one Query of its n rows + 1, from the cursor on (userlist.go)
//	  everyone, by name                    gsi1pk=MEMBERS#<id>, gsi1sk=<name key>           gsi1
//	  everyone, by email / last sign-in    gsi3pk | gsi4pk=MEMBERS#<id>                     gsi3, gsi4
//	  everyone, by status                  gsi5pk=MEMBERS#<id>#status#<s>, each s in turn    gsi5
//	  one status, by name (or status),     gsi5pk | gsi6pk | gsi7pk=MEMBERS#<id>#status#<s>  gsi5-gsi7
//	    email, last sign-in
//	  one A–Z letter, by name              gsi1 AND begins_with(gsi1sk, <letter>); "#":     gsi1
//	                                         gsi1sk < "a", then gsi1sk >= "{"
//	  one letter, by email, status,        gsi8pk | gsi9pk | gsi10pk=MEMBERS#<id>#initial#<l> gsi8-gsi10
//	    last sign-in
//	  one role, by name, email, status,    gsi11pk..gsi14pk=MEMBERS#<id>#role#<r>: the       gsi11-gsi14
//	    last sign-in                         memberships with that one role, and the role
//	                                         entries of those with several
//	  two or three of those filters        the role's partition, else the letter's (by name: gsi1-gsi14
//	                                         a key condition on any), else the status's, with
//	                                         a FilterExpression on listStatus, listInitial
//	  searched (match order)               pk=FINDUSERS#<id>, begins_with(sk, <q>), about 2 ×  table
//	                                         the page of entries (<= FindBudget); then one
//	                                         consistent BatchGetItem of the page's memberships
//	  searched and filtered or sorted      every match (<= 2,000 users) and their memberships, table
//	                                         filtered and sorted in memory: O(matches)
//	  the page's users (2FA, login error)  BatchGetItem pk=USER#<id>, sk=USER, <= 100 keys  table
//	  unregistered users matching the      the list's page with status unregistered, by name  gsi5, gsi11
//	    list's filters (bulk resend, 50      (role: the role's partition, filtered); searched:   table
//	    at a time)                           every match, filtered in memory (dynamo.UnregisteredPage)
//	account's administrators               gsi2pk=ADMINS#<accountId>, gsi2sk=<userId>       gsi2 (sparse)
//	user's invitation into an account      pk=USER#<id>, sk=INVITE#<accountId>              table
//	user's sessions (list, end one by its  gsi1pk=SESSIONS#<userId>                        gsi1
//	  public id, end all or all others;      (eventually consistent: the user's sessionsEndedAt
//	  GET /v1/me/sessions and the ends)      ends what it has not caught up with)
//	user's second factors (2FA settings)   pk=USER#<id>, sk=FACTORS                        table
//	user's passkeys (list, sign-in with    pk=USER#<id>, begins_with(sk, PASSKEY#) (<= 10)  table
//	  one as second factor)
//	passkey's owner by credential id       pk=PASSKEYCRED#<sha256(credential id)>, sk=GUARD  table
//	  (passwordless sign-in; one owner)      names the user and the passkey
//	WebAuthn ceremony by its challenge     pk=CEREMONY#<hmac(challenge)>, sk=CEREMONY        table
//	user's current password-reset token    pk=USER#<id>, sk=RESET                          table
//	token by id (activation, reset, ...)   pk=TOKEN#<id>, sk=TOKEN                         table
//	OTP challenge by id                    pk=CHALLENGE#<id>, sk=CHALLENGE                 table
//	session by token hash                  pk=SESSION#<hash>, sk=SESSION                   table
//	  then its checks, in one request      BatchGetItem (consistent) USER#<uid>/USER,       table
//	                                         USER#<uid>/MEMBER#<acct>, ACCOUNT#<acct> and what
//	                                         the session's reach names (cost.go)
//	outbox message by id                   pk=OUTBOX#<id>, sk=OUTBOX                       table
//	rate-limit window                      pk=RATE#<scope>#<subject>, sk=<window>           table
//	  sign-in attempts per source IP       pk=RATE#signin-ip#<ip>, sk=<window start>        table
//	  sign-in attempts per email           pk=RATE#signin-email#<hmac(email)>, sk=<start>   table
//	  code guesses and resends per IP      pk=RATE#otp-ip#<ip>, sk=<window start>           table
//	  mobile verification texts per user   pk=RATE#mobile-user#<userId>, sk=<start>         table
//	  mobile verification texts per number pk=RATE#mobile-number#<hmac(mobile)>, sk=<start> table
//	  authenticator confirmations per user pk=RATE#totp-user#<userId>, sk=<start>           table
//	  passkey registrations begun per user pk=RATE#passkey-user#<userId>, sk=<start>        table
//	  password-reset requests per IP       pk=RATE#reset-ip#<ip>, sk=<start>                table
//	  password-reset requests per email    pk=RATE#reset-email#<hmac(email)>, sk=<start>    table
//	items due to expire before t           xpk=EXPIRY, xsk <= <t>                          expiry (sparse)
//	account's branding settings            pk=ACCOUNT#<id>, sk=BRAND                       table
//	effective branding of an account       the account, then BatchGetItem pk=ACCOUNT#<id>,  table
//	                                         sk=BRAND of each msp/partner on its path (<= 2)
//	                                         (also public: GET /v1/brands/{id}, link pages)
//	account's logo (public, by account id) pk=LOGO#<accountId>, sk=LOGO                    table
//	account by Partner ID (invite a partner) pk=PARTNERID#<XXXXXXXX>, sk=GUARD, then the     table
//	                                         account it names
//	partner access grant by id             pk=GRANT#<id>, sk=GRANT                         table
//	grant of a customer to a partner live? pk=GRANTPAIR#<customerId>#<partnerId>, sk=GUARD  table
//	customer's grants (support partners)   gsi1pk=GRANTS#<customerId>, gsi1sk=<rank>#...     gsi1
//	partner's grants (its customers)       gsi2pk=PARTNERGRANTS#<partnerId>, gsi2sk=<rank>#  gsi2
//	partner's share link by id             pk=SHARELINK#<id>, sk=SHARELINK                 table
//	staff of a grant (act in the customer) pk=USER#<id>, sk=MEMBER#<customerId> with grantId table
//	partner's staff groups (<= 50)         pk=ACCOUNT#<partnerId>, begins_with(sk, STAFFGROUP#) table
//	staff group by id                      pk=ACCOUNT#<partnerId>, sk=STAFFGROUP#<id>        table
//	how many staff groups (<= 50)          pk=ACCOUNT#<partnerId>, sk=STAFFGROUPS (a counter) table
//	staff group name taken?                pk=GROUPNAME#<partnerId>#<folded name>, sk=GUARD   table
//	a staff member's groups (every request) the staffGroups set of their membership of the   table
//	                                         partner account, pk=USER#<id>, sk=MEMBER#<partnerId>
//
// An account carries the counts of its whole subtree (msps, partners, customers, prospects, endpoints, disabled);
// every change moves them on each ancestor in its own transaction (converting a prospect moves one from prospects
// to customers in one update of each ancestor), so an account and a page of its children cost the
// same reads whatever the size of the tree. Pages (children, audit) ask for one item more than they show and
// hand the last shown item's key back as an opaque cursor.
//
// The user list. Each membership carries what a row of an account's user list shows and filters on — the
// user's name, email, status and last sign-in, and the roles — and the transactions that change those on the
// user change every membership too (activation, sign-in, edits, re-invitation). Every order and every
// single-valued filter is a partition of a GSI that the membership item itself sits in (ListIndexes: gsi1 and
// gsi3 to gsi14, 15 GSIs with gsi2 and the expiry index, of DynamoDB's 20), under a sort key that is the row's
// value in that order, "#" and its name key (Collate(name)#<uid>; in name order the name key alone), so rows
// that tie fall to name order and every row has one place. So any order, alone or with a status, an A–Z letter
// or a role, reads one page of one partition: one Query of the page's rows and one more (the whole list by
// status reads the three status partitions in turn, "#" by name its two ranges: a few Queries, as many items),
// whatever the size of the account. Roles are many-valued: a membership that holds one role (nearly all, and
// always a grant's staff) sits in that role's partitions itself; one that holds several is listed under each by
// a role entry (pk=USER#<uid>, sk=LIST#<acct>#role#<role>), a small item that copies the row and sits in the
// role's partitions, while the membership sits in none. Two filters at once read the narrower facet's partition
// — the role's, else the letter's, else the status's; a letter by name is a key condition — with a
// FilterExpression on the item's listStatus and listInitial for the other: such a page reads until it has its
// rows, about its size divided by the share of the partition that passes, at least 100 items a Query. A search
// reads the search index (below). What changes too often to copy (the last login error, the two-factor method)
// is read for the page's rows only, in one BatchGetItem. Cursors are keyset positions (sort value and name key
// of the last row), so paging never repeats or skips a row, even while rows come and go.
//
// What the user list costs to keep. Every write of a membership's row goes through one function (package
// dynamo's listing.go), which sets the membership's copies and every index key from the row and puts and
// deletes its role entries: a new membership is 1 item of its transaction (1 + k with k >= 2 roles); a copy of
// the user's change onto a membership (sign-in time, activation, rename) or a change of its roles is 1 update,
// held to the membership's version and moving it on (the keys it writes are computed from the copies and roles
// it read), plus a put of each role entry (k with k >= 2 roles) and a delete of each entry whose role it lost;
// a removal is 1 delete + k. GSI writes do not count toward a transaction's 100 items, which is why orders and
// single-valued filters are GSIs rather than items: a membership write updates the index entries whose keys it
// changes (a sign-in moves its 3 or 4 last-sign-in entries, a rename all its 9 to 13 list entries; a write
// unit each, two for one that moves). A sign-in spends at most 50 items on the other memberships' copies (a user in more accounts
// has the rest copied at later sign-ins); a grant's staff membership holds one role, 1 item, so a grant's 50
// staff fit its transaction; an account's rename copies only its name into memberships, which no list key
// holds. Memberships written before these indexes carry none of their keys: `phctl relist` (and make dev on a
// database from before them, after Ensure has added the indexes) rewrites them (dynamo.Store.Relist). In AWS,
// CloudFormation adds one GSI per deployment, so adding gsi3 to gsi14 to a live table takes twelve.
//
// The search index. The user list's search (name and email address) and the partner tree's search (name, and
// the start of a Partner ID) read entries derived from memberships and accounts: one small item per start of a
// word or a part of one — each letter or digit within a text's first FindTextRunes runes (FindStarts) — whose
// sort key is the text from there, cut to FindSuffixRunes runes, then \x1f and the row's name key (FindKey,
// FindTie). A member's entries are in FINDUSERS#<accountId>; an account's are in FINDACCOUNTS#<id> of itself and
// of each account above it (up to four sets), carrying its kind, status, Partner ID (shown and canonical, found
// by their start only) and the ids of the accounts above it. A search for q is a Query of pk=FIND...#<id> AND
// begins_with(sk, q) (q from its first letter or digit, cut to FindSuffixRunes runes; the rest is checked in
// memory against the texts the entry carries), read in key order: match order, the text from where q matches,
// then the name. A row that holds q twice has two entries; a search lists it at the first (dynamo.FindEntry.First)
// and skips the other, so it comes once, on one page, and a page continues after the sort key it ended at. A page
// reads about twice its rows of entries (more when q occurs in a row several times; at most dynamo.FindBudget,
// after which it ends short, with a cursor), then one BatchGetItem: the page's memberships, consistently, so a
// removed member is gone at once and one renamed away from q is left out before the index catches up; or the
// accounts on the results' paths, for their names. Sorted by name (tree), or filtered or sorted (user list), a
// search reads every match, at most 1,000 accounts or 2,000 users (past that it answers 400, asking for a
// narrower search), and sorts in memory.
//
// What the index costs to keep: a member has about 35 entries (a 15-letter name and a 25-character address), an
// account about 15 in each of up to four partitions; an entry is some 200 bytes, one write unit. They are not
// written in the change's transaction (staff assignment's 50 memberships would be 2,000 entries, past the
// 100-item limit) but by the search-index function (package indexer), from the table's stream (NEW_AND_OLD_IMAGES,
// filter FindSources): the difference between the entries of the old image and the new, with BatchWriteItem. A
// sign-in, a role, a count or a version changes no entry; a rename replaces all of the row's entries (deletes and
// puts); an account's status or stage rewrites its entries in place; a new or removed row puts or deletes them
// all. The index is eventually consistent, as a GSI is: it follows a change by the stream's delivery to the function,
// usually well under a second (locally, the poller's tick, 250 ms). The entries are table items rather than gsi1
// entries: a GSI would cost a second write unit per entry for nothing a table partition does not give.
//
// Administrator memberships are also on gsi2 under ADMINS#<accountId>, a sparse list that finds another
// administrator of an account in one small Query. Removing or demoting an administrator commits only with a
// condition check that another administrator membership still holds the role, so concurrent changes can never
// leave an account without one.
//
// A membership invitation (an email that already has a login, invited into another account) is a link token
// (TOKEN#<id>, purpose membership, on the expiry index like every token) plus the invitation item under the
// user, which holds the roles and names the current token: inviting again replaces the token.
//
// The expiry index is sparse: only items that are still waiting to expire carry xpk/xsk, and the sweep removes
// them when it handles the item, so a sweep reads what is due and nothing else.
//
// Partner access. A grant is one item of its own (GRANT#<id>), listed twice: among its customer's grants on gsi1
// and among its partner's on gsi2, under a sort key that puts pending invitations first, then active grants
// (each by the other side's name) and last the ended ones, newest first (GrantListKey). While a grant is pending
// or active, a pair guard (GRANTPAIR#<customerId>#<partnerId>) names it, so a customer has at most one live grant
// per partner; the transaction that ends the grant deletes the guard. The partner's staff act in the customer
// through ordinary membership items that carry the grant's id (and the support-staff role): every request already
// reads the membership of its account, so deleting them in the revoking transaction ends their access at the
// next request. A grant sits on the expiry index while something is due: its invitation's expiry, a reminder of
// its end date, the end itself, or its extension (an auto-extending grant stays on it for good, due at each end
// date). Partner IDs are unique through a guard item per ID. A partner's staff groups live in its account's
// partition (STAFFGROUP#<id>, with a name guard); a group's members are also named on their own membership of the
// partner account (a string set, so that two groups change it without a race), which the request check of a staff
// member reads anyway: a member of a group assigned to a grant acts in the customer with no membership item there,
// and leaving the group holds at the next request.
//
// What a signed-in request reads to know who is asking, and each hot path's requests beside its floor, are in
// cost.go.
//
// The logo lives in its own partition rather than next to the account: it is the one large item (up to 100 KiB
// of image), and nothing that reads an account's partition should drag it along.
