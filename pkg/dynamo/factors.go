package dynamo

// Records and conditional writes of two-factor sign-in: a user's factors item (verified mobile, sealed
// authenticator secret, hashed recovery codes) and the two-factor settings on the user item. The item is
// created by the first write that needs it (UpdateItem creates a missing item), so no write ever replaces it
// whole, and every write that depends on what was read holds a condition on it.

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// ErrFactorChanged says a conditional write on a user's factors found them changed since they were read: a
// verification replaced or used, an enrolment confirmed, a TOTP step or recovery code already spent.
var ErrFactorChanged = fmt.Errorf("second factor changed since it was read: %w", fault.ErrConflict)

// Factors reads a user's factors, consistently. A user without any has the zero Factors with UserID set.
func (s Store) Factors(ctx context.Context, userID string) (factor.Factors, error) {
	f := factor.Factors{UserID: userID}
	if _, err := Get(ctx, s.DB, s.Table, table.FactorsKey(userID), &f); err != nil {
		return f, err
	}
	f.UserID = userID
	return f, nil
}

// factorsUpdate is an update of a user's factors item that creates it if missing, with its type and owner.
func (s Store) factorsUpdate(userID, set, cond string, names map[string]string, values map[string]types.AttributeValue) *types.Update {
	names["#type"] = table.AttrType
	names["#version"] = table.AttrVersion
	values[":factorsType"] = S(table.TypeFactors)
	values[":uid"] = S(userID)
	values[":one"] = N(1)
	values[":zero"] = N(0)
	u := &types.Update{
		TableName: aws.String(s.Table),
		Key:       table.FactorsKey(userID).AV(),
		UpdateExpression: aws.String("SET #type = :factorsType, userId = :uid, " +
			"#version = if_not_exists(#version, :zero) + :one" + set),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
	}
	return u
}

// StartVerification records a mobile verification whose code the outbox message sms (in the same
// transaction) texts to v.Mobile. It replaces any verification in progress: the previous code stops working.
func (s Store) StartVerification(ctx context.Context, userID string, v factor.Verification, sms types.TransactWriteItem) error {
	av, err := attributevalue.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode verification: %w", err)
	}
	up := s.factorsUpdate(userID, ", verification = :v", "", map[string]string{}, map[string]types.AttributeValue{":v": av})
	return s.Transact(ctx, []types.TransactWriteItem{{Update: up}, sms})
}

// CountVerificationAttempt spends one guess at the verification v.ID before its code is compared. It holds
// only while that verification is still the current one with guesses left, so racing guesses cannot exceed
// factor.VerificationAttempts. It returns the verification after the write, or ErrFactorChanged.
func (s Store) CountVerificationAttempt(ctx context.Context, userID, id string) (factor.Verification, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.Table),
		Key:                       table.FactorsKey(userID).AV(),
		UpdateExpression:          aws.String("SET verification.attempts = verification.attempts + :one"),
		ConditionExpression:       aws.String("verification.id = :id AND verification.attempts < :max"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": N(1), ":id": S(id), ":max": N(factor.VerificationAttempts)},
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		if ConditionFailed(err) {
			return factor.Verification{}, ErrFactorChanged
		}
		return factor.Verification{}, Unavailable("count verification attempt", err)
	}
	var f factor.Factors
	if err := attributevalue.UnmarshalMap(out.Attributes, &f); err != nil || f.Verification == nil {
		return factor.Verification{}, fmt.Errorf("decode factors: %w", fault.ErrUnavailable)
	}
	return *f.Verification, nil
}

// VerifyMobile is the transaction item that makes a verification's number the user's verified mobile. It holds
// only while v is still the current verification and its guess was counted within the limit, so a code works
// once and a replaced verification's code not at all.
func (s Store) VerifyMobile(userID string, v factor.Verification, at time.Time) (types.TransactWriteItem, error) {
	when, err := attributevalue.Marshal(at)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	up := s.factorsUpdate(userID, ", mobile = :m, mobileVerifiedAt = :at REMOVE verification",
		"verification.id = :id AND verification.attempts <= :max", map[string]string{},
		map[string]types.AttributeValue{":m": S(v.Mobile), ":at": when, ":id": S(v.ID), ":max": N(factor.VerificationAttempts)})
	return types.TransactWriteItem{Update: up}, nil
}

