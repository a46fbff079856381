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

.PHONY: test
test: deps ## Run every test: vet, unit, integration (emulators), CDK, browser
	go vet ./...
	go test -count=1 -timeout 20m ./...

.PHONY: bench
bench: deps ## Run the benchmarks and print their figures, then the hot paths' cost tables (cmd/bench)
	go test -run '^$$' -bench . -benchtime 20x ./...
	go run ./cmd/bench

RUNS ?= 15

.PHONY: bench-init
bench-init: ## Print each function's binary size and cold init against a hello-world Lambda (RUNS=15)
	go run ./cmd/benchinit -runs $(RUNS)

.PHONY: build
build: ## Build every function as bootstrap for linux/arm64, one folder and zip each
	@rm -rf $(BUILD) && mkdir -p $(BUILD)
	@for fn in $(FUNCTIONS); do \
		echo "build $$fn"; \
		GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -ldflags "-s -w" -trimpath \
			-o $(BUILD)/$$fn/bootstrap ./functions/$$fn || exit 1; \
		(cd $(BUILD)/$$fn && zip -q -X ../$$fn.zip bootstrap) || exit 1; \
	done

.PHONY: synth
# The stack needs an alarm email. synth deploys nothing, so when neither PH_ALARM_EMAIL nor partnerhub:alarmEmail in
# cdk.json or cdk.context.json sets one, it writes the template with a placeholder; deploy has none and stops until one is set.
SYNTH_ALARM_EMAIL = $(if $(PH_ALARM_EMAIL)$(shell grep -s '"partnerhub:alarmEmail"' cdk.json cdk.context.json),,PH_ALARM_EMAIL=alarms@example.com)
synth: build deps ## Write the CloudFormation template to cdk.out
	$(SYNTH_ALARM_EMAIL) $(CDK) synth --quiet

.PHONY: deploy
deploy: build deps ## Deploy the stack to the AWS account of your credentials
	$(CDK) deploy

.PHONY: invoke
invoke: ## Run one function against the local stack: make invoke FN=health EVENT=events/health.json
	@go run ./cmd/invoke -fn '$(FN)' -event '$(EVENT)'

.PHONY: clean
clean: ## Remove build output, cdk.out and the local database
	rm -rf $(BUILD) cdk.out .local
