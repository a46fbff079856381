package dynamo

// Records and conditional writes of two-factor sign-in: a user's factors item (verified mobile, sealed
// authenticator secret, hashed recovery codes) and the two-factor settings on the user item. The item is
// created by the first write that needs it (UpdateItem creates a missing item), so no write ever replaces it
// whole, and every write that depends on what was read holds a condition on it.

import (
	"context"
	"errors"
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

// errFactorChanged says a conditional write on a user's factors found them changed since they were read.
var errFactorChanged = fmt.Errorf("second factor changed since it was read: %w", fault.ErrConflict)

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
func factorsUpdate(tableName, userID, set, cond string, names map[string]string, values map[string]types.AttributeValue) *types.Update {
	names["#type"] = table.AttrType
	names["#version"] = table.AttrVersion
	values[":factorsType"] = S(table.TypeFactors)
	values[":uid"] = S(userID)
	values[":one"] = N(1)
	values[":zero"] = N(0)
	u := &types.Update{
		TableName: aws.String(tableName),
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

// StartVerification adds the write of a mobile verification, whose code the outbox message in the same
// transaction (tx.Send) texts to v.Mobile. It replaces any verification in progress: the previous code stops
// working.
func (t *Tx) StartVerification(userID string, v factor.Verification) *Tx {
	av, err := attributevalue.Marshal(v)
	if err != nil {
		t.Fail(fmt.Errorf("encode verification: %w", err))
		return t
	}
	return t.Add(types.TransactWriteItem{Update: factorsUpdate(t.table, userID, ", verification = :v", "",
		map[string]string{}, map[string]types.AttributeValue{":v": av})}, nil)
}

// verificationAttempts bounds the re-reads of a user's factors while concurrent requests keep changing the
// verification.
const verificationAttempts = 5

// CountVerificationAttempt spends one guess at the mobile verification in progress of f (a user's factors as
// read), before its code is compared. rule says whether the code may still be guessed
// (factor.Verification.Check at now); when it refuses, nothing is written and its error is returned. The write
// holds only while that verification is still the current one with guesses left, so racing guesses cannot
// exceed factor.VerificationAttempts; when a concurrent request (a new text, another guess) changed the factors
// first, they are read again and rule asked again. It returns the verification after the write and the factors
// as last read; factors that keep changing answer fault.ErrConflict.
func (s Store) CountVerificationAttempt(ctx context.Context, f factor.Factors, rule func(*factor.Verification) error) (factor.Verification, factor.Factors, error) {
	for range verificationAttempts {
		if err := rule(f.Verification); err != nil {
			return factor.Verification{}, f, err
		}
		v, err := s.countVerificationAttempt(ctx, f.UserID, f.Verification.ID)
		if !errors.Is(err, errFactorChanged) {
			return v, f, err
		}
		latest, err := s.Factors(ctx, f.UserID)
		if err != nil {
			return factor.Verification{}, f, err
		}
		f = latest
	}
	return factor.Verification{}, f, fmt.Errorf("count verification attempt of %s: %w", f.UserID, fault.ErrConflict)
}

// countVerificationAttempt is one conditional write of CountVerificationAttempt: the verification after it, or
// errFactorChanged.
func (s Store) countVerificationAttempt(ctx context.Context, userID, id string) (factor.Verification, error) {
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
			return factor.Verification{}, errFactorChanged
		}
		return factor.Verification{}, Unavailable("count verification attempt", err)
	}
	var f factor.Factors
	if err := attributevalue.UnmarshalMap(out.Attributes, &f); err != nil || f.Verification == nil {
		return factor.Verification{}, fmt.Errorf("decode factors: %w", fault.ErrUnavailable)
	}
	return *f.Verification, nil
}

// VerifyMobile adds the write that makes a verification's number the user's verified mobile. It holds only
// while v is still the current verification and its guess was counted within the limit, so a code works once
// and a replaced verification's code not at all; onFail is what it means if not.
func (t *Tx) VerifyMobile(userID string, v factor.Verification, at time.Time, onFail error) *Tx {
	when, err := attributevalue.Marshal(at)
	if err != nil {
		t.Fail(fmt.Errorf("encode time: %w", err))
		return t
	}
	up := factorsUpdate(t.table, userID, ", mobile = :m, mobileVerifiedAt = :at REMOVE verification",
		"verification.id = :id AND verification.attempts <= :max", map[string]string{},
		map[string]types.AttributeValue{":m": S(v.Mobile), ":at": when, ":id": S(v.ID), ":max": N(factor.VerificationAttempts)})
	return t.Add(types.TransactWriteItem{Update: up}, onFail)
}

// SetPendingTOTP stores a new authenticator secret, sealed, until it is confirmed or until. It leaves an
// enrolled secret as it is: the new one replaces it only when a code from the app confirms it.
func (s Store) SetPendingTOTP(ctx context.Context, userID, sealed string, until time.Time) error {
	when, err := attributevalue.Marshal(until)
	if err != nil {
		return fmt.Errorf("encode time: %w", err)
	}
	up := factorsUpdate(s.Table, userID, ", pendingTotp = :p, pendingTotpUntil = :u", "", map[string]string{},
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

// ActivateTOTP adds the write that makes the pending secret (as read: pending) the user's authenticator
// secret, spends the step of the code that confirmed it, and replaces the recovery codes by hashes. It holds
// only while pending is still the pending secret, so one enrolment is confirmed once; onFail is what it means
// if not.
func (t *Tx) ActivateTOTP(userID, pending string, step int64, hashes []string, at time.Time, onFail error) *Tx {
	when, err := attributevalue.Marshal(at)
	if err != nil {
		t.Fail(fmt.Errorf("encode time: %w", err))
		return t
	}
	up := factorsUpdate(t.table, userID,
		", totp = :p, totpEnrolledAt = :at, totpLastStep = :step, recoveryCodes = :codes REMOVE pendingTotp, pendingTotpUntil",
		"pendingTotp = :p", map[string]string{},
		map[string]types.AttributeValue{
			":p": S(pending), ":at": when, ":step": N(step),
			":codes": &types.AttributeValueMemberSS{Value: hashes},
		})
	return t.Add(types.TransactWriteItem{Update: up}, onFail)
}

// SpendTOTPStep adds the write that accepts a code of step for the user's secret (as read: sealed). It holds
// only while that secret is enrolled and no code of this step or a later one was accepted, so of two requests
// with one code at most one commits; onFail is what it means when the step was spent or the secret replaced.
func (t *Tx) SpendTOTPStep(userID, sealed string, step int64, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.FactorsKey(userID).AV(),
		UpdateExpression:          aws.String("SET totpLastStep = :step"),
		ConditionExpression:       aws.String("totp = :sealed AND totpLastStep < :step"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":step": N(step), ":sealed": S(sealed)},
	}}, onFail)
}

