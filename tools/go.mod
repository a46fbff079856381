// This marker module keeps `go ... ./...` out of tools/node_modules: npm packages such as aws-cdk ship .go
// template files that are not part of PartnerHub. PartnerHub itself is the one module at the repository root.
module tools

go 1.26
