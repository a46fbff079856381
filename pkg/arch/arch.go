// Package arch is PartnerHub's architecture as data: which package sits in which layer, and what each layer may
// import. Its test holds the code to it, so the picture in the README cannot drift from the code.
//
//	wiring     functions/*, cmd/*, pkg/app...        builds everything; may import anything
//	adapters   httpapi, dynamo, mailer, ...          talk to API Gateway, DynamoDB, SES, SNS, the clock of the world
//	use cases  onboarding, signin, tree, ...         one per area of the product; each owns its endpoints and the
//	                                                 small store interface it needs; no AWS SDK; no other use case
//	domain     account, user, token, access, ...     pure values and rules: no AWS SDK, no net/http, no adapter
package arch

// Layer is one ring of the architecture.
type Layer string

// The layers, from the inside out.
const (
	Domain  Layer = "domain"
	UseCase Layer = "use case"
	Adapter Layer = "adapter"
	Wiring  Layer = "wiring"
	TestKit Layer = "test support"
)

// Packages places every package under pkg/ in its layer (by its path below pkg/). A new package must be placed
// here: the test fails for one that is not.
var Packages = map[string]Layer{
	// The domain: pure values and rules.
	"access": Domain, "account": Domain, "actor": Domain, "audit": Domain, "branding": Domain, "clock": Domain,
	"cursor": Domain, "display": Domain, "factor": Domain, "fault": Domain, "field": Domain, "invitation": Domain,
	"license": Domain, "lockout": Domain, "otp": Domain, "outbox": Domain, "partneraccess": Domain,
	"partnerid": Domain, "passhash": Domain, "password": Domain, "role": Domain, "route": Domain, "secret": Domain,
	"session": Domain, "step": Domain, "token": Domain, "totp": Domain, "user": Domain, "logctx": Domain,
	"tally": Domain, "webpolicy": Domain, "contract": Domain,
	"lifecycle": Domain, "passkey": Domain,

	// The use cases: one per area of the product.
	"onboarding": UseCase, "signin": UseCase, "tree": UseCase, "member": UseCase, "brand": UseCase,
	"profile": UseCase, "twofactor": UseCase, "reset": UseCase, "grant": UseCase,
	"feedback": UseCase,

	// The adapters: the edges of the system.
	"table": Adapter, "dynamo": Adapter, "ratelimit": Adapter, "httpapi": Adapter, "problem": Adapter,
	"mailer": Adapter, "sweep": Adapter, "health": Adapter, "emulator": Adapter, "indexer": Adapter,
	"metrics": Adapter, "xray": Adapter,
	"eventbus": Adapter, "relyingparty": Adapter,

	// Wiring and what tests share.
	"app": Wiring, "arch": Wiring, "local": Wiring, "apispec": Wiring,
	"testenv": TestKit, "platformtest": TestKit, "e2e": TestKit, "runtimeapi": TestKit,
	"passkeytest": TestKit,
}
