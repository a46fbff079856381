# PartnerHub. `make help` lists the targets.
SHELL := /bin/bash
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export GOFLAGS := -mod=readonly

FUNCTIONS := $(notdir $(wildcard functions/*))
BUILD     := build

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

NPM_DIR := tools
CDK     := $(NPM_DIR)/node_modules/.bin/cdk

$(NPM_DIR)/node_modules/.installed: $(NPM_DIR)/package.json $(NPM_DIR)/package-lock.json
	cd $(NPM_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: deps
deps: $(NPM_DIR)/node_modules/.installed ## Install the emulators and CDK's Node.js parts (npm ci, pinned by package-lock.json)

.PHONY: dev
dev: deps ## Run the whole stack locally: API and portal on :3000, mailbox on :8005
	@go build -o .local/bin/dev ./cmd/dev && exec .local/bin/dev

# The Lighthouse test runs on its own after the others, so that no other test competes for the CPU it measures,
# and with -v, so that its table of scores is printed.
LIGHTHOUSE := ^TestLighthouseScoresEveryPage$$

.PHONY: test
test: deps ## Run every test: vet, unit, integration (emulators), CDK, browser, axe, Lighthouse on the riskiest pages
	go vet ./...
	go test -count=1 -timeout 20m -skip '$(LIGHTHOUSE)' ./...
	go test -count=1 -timeout 20m -run '$(LIGHTHOUSE)' -v ./pkg/e2e

.PHONY: audit
audit: deps ## Run Lighthouse on every page, mobile and desktop, and print the scores (fails under the minimums, performance too)
	PH_LIGHTHOUSE_ALL=1 go test -count=1 -timeout 40m -run '$(LIGHTHOUSE)' -v ./pkg/e2e

.PHONY: bench
bench: deps ## Run the benchmarks and print their figures, then the hot paths' cost tables (cmd/bench)
	go test -run '^$$' -bench . -benchtime 20x ./...
	go run ./cmd/bench

RUNS ?= 15

.PHONY: bench-init
bench-init: ## Print each function's binary size and cold init against a hello-world Lambda (RUNS=15)
	go run ./cmd/benchinit -runs $(RUNS)

.PHONY: openapi
openapi: deps ## Regenerate docs/openapi.json from the code and lint it with Redocly
	go generate ./pkg/apispec
	$(NPM_DIR)/node_modules/.bin/redocly lint docs/openapi.json

.PHONY: build
build: ## Build every function as bootstrap for linux/arm64, one folder and zip each
	@rm -rf $(BUILD) && mkdir -p $(BUILD)
	@for fn in $(FUNCTIONS); do \
		echo "build $$fn"; \
		GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -ldflags "-s -w" -trimpath \
			-o $(BUILD)/$$fn/bootstrap ./functions/$$fn || exit 1; \
		(cd $(BUILD)/$$fn && zip -q -X ../$$fn.zip bootstrap) || exit 1; \
	done

# The stage every CDK target works on: one stack per stage, PartnerHub-$(PH_STAGE), side by side in one account.
export PH_STAGE ?= dev
OUTPUTS := cdk.out/outputs-$(PH_STAGE).json

# The stack needs a sender and an alarm email. synth, bootstrap and destroy deploy nothing, so when neither the
# environment nor cdk.json / cdk.context.json sets one, they run the app with a placeholder; deploy has none and
# sets PH_DEPLOY=1, under which the app refuses placeholders (infra/stage.go) before anything is created.
in_context = $(shell grep -s '"partnerhub:$(1)"' cdk.json cdk.context.json)
SYNTH_ALARM_EMAIL = $(if $(PH_ALARM_EMAIL)$(call in_context,alarmEmail),,PH_ALARM_EMAIL=alarms@example.com)
SYNTH_SENDER = $(if $(PH_SENDER_DOMAIN)$(PH_SENDER_EMAIL)$(call in_context,senderDomain)$(call in_context,senderEmail),,PH_SENDER_EMAIL=no-reply@example.com)
PLACEHOLDERS = $(SYNTH_ALARM_EMAIL) $(SYNTH_SENDER)

.PHONY: synth
synth: build deps ## Write the CloudFormation template of PH_STAGE (dev) to cdk.out
	$(PLACEHOLDERS) $(CDK) synth --quiet

.PHONY: bootstrap
bootstrap: build deps ## Prepare the account and region of your AWS credentials for CDK (cdk bootstrap, once each)
	$(PLACEHOLDERS) $(CDK) bootstrap --ci --yes

.PHONY: deploy
# --all: outside us-east-1 the app has a second stack, PartnerHub-<stage>-edge (the distribution's web ACL, which
# lives in us-east-1 only), which cdk deploy deploys first and cdk destroy deletes last.
deploy: build deps ## Deploy PartnerHub-$PH_STAGE (and its -edge stack) to your AWS account, no prompt; outputs to cdk.out/outputs-<stage>.json
	PH_DEPLOY=1 $(CDK) deploy --all --ci --require-approval never --outputs-file $(OUTPUTS)

.PHONY: destroy
destroy: confirm-destroy build deps ## Delete PartnerHub-$PH_STAGE and its -edge stack (CONFIRM=<stage>); the table and the HMAC key stay (docs/deploy.md)
	$(PLACEHOLDERS) $(CDK) destroy --all --ci --force

# confirm-destroy stops make destroy, before it builds anything, unless CONFIRM names the stage it would delete.
.PHONY: confirm-destroy
confirm-destroy:
	@if [ "$(CONFIRM)" != "$(PH_STAGE)" ]; then \
		echo "make destroy deletes the stack of stage $(PH_STAGE): run make destroy PH_STAGE=$(PH_STAGE) CONFIRM=$(PH_STAGE)" >&2; exit 1; fi

.PHONY: invoke
invoke: ## Run one function against the local stack: make invoke FN=health EVENT=events/health.json
	@go run ./cmd/invoke -fn '$(FN)' -event '$(EVENT)'

.PHONY: clean
clean: ## Remove build output, cdk.out and the local database
	rm -rf $(BUILD) cdk.out .local