// SetPendingTOTP stores a new authenticator secret, sealed, until it is confirmed or until. It leaves an
// enrolled secret as it is: the new one replaces it only when a code from the app confirms it.
func (s Store) SetPendingTOTP(ctx context.Context, userID, sealed string, until time.Time) error {
	when, err := attributevalue.Marshal(until)
	if err != nil {
		return fmt.Errorf("encode time: %w", err)
	}
	up := s.factorsUpdate(userID, ", pendingTotp = :p, pendingTotpUntil = :u", "", map[string]string{},
		map[string]types.AttributeValue{":p": S(sealed), ":u": when})
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: up.TableName, Key: up.Key, UpdateExpression: up.UpdateExpression,
		ExpressionAttributeNames: up.ExpressionAttributeNames, ExpressionAttributeValues: up.ExpressionAttributeValues,
	})
	if err != nil {
		return Unavailable("set pending totp", err)
	}
	return nil
}

// ActivateTOTP is the transaction item that makes the pending secret (as read: pending) the user's
// authenticator secret, spends the step of the code that confirmed it, and replaces the recovery codes by
// hashes. It holds only while pending is still the pending secret, so one enrolment is confirmed once.
func (s Store) ActivateTOTP(userID, pending string, step int64, hashes []string, at time.Time) (types.TransactWriteItem, error) {
	when, err := attributevalue.Marshal(at)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	up := s.factorsUpdate(userID,
		", totp = :p, totpEnrolledAt = :at, totpLastStep = :step, recoveryCodes = :codes REMOVE pendingTotp, pendingTotpUntil",
		"pendingTotp = :p", map[string]string{},
		map[string]types.AttributeValue{
			":p": S(pending), ":at": when, ":step": N(step),
			":codes": &types.AttributeValueMemberSS{Value: hashes},
		})
	return types.TransactWriteItem{Update: up}, nil
}

// SpendTOTPStep is the transaction item that accepts a code of step for the user's secret (as read: sealed).
// It holds only while that secret is enrolled and no code of this step or a later one was accepted, so of two
// requests with one code at most one commits.
func (s Store) SpendTOTPStep(userID, sealed string, step int64) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.Table),
		Key:                       table.FactorsKey(userID).AV(),
		UpdateExpression:          aws.String("SET totpLastStep = :step"),
		ConditionExpression:       aws.String("totp = :sealed AND totpLastStep < :step"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":step": N(step), ":sealed": S(sealed)},
	}}
}

// SpendRecoveryCode is the transaction item that uses the recovery code with this hash: it removes the hash
// and holds only while the hash is there, so each code works once.
func (s Store) SpendRecoveryCode(userID, hash string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.Table),
		Key:                       table.FactorsKey(userID).AV(),
		UpdateExpression:          aws.String("DELETE recoveryCodes :set"),
		ConditionExpression:       aws.String("contains(recoveryCodes, :h)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":set": &types.AttributeValueMemberSS{Value: []string{hash}}, ":h": S(hash)},
	}}
}

// RemoveTOTP is the transaction item that removes the user's authenticator app: the secret (as read: sealed),
// its recovery codes and any enrolment waiting for a code. It spends the proof (a TOTP step, or the recovery
// code with that hash) and holds only while the secret is still enrolled and the proof unspent, so a code that
// a concurrent sign-in used cannot remove the app as well.
func (s Store) RemoveTOTP(userID, sealed string, p factor.Proof) types.TransactWriteItem {
	set, cond, values := proofWrite(sealed, p)
	up := s.factorsUpdate(userID, set+" REMOVE totp, totpEnrolledAt, recoveryCodes, pendingTotp, pendingTotpUntil",
		cond, map[string]string{}, values)
	return types.TransactWriteItem{Update: up}
}

// ReplaceRecoveryCodes is the transaction item that replaces all recovery codes by hashes, proven with a TOTP
// step of the secret (as read: sealed). It spends the step and holds only while that secret is enrolled and no
// code of this step or a later one was accepted: the old codes stop working in the same write.
func (s Store) ReplaceRecoveryCodes(userID, sealed string, step int64, hashes []string) types.TransactWriteItem {
	set, cond, values := proofWrite(sealed, factor.Proof{Step: step})
	values[":codes"] = &types.AttributeValueMemberSS{Value: hashes}
	up := s.factorsUpdate(userID, set+", recoveryCodes = :codes", cond, map[string]string{}, values)
	return types.TransactWriteItem{Update: up}
}

// proofWrite is the SET clause (to append to factorsUpdate's), condition and values that spend a proof of the
// enrolled secret sealed: a TOTP step later than the last one used, or a recovery code still unused.
func proofWrite(sealed string, p factor.Proof) (set, cond string, values map[string]types.AttributeValue) {
	values = map[string]types.AttributeValue{":sealed": S(sealed)}
	if p.RecoveryHash != "" {
		values[":h"] = S(p.RecoveryHash)
		return "", "totp = :sealed AND contains(recoveryCodes, :h)", values
	}
	values[":step"] = N(p.Step)
	return ", totpLastStep = :step", "totp = :sealed AND totpLastStep < :step", values
}

