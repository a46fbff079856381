package dynamo

// Writes of the first sign-in steps: the license acceptance recorded on the user. Completing a company profile
// reuses the partner tree's version-checked account update and name guards (tree.go).

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// AcceptLicense records on a user that they accepted a version of the license agreement at a time. It fails its
// condition if the user is gone or has already accepted that version, so concurrent acceptances write (and
// audit) once.
func AcceptLicense(tableName, userID, version string, at time.Time) (types.TransactWriteItem, error) {
	when, err := attributevalue.Marshal(at)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                aws.String(tableName),
		Key:                      table.UserKey(userID).AV(),
		UpdateExpression:         aws.String("SET licenseVersion = :v, licenseAcceptedAt = :at, #version = if_not_exists(#version, :zero) + :one"),
		ConditionExpression:      aws.String("attribute_exists(pk) AND (attribute_not_exists(licenseVersion) OR licenseVersion <> :v)"),
		ExpressionAttributeNames: map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":v": S(version), ":at": when, ":zero": N(0), ":one": N(1),
		},
	}}, nil
}
