package dynamo

// Writes of the first sign-in steps: the license acceptance recorded on the user. Completing a company profile
// reuses the partner tree's version-checked account update and name guards (tree.go).

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// AcceptLicense adds the write that records on a user that they accepted a version of the license agreement at
// a time. It holds only while the user exists and has not accepted that version yet, so concurrent acceptances
// write (and audit) once; onFail is what it means if not.
func (t *Tx) AcceptLicense(userID, version string, at time.Time, onFail error) *Tx {
	when, err := attributevalue.Marshal(at)
	if err != nil {
		t.Fail(fmt.Errorf("encode time: %w", err))
		return t
	}
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                aws.String(t.table),
		Key:                      table.UserKey(userID).AV(),
		UpdateExpression:         aws.String("SET licenseVersion = :v, licenseAcceptedAt = :at, #version = if_not_exists(#version, :zero) + :one"),
		ConditionExpression:      aws.String("attribute_exists(pk) AND (attribute_not_exists(licenseVersion) OR licenseVersion <> :v)"),
		ExpressionAttributeNames: map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":v": S(version), ":at": when, ":zero": N(0), ":one": N(1),
		},
	}}, onFail)
}