// RemoveMobile is the transaction item that removes the user's verified mobile (as read: mobile), so no SMS
// code goes to it again. A verification in progress is left: it is a new number the user asked to verify.
func (s Store) RemoveMobile(userID, mobile string) types.TransactWriteItem {
	up := s.factorsUpdate(userID, " REMOVE mobile, mobileVerifiedAt", "mobile = :m", map[string]string{},
		map[string]types.AttributeValue{":m": S(mobile)})
	return types.TransactWriteItem{Update: up}
}

// RequireFactor is the transaction item that checks the user still has a verified mobile (user.MethodSMS) or
// an enrolled authenticator (user.MethodTOTP) when the change commits.
func (s Store) RequireFactor(userID, attr string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                aws.String(s.Table),
		Key:                      table.FactorsKey(userID).AV(),
		ConditionExpression:      aws.String("attribute_exists(#a)"),
		ExpressionAttributeNames: map[string]string{"#a": attr},
	}}
}

// Attributes of the factors item that RequireFactor checks.
const (
	FactorMobile = "mobile"
	FactorTOTP   = "totp"
)

// SetTwoFactor is the transaction item that changes the two-factor settings on the user item: enabled (when
// not nil) and method (when not empty). It holds only while the user exists.
func (s Store) SetTwoFactor(userID string, enabled *bool, method string) types.TransactWriteItem {
	set := "SET #version = if_not_exists(#version, :zero) + :one"
	names := map[string]string{"#version": table.AttrVersion, "#tf": "twoFactor"}
	values := map[string]types.AttributeValue{":zero": N(0), ":one": N(1)}
	if enabled != nil {
		set += ", #tf.#enabled = :enabled"
		names["#enabled"] = "enabled"
		values[":enabled"] = &types.AttributeValueMemberBOOL{Value: *enabled}
	}
	if method != "" {
		set += ", #tf.#method = :method"
		names["#method"] = "method"
		values[":method"] = S(method)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.Table),
		Key:                       table.UserKey(userID).AV(),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}
}

// ReplaceMethod is the transaction item that changes the user's method from was (as read; empty for users
// from before methods) to method. It holds only while the method is still was, so a concurrent choice is not
// overwritten unseen.
func (s Store) ReplaceMethod(userID, was, method string) types.TransactWriteItem {
	it := s.SetTwoFactor(userID, nil, method)
	it.Update.ConditionExpression = aws.String("attribute_exists(pk) AND " + methodIs(was, it.Update.ExpressionAttributeNames, it.Update.ExpressionAttributeValues))
	return it
}

// KeepMethod is the transaction item that checks the user's method is still was when the change commits.
func (s Store) KeepMethod(userID, was string) types.TransactWriteItem {
	names, values := map[string]string{}, map[string]types.AttributeValue{}
	cond := "attribute_exists(pk) AND " + methodIs(was, names, values)
	check := &types.ConditionCheck{
		TableName:                aws.String(s.Table),
		Key:                      table.UserKey(userID).AV(),
		ConditionExpression:      aws.String(cond),
		ExpressionAttributeNames: names,
	}
	if len(values) > 0 {
		check.ExpressionAttributeValues = values
	}
	return types.TransactWriteItem{ConditionCheck: check}
}

// methodIs is the condition that the user item's two-factor method is was; an empty was stands for none.
func methodIs(was string, names map[string]string, values map[string]types.AttributeValue) string {
	names["#tf"], names["#method"] = "twoFactor", "method"
	if was == "" { // stored as an empty string, or not at all
		values[":noLength"] = N(0)
		return "(attribute_not_exists(#tf.#method) OR size(#tf.#method) = :noLength)"
	}
	values[":was"] = S(was)
	return "#tf.#method = :was"
}

// SwitchTwoFactor is the transaction item that turns two-factor sign-in on or off on the user item. It holds
// only while the setting is still was, so two administrators switching at once change it once.
func (s Store) SwitchTwoFactor(userID string, was, enabled bool) types.TransactWriteItem {
	it := s.SetTwoFactor(userID, &enabled, "")
	it.Update.ConditionExpression = aws.String("attribute_exists(pk) AND #tf.#enabled = :was")
	it.Update.ExpressionAttributeValues[":was"] = &types.AttributeValueMemberBOOL{Value: was}
	return it
}

// SetUserMobile is the transaction item that writes a verified mobile number onto the user's profile too.
func (s Store) SetUserMobile(userID, mobile string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.Table),
		Key:                       table.UserKey(userID).AV(),
		UpdateExpression:          aws.String("SET mobile = :m, #version = if_not_exists(#version, :zero) + :one"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":m": S(mobile), ":zero": N(0), ":one": N(1)},
	}}
}
