package secret

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Document is the keyring as the secret (Secrets Manager, or PH_HMAC_KEY locally) holds it:
//
//	{"current":2,"keys":{"1":"<64 hex>","2":"<64 hex>"}}
//
// A secret of 64 hex characters alone, the form it had before rotation, is the document with that key as
// version 1 and current.
type Document struct {
	Current Version           `json:"current"`
	Keys    map[string]string `json:"keys"` // version in decimal → key in hex
}

// ParseDocument reads a secret's text: the JSON document, or a plain hex key as version 1.
func ParseDocument(text string) (Document, error) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "{") {
		if _, err := hex.DecodeString(text); err != nil {
			return Document{}, errors.New("hmac secret: neither a keyring document nor a hex key")
		}
		return Document{Current: FirstVersion, Keys: map[string]string{"1": text}}, nil
	}
	var d Document
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Document{}, fmt.Errorf("hmac secret: bad keyring document: %w", err)
	}
	return d, nil
}

// Keyring is the keyring the document describes; it checks every version and key.
func (d Document) Keyring() (*Keyring, error) {
	keys := make(map[Version][]byte, len(d.Keys))
	for text, h := range d.Keys {
		v, err := strconv.Atoi(text)
		if err != nil || strconv.Itoa(v) != text {
			return nil, fmt.Errorf("hmac keyring: bad version %q", text)
		}
		key, err := hex.DecodeString(h)
		if err != nil {
			return nil, fmt.Errorf("hmac keyring: key %d is not hex", v)
		}
		keys[Version(v)] = key
	}
	return NewVersionedKeyring(d.Current, keys)
}

// String is the document as JSON, versions in order: what the rotation function writes to the secret.
func (d Document) String() string {
	b, _ := json.Marshal(d) // a struct of a number and a map of strings always encodes
	return string(b)
}

// ParseKeyring reads a secret's text (ParseDocument) into a keyring.
func ParseKeyring(text string) (*Keyring, error) {
	d, err := ParseDocument(text)
	if err != nil {
		return nil, err
	}
	return d.Keyring()
}

// Next is the keyring after one rotation: fresh (KeySize or more random bytes) becomes the key of the version
// after the newest one, and the current one; every key d holds is kept, so whatever it made still verifies.
// d must be a valid keyring. Nothing is ever retired here: an operator retires a key by editing the secret
// (see docs/deploy.md).
func Next(d Document, fresh []byte) (Document, error) {
	k, err := d.Keyring()
	if err != nil {
		return Document{}, err
	}
	if len(fresh) < KeySize {
		return Document{}, fmt.Errorf("hmac key must be at least %d bytes, got %d", KeySize, len(fresh))
	}
	versions := k.Versions()
	next := max(versions[len(versions)-1], d.Current) + 1
	out := Document{Current: next, Keys: maps.Clone(d.Keys)}
	out.Keys[strconv.Itoa(int(next))] = hex.EncodeToString(fresh)
	return out, nil
}

// Same reports whether two documents hold the same keyring (the rotation's test step compares what it wrote
// with what it reads back).
func (d Document) Same(o Document) bool {
	if d.Current != o.Current || len(d.Keys) != len(o.Keys) {
		return false
	}
	for _, v := range slices.Sorted(maps.Keys(d.Keys)) {
		if !strings.EqualFold(d.Keys[v], o.Keys[v]) {
			return false
		}
	}
	return true
}

// NewKey returns KeySize fresh random bytes from crypto/rand: a new key for Next.
func NewKey() []byte { return random(KeySize) }

// CheckSuccessor says whether next can replace prev as the keyring: it holds every key of prev unchanged, and
// its current key is a version newer than every key of prev. Functions holding either keyring then verify all
// that the other mints. nil, or what is wrong.
func CheckSuccessor(prev, next Document) error {
	p, err := prev.Keyring()
	if err != nil {
		return fmt.Errorf("the previous keyring: %w", err)
	}
	n, err := next.Keyring()
	if err != nil {
		return fmt.Errorf("the next keyring: %w", err)
	}
	for v, key := range prev.Keys {
		if !strings.EqualFold(next.Keys[v], key) {
			return fmt.Errorf("the next keyring does not keep key %s", v)
		}
	}
	versions := p.Versions()
	if newest := versions[len(versions)-1]; n.Current() <= newest {
		return fmt.Errorf("the next keyring's current version %d is not newer than %d", n.Current(), newest)
	}
	return nil
}
