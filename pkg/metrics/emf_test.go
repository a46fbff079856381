package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/metrics"
	"github.com/partnerhub/partnerhub/pkg/tally"
)

func TestLineIsTheEMFShape(t *testing.T) {
	t.Parallel()
	got := string(metrics.Line(tally.SignIns, "partnerhub-otp", 1767225600123))
	want := `{"_aws":{"Timestamp":1767225600123,"CloudWatchMetrics":[{"Namespace":"PartnerHub","Dimensions":[["Function"]],` +
		`"Metrics":[{"Name":"SignIns","Unit":"Count"}]}]},"Function":"partnerhub-otp","SignIns":1}` + "\n"
	if got != want {
		t.Fatalf("line\n got %s\nwant %s", got, want)
	}
}

// emfLine is the part of the EMF specification a line must satisfy for CloudWatch to extract its metric.
type emfLine struct {
	AWS struct {
		Timestamp         int64
		CloudWatchMetrics []struct {
			Namespace  string
			Dimensions [][]string
			Metrics    []struct{ Name, Unit string }
		}
	} `json:"_aws"`
}

func TestEveryNameParsesAsAMetric(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	emf := metrics.New(&buf, `fn "quoted" <x>`, clock.NewFake(at))
	count := emf.Counter()
	for _, name := range tally.Names {
		count.Count(context.Background(), name)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(tally.Names) {
		t.Fatalf("%d lines for %d names:\n%s", len(lines), len(tally.Names), buf.String())
	}
	for i, raw := range lines {
		name := string(tally.Names[i])
		t.Run("name="+name, func(t *testing.T) {
			var shape emfLine
			var values map[string]any
			if err := json.Unmarshal([]byte(raw), &shape); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			if err := json.Unmarshal([]byte(raw), &values); err != nil {
				t.Fatal(err)
			}
			if shape.AWS.Timestamp != at.UnixMilli() || len(shape.AWS.CloudWatchMetrics) != 1 {
				t.Fatalf("_aws %+v", shape.AWS)
			}
			d := shape.AWS.CloudWatchMetrics[0]
			if d.Namespace != "PartnerHub" || !reflect.DeepEqual(d.Dimensions, [][]string{{"Function"}}) {
				t.Fatalf("directive %+v", d)
			}
			if len(d.Metrics) != 1 || d.Metrics[0].Name != name || d.Metrics[0].Unit != "Count" {
				t.Fatalf("metrics %+v", d.Metrics)
			}
			// The values are top-level members named as the directive says: the dimension and the metric.
			if values["Function"] != `fn "quoted" <x>` || values[name] != 1.0 || len(values) != 3 {
				t.Fatalf("values %v", values)
			}
		})
	}
}

func TestConcurrentCountsWriteWholeLines(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	emf := metrics.New(&buf, "f", clock.NewFake(time.Unix(0, 0)))
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { emf.Count(context.Background(), tally.EmailsSent) })
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 50 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("torn line %q", l)
		}
	}
}

func TestNilCounterCountsNothing(t *testing.T) {
	t.Parallel()
	var c tally.Counter
	c.Count(context.Background(), tally.SignIns) // must not panic
}
