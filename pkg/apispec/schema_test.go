package apispec

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type inner struct {
	N int `json:"n"`
}

type sample struct {
	Name     string            `json:"name"`
	Note     string            `json:"note,omitempty"`
	When     time.Time         `json:"when"`
	Maybe    *inner            `json:"maybe"`
	Tags     []string          `json:"tags"`
	Counts   map[string]int    `json:"counts,omitempty"`
	Skipped  string            `json:"-"`
	hidden   string            //nolint:unused // proves unexported fields are not described
	Embedded                   // promoted
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Labels   map[string]string `json:"labels"`
}

// Embedded's fields are promoted into sample's object.
type Embedded struct {
	Depth int `json:"depth"`
}

// TestReflectorDescribesWhatJSONWrites checks the schema of a struct against the rules encoding/json follows.
func TestReflectorDescribesWhatJSONWrites(t *testing.T) {
	t.Parallel()
	r := newReflector()
	ref := r.of(sample{})
	if ref["$ref"] != "#/components/schemas/ApispecSample" {
		t.Fatalf("ref = %v", ref)
	}
	s := r.components["ApispecSample"]
	props := s["properties"].(map[string]Schema)
	want := map[string]Schema{
		"name":   {"type": "string"},
		"note":   {"type": "string"},
		"when":   {"type": "string", "format": "date-time"},
		"maybe":  {"anyOf": []Schema{{"$ref": "#/components/schemas/ApispecInner"}, {"type": "null"}}},
		"tags":   {"type": []string{"array", "null"}, "items": Schema{"type": "string"}},
		"counts": {"type": "object", "additionalProperties": Schema{"type": "integer"}},
		"depth":  {"type": "integer"},
		"raw":    {},
		"labels": {"type": []string{"object", "null"}, "additionalProperties": Schema{"type": "string"}},
	}
	if !reflect.DeepEqual(props, want) {
		t.Errorf("properties:\n got %v\nwant %v", props, want)
	}
	if got, want := s["required"], []string{"name", "when", "maybe", "tags", "depth", "labels"}; !reflect.DeepEqual(got, want) {
		t.Errorf("required = %v, want %v", got, want)
	}
	if s["additionalProperties"] != false {
		t.Error("a struct's object allows other properties")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
}

type selfEncoding struct{}

func (selfEncoding) MarshalJSON() ([]byte, error) { return []byte(`1`), nil }

// TestReflectorRefusesWhatItCannotSee: a type that encodes itself has no schema unless one is written for it.
func TestReflectorRefusesWhatItCannotSee(t *testing.T) {
	t.Parallel()
	r := newReflector()
	r.of(struct {
		X selfEncoding `json:"x"`
	}{})
	if r.err == nil {
		t.Fatal("a self-encoding type was described")
	}
}
