package httpapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/fault"
)

// decodeStrict decodes body into dst (a pointer to a struct), reporting into v every unknown field and every
// field whose JSON type does not fit. Fields that fit are decoded even when others do not, so the request's own
// validation can still name what is missing. A body that is too large, not JSON, or JSON but not an object (an
// array, a string, null) is reported as "body"; an empty body is an empty object.
func decodeStrict(body []byte, dst any, v *fault.ValidationError) {
	if len(body) > MaxBody {
		v.Add("body", "too_large", fmt.Sprintf("The body is larger than %d KiB.", MaxBody>>10))
		return
	}
	var raw any
	if len(strings.TrimSpace(string(body))) == 0 {
		raw = map[string]any{}
	} else if err := json.Unmarshal(body, &raw); err != nil {
		v.Add("body", "invalid_json", "The body is not valid JSON.")
		return
	} else if raw == nil {
		v.Add("body", "wrong_type", nullBody)
		return
	}
	clean := prune(raw, reflect.TypeOf(dst).Elem(), "", v)
	if v.Has("") {
		// The top level itself has the wrong type (e.g. an array): report it as the body.
		v.Fields = nil
		v.Add("body", "wrong_type", "The body must be a JSON object.")
		return
	}
	b, _ := json.Marshal(clean) // re-encoding decoded JSON cannot fail
	if err := json.Unmarshal(b, dst); err != nil {
		// prune removed everything that does not fit; anything left (e.g. a number out of range) is reported whole.
		v.Add("body", "wrong_type", "The body does not match the expected shape.")
	}
}

// nullBody answers a JSON null body. null is not an empty object: decoded as one, it would pass for a request
// that sent nothing, so every JSON route refuses it, whether its endpoint reads a body or not (Config.serve).
const nullBody = "The body must be a JSON object, not null."

// isNull reports whether a body is the JSON literal null.
// rawMessage is the type of a member kept as JSON for the use case to read.
var rawMessage = reflect.TypeFor[json.RawMessage]()

func isNull(body []byte) bool { return strings.TrimSpace(string(body)) == "null" }

// prune returns raw without the parts that do not fit type t, reporting each one under its JSON path.
func prune(raw any, t reflect.Type, path string, v *fault.ValidationError) any {
	if raw == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessage { // any JSON value, which the use case reads itself (a WebAuthn credential)
		return raw
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			v.Add(path, "wrong_type", "Must be an object.")
			return nil
		}
		fields := jsonFields(t)
		out := map[string]any{}
		for k, val := range obj {
			ft, known := fields[k]
			if !known {
				v.Add(join(path, k), "unknown_field", "This field is not accepted here.")
				continue
			}
			if pruned := prune(val, ft, join(path, k), v); pruned != nil || val == nil {
				if !v.Has(join(path, k)) {
					out[k] = pruned
				}
			}
		}
		return out
	case reflect.Slice:
		arr, ok := raw.([]any)
		if !ok {
			v.Add(path, "wrong_type", "Must be an array.")
			return nil
		}
		// A bad element becomes null (the element type's zero value), not a gap, so later elements keep their
		// index and the request's own validation reports them under the right path.
		out := make([]any, len(arr))
		for i, el := range arr {
			p := fmt.Sprintf("%s[%d]", path, i)
			if pruned := prune(el, t.Elem(), p, v); !v.Has(p) {
				out[i] = pruned
			}
		}
		return out
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			v.Add(path, "wrong_type", "Must be an object.")
			return nil
		}
		return obj
	case reflect.String:
		return expect[string](raw, path, "Must be a string.", v)
	case reflect.Bool:
		return expect[bool](raw, path, "Must be true or false.", v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f, ok := raw.(float64)
		if !ok || f != float64(int64(f)) {
			v.Add(path, "wrong_type", "Must be a whole number.")
			return nil
		}
		return f
	case reflect.Float32, reflect.Float64:
		return expect[float64](raw, path, "Must be a number.", v)
	default: // interface{} and anything else takes what it gets
		return raw
	}
}

func expect[T any](raw any, path, detail string, v *fault.ValidationError) any {
	if _, ok := raw.(T); !ok {
		v.Add(path, "wrong_type", detail)
		return nil
	}
	return raw
}

// jsonFields maps the JSON names of a struct's exported fields to their types; an embedded struct without a
// name of its own lends its fields, as encoding/json decodes them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, ft := range jsonFields(f.Type) {
				if _, own := out[k]; !own {
					out[k] = ft
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
