package apispec

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/partnerhub/partnerhub/pkg/branding"
)

// Schema is one JSON Schema (2020-12, as OpenAPI 3.1 uses it).
type Schema = map[string]any

// reflector derives JSON Schemas from Go types the way encoding/json encodes them: a struct is an object with a
// property per exported field (its json tag's name), required unless the tag says omitempty or omitzero, and no
// other property; a named struct is a component referred to by $ref. A nil pointer, slice or map encodes as
// null, so those accept null unless the field is omitted when empty.
type reflector struct {
	// components are the named schemas, by component name.
	components map[string]Schema
	// names are the component names given so far, to tell two types of the same name apart.
	names map[string]reflect.Type
	// err is the first type that cannot be described (a custom encoding with no schema below).
	err error
}

func newReflector() *reflector {
	return &reflector{components: map[string]Schema{}, names: map[string]reflect.Type{}}
}

// custom are the schemas of types that encode themselves (json.Marshaler, encoding.TextMarshaler): reflection
// cannot see what they write, so their schema is written here, next to the encoder it describes.
var custom = map[reflect.Type]Schema{
	reflect.TypeFor[time.Time]():       {"type": "string", "format": "date-time"},
	reflect.TypeFor[json.RawMessage](): {},
	// branding.Effective.MarshalJSON: {accountId, name, logoUrl, color, supportEmail, supportUrl, logoBackdrop},
	// null for unset.
	reflect.TypeFor[branding.Effective](): object(map[string]Schema{
		"accountId":    nullable(Schema{"type": "string"}),
		"name":         {"type": "string"},
		"logoUrl":      nullable(Schema{"type": "string"}),
		"color":        {"type": "string"},
		"supportEmail": nullable(Schema{"type": "string"}),
		"supportUrl":   nullable(Schema{"type": "string"}),
		"logoBackdrop": nullable(Schema{"type": "string"}),
	}, "accountId", "name", "logoUrl", "color", "supportEmail", "supportUrl", "logoBackdrop"),
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// of is the schema of a value's type; nil has none.
func (r *reflector) of(v any) Schema {
	if v == nil {
		return nil
	}
	return r.schema(reflect.TypeOf(v), false)
}

// schema is the schema of t. omitted says the value is left out when empty, so it is never null.
func (r *reflector) schema(t reflect.Type, omitted bool) Schema {
	if s, ok := custom[t]; ok {
		return maps.Clone(s)
	}
	if t.Kind() != reflect.Pointer && (t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler)) {
		r.fail(fmt.Errorf("%s encodes itself (MarshalJSON): write its schema in apispec.custom", t))
		return Schema{}
	}
	if t.Kind() != reflect.Pointer && t.Implements(textMarshaler) {
		return Schema{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := r.schema(t.Elem(), omitted)
		if omitted {
			return s
		}
		return nullable(s)
	case reflect.Struct:
		return r.named(t, r.object(t))
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return Schema{"type": "string", "contentEncoding": "base64"}
		}
		s := Schema{"type": "array", "items": r.schema(t.Elem(), false)}
		if t.Kind() == reflect.Slice && !omitted {
			s["type"] = []string{"array", "null"}
		}
		return s
	case reflect.Map:
		s := Schema{"type": "object", "additionalProperties": r.schema(t.Elem(), false)}
		if !omitted {
			s["type"] = []string{"object", "null"}
		}
		return s
	case reflect.Interface:
		return Schema{}
	case reflect.String:
		return Schema{"type": "string"}
	case reflect.Bool:
		return Schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Schema{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Schema{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return Schema{"type": "number"}
	}
	r.fail(fmt.Errorf("%s: a %s has no JSON encoding", t, t.Kind()))
	return Schema{}
}

// object is a struct's schema: its fields, embedded structs' fields promoted, and nothing else.
func (r *reflector) object(t reflect.Type) Schema {
	props := map[string]Schema{}
	var required []string
	r.fields(t, props, &required)
	return object(props, required...)
}

func (r *reflector) fields(t reflect.Type, props map[string]Schema, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				r.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitted := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		s := r.schema(ft, omitted)
		if strings.Contains(opts, "string") {
			s = Schema{"type": "string"}
		}
		props[name] = s
		if !omitted {
			*required = append(*required, name)
		}
	}
}

// named makes a named type's schema a component and refers to it; an unnamed type's schema stays inline.
func (r *reflector) named(t reflect.Type, s Schema) Schema {
	if t.Name() == "" {
		return s
	}
	name := componentName(t)
	if other, ok := r.names[name]; ok && other != t {
		r.fail(fmt.Errorf("%s and %s would both be schema %s", t, other, name))
	}
	r.names[name] = t
	r.components[name] = s
	return Schema{"$ref": "#/components/schemas/" + name}
}

func (r *reflector) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// componentName is a type's component name: its package's name and its own, e.g. TreeAccountView for
// tree.AccountView, so types of the same name in two packages do not collide.
func componentName(t reflect.Type) string {
	pkg := t.PkgPath()
	pkg = pkg[strings.LastIndex(pkg, "/")+1:]
	var b strings.Builder
	for _, part := range []string{pkg, t.Name()} {
		for i, c := range part {
			if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
				continue
			}
			if i == 0 {
				c = unicode.ToUpper(c)
			}
			b.WriteRune(c)
		}
	}
	return b.String()
}

// object is an object schema with exactly these properties.
func object(props map[string]Schema, required ...string) Schema {
	s := Schema{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// nullable is s or null.
func nullable(s Schema) Schema {
	if _, ref := s["$ref"]; ref || s["type"] == nil {
		return Schema{"anyOf": []Schema{s, {"type": "null"}}}
	}
	switch typ := s["type"].(type) {
	case string:
		s["type"] = []string{typ, "null"}
	case []string:
		if !containsNull(typ) {
			s["type"] = append(typ, "null")
		}
	}
	return s
}

func containsNull(types []string) bool {
	for _, t := range types {
		if t == "null" {
			return true
		}
	}
	return false
}