// SpendRecoveryCode adds the write that uses the recovery code with this hash: it removes the hash and holds
// only while the hash is there, so each code works once; onFail is what it means when it was used already.
func (t *Tx) SpendRecoveryCode(userID, hash string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.FactorsKey(userID).AV(),
		UpdateExpression:          aws.String("DELETE recoveryCodes :set"),
		ConditionExpression:       aws.String("contains(recoveryCodes, :h)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":set": &types.AttributeValueMemberSS{Value: []string{hash}}, ":h": S(hash)},
	}}, onFail)
}

// RemoveTOTP adds the write that removes the user's authenticator app: the secret (as read: sealed), its
// recovery codes and any enrolment waiting for a code. It spends the proof (a TOTP step, or the recovery code
// with that hash) and holds only while the secret is still enrolled and the proof unspent, so a code that a
// concurrent sign-in used cannot remove the app as well; onFail is what it means if not.
func (t *Tx) RemoveTOTP(userID, sealed string, p factor.Proof, onFail error) *Tx {
	set, cond, values := proofWrite(sealed, p)
	up := factorsUpdate(t.table, userID, set+" REMOVE totp, totpEnrolledAt, recoveryCodes, pendingTotp, pendingTotpUntil",
		cond, map[string]string{}, values)
	return t.Add(types.TransactWriteItem{Update: up}, onFail)
}

