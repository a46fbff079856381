// Command passkeys is the Lambda function for passkeys (WebAuthn): registering them and signing in with one.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/passkeys"
)

func main() { app.Start(passkeys.Handler) }
