package main

import (
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/lifecycle"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestEventBus checks the lifecycle events' side of the stack: a custom bus named after the stack, a schema
// registry holding each event type's schema from package lifecycle's files, the function that publishes (fed by
// the stream's audit inserts, told the bus and the stage's source), and the bus's name and ARN as outputs.
func TestEventBus(t *testing.T) {
	tmpl, cfn := synth(t)
	busID := cfn.only(t, "AWS::Events::EventBus")
	bus := cfn.Resources[busID].Properties
	if name, _ := bus["Name"].(string); name != StackName(DefaultStage) {
		t.Errorf("bus name %v, want the stack's name %s", bus["Name"], StackName(DefaultStage))
	}

	registryID := cfn.only(t, "AWS::EventSchemas::Registry")
	schemas := cfn.ofType("AWS::EventSchemas::Schema")
	if len(schemas) != len(lifecycle.Types()) {
		t.Errorf("%d schemas, want one per event type (%d)", len(schemas), len(lifecycle.Types()))
	}
	byName := map[string]resource{}
	for _, s := range schemas {
		name, _ := s.Properties["SchemaName"].(string)
		byName[name] = s
	}
	for _, typ := range lifecycle.Types() {
		s, ok := byName[typ.SchemaName()]
		if !ok {
			t.Errorf("no schema %s for %s", typ.SchemaName(), typ)
			continue
		}
		want, _ := lifecycle.Schema(typ)
		if s.Properties["Content"] != string(want) || s.Properties["Type"] != "JSONSchemaDraft4" {
			t.Errorf("schema %s: type %v, content is the file: %v", typ.SchemaName(), s.Properties["Type"], s.Properties["Content"] == string(want))
		}
		if id, attr := getAtt(s.Properties["RegistryName"]); id != registryID || attr != "RegistryName" {
			t.Errorf("schema %s is in registry %v", typ.SchemaName(), s.Properties["RegistryName"])
		}
	}

	fn := cfn.Resources[cfn.functions()[route.Events]].Properties
	vars, _ := prop(fn, "Environment", "Variables").(obj)
	if ref(vars["EVENT_BUS_NAME"]) != busID || vars["EVENT_SOURCE"] != lifecycle.Source(DefaultStage) {
		t.Errorf("environment %v, want the bus and the source %s", vars, lifecycle.Source(DefaultStage))
	}
	for _, f := range route.Functions {
		env, _ := prop(cfn.Resources[cfn.functions()[f.Name]].Properties, "Environment", "Variables").(obj)
		if _, ok := env["EVENT_BUS_NAME"]; ok != f.PublishesEvents {
			t.Errorf("%s: EVENT_BUS_NAME set %v, PublishesEvents %v", f.Name, ok, f.PublishesEvents)
		}
	}

	check(t, func() {
		tmpl.HasOutput(jsii.String("EventBusName"), obj{"Value": obj{"Ref": busID}})
		tmpl.HasOutput(jsii.String("EventBusArn"), obj{"Value": obj{"Fn::GetAtt": []any{busID, "Arn"}}})
	})
}
