package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Contact is someone to email about an account: one of its administrators.
type Contact struct {
	UserID string      `dynamodbav:"userId"`
	Name   string      `dynamodbav:"userName"`
	Email  string      `dynamodbav:"userEmail"`
	Status user.Status `dynamodbav:"userStatus"`
}

// AdminContacts lists up to limit administrators of an account who are not disabled, with the name and email
// their memberships copy, from the sparse administrators list on gsi2.
func (s Store) AdminContacts(ctx context.Context, accountID string, limit int) ([]Contact, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		IndexName:                 aws.String(table.GSI2),
		KeyConditionExpression:    aws.String("#pk = :p"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.AttrGSI2PK, "#u": "userId", "#n": "userName", "#e": "userEmail", "#s": "userStatus"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S(table.AdminsPartition(accountID))},
		ProjectionExpression:      aws.String("#u, #n, #e, #s"),
	}
	var out []Contact
	for {
		page, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, Unavailable("query admin contacts", err)
		}
		var got []Contact
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &got); err != nil {
			return nil, fmt.Errorf("decode admin contacts: %w", err)
		}
		for _, c := range got {
			if c.Status != user.Disabled && c.Email != "" {
				out = append(out, c)
			}
			if len(out) == limit {
				return out, nil
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}