// ReplaceRecoveryCodes adds the write that replaces all recovery codes by hashes, proven with a TOTP step of
// the secret (as read: sealed). It spends the step and holds only while that secret is enrolled and no code of
// this step or a later one was accepted: the old codes stop working in the same write. onFail is what it means
// if not.
func (t *Tx) ReplaceRecoveryCodes(userID, sealed string, step int64, hashes []string, onFail error) *Tx {
	set, cond, values := proofWrite(sealed, factor.Proof{Step: step})
	values[":codes"] = &types.AttributeValueMemberSS{Value: hashes}
	up := factorsUpdate(t.table, userID, set+", recoveryCodes = :codes", cond, map[string]string{}, values)
	return t.Add(types.TransactWriteItem{Update: up}, onFail)
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

// RemoveMobile adds the write that removes the user's verified mobile (as read: mobile), so no SMS code goes to
// it again; onFail is what it means when it changed meanwhile. A verification in progress is left: it is a new
// number the user asked to verify.
func (t *Tx) RemoveMobile(userID, mobile string, onFail error) *Tx {
	up := factorsUpdate(t.table, userID, " REMOVE mobile, mobileVerifiedAt", "mobile = :m", map[string]string{},
		map[string]types.AttributeValue{":m": S(mobile)})
	return t.Add(types.TransactWriteItem{Update: up}, onFail)
}

// RequireFactor adds the check that the user still has a verified mobile (FactorMobile) or an enrolled
// authenticator (FactorTOTP) when the change commits; onFail is what it means if not.
func (t *Tx) RequireFactor(userID, attr string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                aws.String(t.table),
		Key:                      table.FactorsKey(userID).AV(),
		ConditionExpression:      aws.String("attribute_exists(#a)"),
		ExpressionAttributeNames: map[string]string{"#a": attr},
	}}, onFail)
}

// Attributes of the factors item that RequireFactor checks.
const (
	FactorMobile = "mobile"
	FactorTOTP   = "totp"
)

// twoFactorUpdate is the update of the two-factor settings on the user item: enabled (when not nil) and method
// (when not empty). It holds only while the user exists.
func twoFactorUpdate(tableName, userID string, enabled *bool, method string) *types.Update {
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
	return &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(userID).AV(),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
}

// ChooseMethod adds the write that makes method the user's two-factor method. It holds only while the user
// exists; onFail is what it means if not.
func (t *Tx) ChooseMethod(userID, method string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: twoFactorUpdate(t.table, userID, nil, method)}, onFail)
}

// ReplaceMethod adds the write that changes the user's method from was (as read; empty for users from before
// methods) to method. It holds only while the method is still was, so a concurrent choice is not overwritten
// unseen; onFail is what it means if not.
func (t *Tx) ReplaceMethod(userID, was, method string, onFail error) *Tx {
	up := twoFactorUpdate(t.table, userID, nil, method)
	up.ConditionExpression = aws.String("attribute_exists(pk) AND " + methodIs(was, up.ExpressionAttributeNames, up.ExpressionAttributeValues))
	return t.Add(types.TransactWriteItem{Update: up}, onFail)
}

// KeepMethod adds the check that the user's method is still was when the change commits; onFail is what it
// means if not.
func (t *Tx) KeepMethod(userID, was string, onFail error) *Tx {
	names, values := map[string]string{}, map[string]types.AttributeValue{}
	cond := "attribute_exists(pk) AND " + methodIs(was, names, values)
	check := &types.ConditionCheck{
		TableName:                aws.String(t.table),
		Key:                      table.UserKey(userID).AV(),
		ConditionExpression:      aws.String(cond),
		ExpressionAttributeNames: names,
	}
	if len(values) > 0 {
		check.ExpressionAttributeValues = values
	}
	return t.Add(types.TransactWriteItem{ConditionCheck: check}, onFail)
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

// SwitchTwoFactor adds the write that turns two-factor sign-in on or off on the user item. It holds only while
// the setting is still was, so two administrators switching at once change it once; onFail is what it means if
// not.
func (t *Tx) SwitchTwoFactor(userID string, was, enabled bool, onFail error) *Tx {
	up := twoFactorUpdate(t.table, userID, &enabled, "")
	up.ConditionExpression = aws.String("attribute_exists(pk) AND #tf.#enabled = :was")
	up.ExpressionAttributeValues[":was"] = &types.AttributeValueMemberBOOL{Value: was}
	return t.Add(types.TransactWriteItem{Update: up}, onFail)
}

// SetUserMobile adds the write of a verified mobile number onto the user's profile too. It holds only while the
// user exists; onFail is what it means if not.
func (t *Tx) SetUserMobile(userID, mobile string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.UserKey(userID).AV(),
		UpdateExpression:          aws.String("SET mobile = :m, #version = if_not_exists(#version, :zero) + :one"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":m": S(mobile), ":zero": N(0), ":one": N(1)},
	}}, onFail)
}
