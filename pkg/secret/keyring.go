package secret

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Version numbers a key of the keyring. The first key is version 1 and each rotation adds the next number.
//
// Everything that outlives a request names the version of the key it was made with, as a suffix ".<version>"
// (a link token's mac, a session cookie, a sealed secret, a stored recovery-code hash) or in a field beside it
// (a challenge's or a mobile verification's one-time codes). Version 1 is written with no suffix, exactly as
// before versions existed, so every link, session and sealed secret made by the single-key service reads as
// version 1, and "<value>.1" is not a second spelling of it: it is invalid.
type Version int

// FirstVersion is the version of the key the service had before rotation existed.
const FirstVersion Version = 1

// maxVersionDigits bounds a version in a value a caller sent: far more rotations than the service will ever
// make, and short enough that parsing one costs nothing.
const maxVersionDigits = 6

// KeySize is the least length of a key in bytes (HMAC-SHA256's block of security).
const KeySize = 32

// keySet is one reading of the keyring: immutable, swapped whole when the secret is read again.
type keySet struct {
	current Version
	keys    map[Version][]byte
}

// Keyring holds the HMAC keys: the current one mints, every kept one verifies. It is safe for concurrent use;
// a warm function's keyring can learn newer keys (see ReloadWith) without a cold start.
type Keyring struct {
	set    atomic.Pointer[keySet]
	reload *reloader
}

// NewKeyring returns a keyring holding one key, of at least KeySize bytes, as version 1: the plain key the
// service had before rotation, and what a hex secret or PH_HMAC_KEY means.
func NewKeyring(key []byte) (*Keyring, error) {
	return NewVersionedKeyring(FirstVersion, map[Version][]byte{FirstVersion: key})
}

// NewVersionedKeyring returns a keyring whose current key is keys[current]; the others verify what they made.
func NewVersionedKeyring(current Version, keys map[Version][]byte) (*Keyring, error) {
	set, err := newKeySet(current, keys)
	if err != nil {
		return nil, err
	}
	k := &Keyring{}
	k.set.Store(set)
	return k, nil
}

func newKeySet(current Version, keys map[Version][]byte) (*keySet, error) {
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("hmac keyring: the current version %d has no key", current)
	}
	set := &keySet{current: current, keys: make(map[Version][]byte, len(keys))}
	for v, key := range keys {
		if v < FirstVersion || len(strconv.Itoa(int(v))) > maxVersionDigits {
			return nil, fmt.Errorf("hmac keyring: bad version %d", v)
		}
		if len(key) < KeySize {
			return nil, fmt.Errorf("hmac key must be at least %d bytes, got %d (version %d)", KeySize, len(key), v)
		}
		set.keys[v] = append([]byte(nil), key...)
	}
	return set, nil
}

// Current is the version of the key that mints.
func (k *Keyring) Current() Version { return k.set.Load().current }

// Versions lists the versions the keyring holds, oldest first.
func (k *Keyring) Versions() []Version { return slices.Sorted(maps.Keys(k.set.Load().keys)) }

// key returns the key of version v. A version the keyring does not hold makes it read the secret again when
// that could help (see ReloadWith); a version it still does not hold is simply invalid.
func (k *Keyring) key(ctx context.Context, v Version) ([]byte, bool) {
	set := k.set.Load()
	if key, ok := set.keys[v]; ok {
		return key, true
	}
	// Versions only grow: one at or below the current one that the keyring lacks was retired (or never
	// existed), and no reading of the secret brings it back.
	if k.reload == nil || v <= set.current {
		return nil, false
	}
	k.reload.refresh(ctx, k)
	key, ok := k.set.Load().keys[v]
	return key, ok
}

// mint is the current version and its key.
func (k *Keyring) mint() (Version, []byte) {
	set := k.set.Load()
	return set.current, set.keys[set.current]
}

// mac is HMAC-SHA256 under key of the length-prefixed parts, so ("ab","c") and ("a","bc") differ.
func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		m.Write(n[:])
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// WithVersion appends ".<v>" to a value made with key v; a version-1 value has no suffix.
func WithVersion(value string, v Version) string {
	if v == FirstVersion {
		return value
	}
	return value + "." + strconv.Itoa(int(v))
}

// CutVersion splits a value into what WithVersion was given and the version. ok is false when the suffix is
// not a version: empty, not decimal, with a leading zero, too long, or ".1" (version 1 has no suffix).
func CutVersion(s string) (value string, v Version, ok bool) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return s, FirstVersion, true
	}
	text := s[i+1:]
	if text == "" || len(text) > maxVersionDigits || text[0] == '0' || strings.Trim(text, "0123456789") != "" {
		return "", 0, false
	}
	n, _ := strconv.Atoi(text) // at most six decimal digits: always parses
	if Version(n) == FirstVersion {
		return "", 0, false
	}
	return s[:i], Version(n), true
}

// Loader reads the keyring as the secret holds it now.
type Loader func(ctx context.Context) (*Keyring, error)

// ReloadWith makes a warm keyring learn keys made after it was read: when it meets a version newer than its
// current one (a rotation happened since this process started), it calls load and takes the keys it returns.
// It calls load at most once per interval, by the clock now, whatever the traffic: a caller that sends made-up
// versions costs at most one read of the secret per interval and gets "invalid"; callers meeting a new version
// meanwhile wait for the read under way rather than start another. A failed read leaves the keys as they were.
func (k *Keyring) ReloadWith(load Loader, interval time.Duration, now func() time.Time) {
	k.reload = &reloader{load: load, interval: interval, now: now}
}

// reloader is the state of ReloadWith.
type reloader struct {
	load     Loader
	interval time.Duration
	now      func() time.Time

	mu   sync.Mutex
	last time.Time // when load was last called; zero before the first call
	err  error     // the last call's failure, for Reloaded
	n    int       // how many times load was called
}

func (r *reloader) refresh(ctx context.Context, k *Keyring) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !r.last.IsZero() && now.Sub(r.last) < r.interval {
		return // read recently: whatever made this version up, one more read would not help
	}
	r.last, r.n = now, r.n+1
	fresh, err := r.load(ctx)
	if r.err = err; err != nil {
		return
	}
	k.set.Store(fresh.set.Load())
}

// Reloads says how many times the keyring read its secret again, and the last read's error: for tests and logs.
func (k *Keyring) Reloads() (int, error) {
	if k.reload == nil {
		return 0, nil
	}
	k.reload.mu.Lock()
	defer k.reload.mu.Unlock()
	return k.reload.n, k.reload.err
}
