package testenv_test

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

func TestNewTableCreatesTheSharedDefinition(t *testing.T) {
	env := testenv.Get(t)
	name := env.NewTable(t)
	out, err := env.Dynamo.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(out.Table.GlobalSecondaryIndexes); got != len(table.Main.Indexes) {
		t.Fatalf("indexes = %d, want %d", got, len(table.Main.Indexes))
	}
	if out.Table.StreamSpecification == nil || !aws.ToBool(out.Table.StreamSpecification.StreamEnabled) {
		t.Fatal("stream is not enabled")
	}
	if err := table.Main.Ensure(context.Background(), env.Dynamo, name); err != nil {
		t.Fatalf("ensuring an existing table again: %v", err)
	}
}
