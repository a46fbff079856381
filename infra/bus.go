package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventschemas"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerhub/partnerhub/pkg/lifecycle"
)

// schemaType is the registry's name of the schemas' dialect: the files of package lifecycle are JSON Schema
// draft 4, the dialect the registry takes besides OpenAPI 3.
const schemaType = "JSONSchemaDraft4"

// bus is where the lifecycle events go: the stack's own event bus, and the source its events carry.
type bus struct {
	bus    awsevents.EventBus
	source string
}

// newEventBus creates the custom event bus the lifecycle-events function publishes on, named after the stack
// (so stages side by side in one account have one each), and a schema registry with one schema per event type,
// from the same files the Go tests validate the events against. Integrators subscribe with rules on this bus;
// its name and ARN are outputs.
func newEventBus(stack awscdk.Stack, props *StackProps) *bus {
	b := awsevents.NewEventBus(stack, jsii.String("EventBus"), &awsevents.EventBusProps{
		EventBusName: stack.StackName(),
		Description:  jsii.String("PartnerHub lifecycle events (see README: Events for integrators)"),
	})
	registry := awseventschemas.NewCfnRegistry(stack, jsii.String("EventSchemas"), &awseventschemas.CfnRegistryProps{
		RegistryName: jsii.String(*stack.StackName() + "-events"),
		Description:  jsii.String("Schemas of the PartnerHub lifecycle events on the " + *stack.StackName() + " bus"),
	})
	for _, t := range lifecycle.Types() {
		content, err := lifecycle.Schema(t)
		if err != nil {
			panic(err.Error()) // every type has its schema file; the lifecycle tests hold to it
		}
		s := awseventschemas.NewCfnSchema(stack, jsii.String("Schema"+pascal(t.Slug())), &awseventschemas.CfnSchemaProps{
			RegistryName: registry.AttrRegistryName(),
			SchemaName:   jsii.String(t.SchemaName()),
			Type:         jsii.String(schemaType),
			Content:      jsii.String(string(content)),
			Description:  jsii.String("PartnerHub event " + string(t)),
		})
		s.AddDependency(registry)
	}
	out := func(id, value, description string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Value: jsii.String(value), Description: jsii.String(description)})
	}
	out("EventBusName", *b.EventBusName(), "The event bus of the lifecycle events (subscribe with rules on it)")
	out("EventBusArn", *b.EventBusArn(), "The ARN of the lifecycle events' bus")
	out("EventSchemaRegistry", *registry.AttrRegistryName(), "The schema registry of the lifecycle events")
	return &bus{bus: b, source: lifecycle.Source(stageOf(props))}
}
