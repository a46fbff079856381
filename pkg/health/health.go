// Package health answers whether the API can reach its table, and serves the API's OpenAPI description.
package health

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/docs"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Checker makes one real read of the table.
type Checker struct {
	DB    dynamo.DB
	Table string
	Clock clock.Clock
}

// Status is the body of a healthy answer.
type Status struct {
	Status string    `json:"status"`
	Table  string    `json:"table"`
	Time   time.Time `json:"time"`
}

// Check reads a fixed key; any answer from DynamoDB, item or not, means the table is reachable.
func (c Checker) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := c.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(c.Table), Key: table.HealthKey().AV()})
	if err != nil {
		return dynamo.Unavailable("health check", err)
	}
	return nil
}

// Mux is the health function's routes: the liveness check, and the API's description (docs/openapi.json,
// embedded at build time, so serving it reads nothing).
func (c Checker) Mux() httpapi.Mux {
	return httpapi.Mux{
		"GET /v1/health": func(ctx context.Context, _ *httpapi.Request) (httpapi.Response, error) {
			if err := c.Check(ctx); err != nil {
				return httpapi.Response{}, err
			}
			return httpapi.JSON(http.StatusOK, Status{Status: "ok", Table: "reachable", Time: c.Clock.Now()}), nil
		},
		"GET /v1/openapi.json": func(context.Context, *httpapi.Request) (httpapi.Response, error) {
			return httpapi.JSON(http.StatusOK, json.RawMessage(docs.OpenAPI)), nil
		},
	}
}
