// Command hello is the smallest Go Lambda function: the baseline that cmd/benchinit measures every function
// against, built the same way. It is not deployed (the stack deploys what is under functions/).
package main

import "github.com/aws/aws-lambda-go/lambda"

func main() {
	lambda.Start(func() (string, error) { return "hello", nil })
}
